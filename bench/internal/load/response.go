package load

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Response is what the load generator keeps of one HTTP response: enough to
// check it, nothing it would have to allocate for.
type Response struct {
	// Status is the status code.
	Status int
	// ContentType is the Content-Type header, empty when absent.
	ContentType string
	// Body is the whole body. It aliases a buffer that the next response on
	// the same connection overwrites.
	Body []byte
	// Close reports that the server will close the connection after this
	// response (Connection: close, HTTP/1.0, or a body delimited by EOF).
	Close bool
}

// Limits of the response reader: a response beyond them is an error, so that
// a misbehaving server cannot make the generator allocate without bound.
const (
	// MaxHeaderLines bounds the number of header fields.
	MaxHeaderLines = 256
	// MaxBodySize bounds a response body.
	MaxBodySize = 64 << 20
)

// ProtocolError reports a response the reader could not parse.
type ProtocolError struct {
	// What says what was wrong, without echoing more than a short prefix
	// of the offending bytes.
	What string
}

func (e *ProtocolError) Error() string { return "malformed HTTP response: " + e.What }

func protoErr(format string, args ...any) error {
	return &ProtocolError{What: fmt.Sprintf(format, args...)}
}

// ReadResponse reads one HTTP/1.x response from br. It is a deliberately small
// parser: status line, the three headers that frame the body
// (Content-Length, Transfer-Encoding, Connection) and Content-Type, then the
// body by length, by chunks or to EOF. head says the request was a HEAD, which
// has no body whatever the headers say. The body is read into buf, grown as
// needed, and returned in Response.Body together with the (possibly new)
// buffer for reuse. Interim 1xx responses are skipped.
func ReadResponse(br *bufio.Reader, head bool, buf []byte) (Response, []byte, error) {
	for {
		resp, buf, err := readOne(br, head, buf)
		if err != nil || resp.Status >= 200 {
			return resp, buf, err
		}
	}
}

func readOne(br *bufio.Reader, head bool, buf []byte) (Response, []byte, error) {
	var resp Response
	line, err := readLine(br)
	if err != nil {
		return resp, buf, err
	}
	// "HTTP/1.1 200 OK": the version, one space, three digits, then a space
	// or the end of the line.
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' ||
		len(line) > 12 && line[12] != ' ' {
		return resp, buf, protoErr("bad status line %q", prefix(line))
	}
	if line[7] == '0' {
		resp.Close = true // HTTP/1.0 closes unless told otherwise; we never ask.
	} else if line[7] != '1' {
		return resp, buf, protoErr("bad status line %q", prefix(line))
	}
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return resp, buf, protoErr("bad status code %q", prefix(line))
		}
		resp.Status = resp.Status*10 + int(c-'0')
	}
	if resp.Status < 100 {
		return resp, buf, protoErr("bad status code %d", resp.Status)
	}

	contentLength, chunked := int64(-1), false
	for n := 0; ; n++ {
		if n > MaxHeaderLines {
			return resp, buf, protoErr("more than %d header lines", MaxHeaderLines)
		}
		line, err := readLine(br)
		if err != nil {
			return resp, buf, err
		}
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(name) == 0 {
			return resp, buf, protoErr("bad header line %q", prefix(line))
		}
		value = bytes.TrimSpace(value)
		switch {
		case asciiEqualFold(name, "content-length"):
			l, ok := parseDecimal(value)
			if !ok || contentLength >= 0 && l != contentLength {
				return resp, buf, protoErr("bad Content-Length %q", prefix(value))
			}
			contentLength = l
		case asciiEqualFold(name, "transfer-encoding"):
			if !asciiEqualFold(value, "chunked") {
				return resp, buf, protoErr("unsupported Transfer-Encoding %q", prefix(value))
			}
			chunked = true
		case asciiEqualFold(name, "connection"):
			if asciiEqualFold(value, "close") {
				resp.Close = true
			}
		case asciiEqualFold(name, "content-type"):
			resp.ContentType = string(value)
		}
	}

	buf = buf[:0]
	switch {
	case resp.Status < 200 || resp.Status == 204 || resp.Status == 304 || head:
		// No body, by definition (RFC 9112 §6.3).
	case chunked:
		buf, err = readChunked(br, buf)
	case contentLength >= 0:
		if contentLength > MaxBodySize {
			return resp, buf, protoErr("body of %d bytes exceeds %d", contentLength, MaxBodySize)
		}
		buf = grow(buf, int(contentLength))
		_, err = io.ReadFull(br, buf)
	default:
		// Delimited by the end of the connection.
		resp.Close = true
		buf, err = readToEOF(br, buf)
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	resp.Body = buf
	return resp, buf, err
}

// readChunked reads a chunked body and its trailer section.
func readChunked(br *bufio.Reader, buf []byte) ([]byte, error) {
	for {
		line, err := readLine(br)
		if err != nil {
			return buf, err
		}
		size, _, _ := bytes.Cut(line, []byte(";")) // chunk extensions are ignored
		n, ok := parseHex(bytes.TrimSpace(size))
		if !ok {
			return buf, protoErr("bad chunk size %q", prefix(line))
		}
		if n == 0 {
			break
		}
		if int64(len(buf))+n > MaxBodySize {
			return buf, protoErr("chunked body exceeds %d bytes", MaxBodySize)
		}
		start := len(buf)
		buf = grow(buf, start+int(n))
		if _, err := io.ReadFull(br, buf[start:]); err != nil {
			return buf, err
		}
		if crlf, err := readLine(br); err != nil || len(crlf) != 0 {
			if err == nil {
				err = protoErr("chunk not followed by CRLF")
			}
			return buf, err
		}
	}
	for n := 0; ; n++ { // trailer section, up to an empty line
		if n > MaxHeaderLines {
			return buf, protoErr("more than %d trailer lines", MaxHeaderLines)
		}
		line, err := readLine(br)
		if err != nil {
			return buf, err
		}
		if len(line) == 0 {
			return buf, nil
		}
	}
}

func readToEOF(br *bufio.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := br.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > MaxBodySize {
			return buf, protoErr("body exceeds %d bytes", MaxBodySize)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// readLine returns one line without its CRLF (or bare LF). The slice aliases
// br's buffer and is valid until the next read. A line longer than the
// buffer is an error.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return nil, protoErr("line longer than %d bytes", br.Size())
	}
	if err != nil {
		if errors.Is(err, io.EOF) && len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// grow returns b resized to n bytes, keeping its contents and reusing its
// array when it is big enough.
func grow(b []byte, n int) []byte {
	if cap(b) >= n {
		return b[:n]
	}
	nb := make([]byte, n, max(n, 2*cap(b)))
	copy(nb, b)
	return nb
}

func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func parseHex(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 12 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		n = n<<4 | int64(d)
	}
	return n, true
}

// asciiEqualFold reports whether b equals the lower-case ASCII string s,
// ignoring the case of b.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// prefix returns at most 40 bytes of b, for error messages.
func prefix(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}
