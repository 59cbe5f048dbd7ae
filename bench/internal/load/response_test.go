package load

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestReadResponse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		head bool
		want []Response // one per response read from in, in order
	}{
		{
			name: "content length",
			in:   "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}",
			want: []Response{{Status: 200, ContentType: "application/json", Body: []byte(`{"a":1}`)}},
		},
		{
			name: "two responses on one connection",
			in: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi" +
				"HTTP/1.1 404 Not Found\r\ncontent-length: 3\r\n\r\nno\n",
			want: []Response{
				{Status: 200, Body: []byte("hi")},
				{Status: 404, Body: []byte("no\n")},
			},
		},
		{
			name: "chunked with extension and trailer",
			in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n",
			want: []Response{{Status: 200, Body: []byte("abc0123456789")}},
		},
		{
			name: "304 has no body",
			in:   "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 100\r\n\r\n",
			want: []Response{{Status: 304, Body: []byte{}}},
		},
		{
			name: "HEAD has no body",
			in:   "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n",
			head: true,
			want: []Response{{Status: 200, Body: []byte{}}},
		},
		{
			name: "interim 100 is skipped",
			in:   "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
			want: []Response{{Status: 201, Body: []byte{}}},
		},
		{
			name: "connection close",
			in:   "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx",
			want: []Response{{Status: 400, Body: []byte("x"), Close: true}},
		},
		{
			name: "body delimited by EOF",
			in:   "HTTP/1.1 200 OK\r\n\r\nuntil the end",
			want: []Response{{Status: 200, Body: []byte("until the end"), Close: true}},
		},
		{
			name: "HTTP/1.0 closes",
			in:   "HTTP/1.0 200 OK\nContent-Length: 2\n\nok",
			want: []Response{{Status: 200, Body: []byte("ok"), Close: true}},
		},
		{
			name: "status line without reason",
			in:   "HTTP/1.1 204\r\n\r\n",
			want: []Response{{Status: 204, Body: []byte{}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReader(strings.NewReader(tt.in))
			var buf []byte
			var got []Response
			for range tt.want {
				resp, b, err := ReadResponse(br, tt.head, buf)
				if err != nil {
					t.Fatalf("ReadResponse: %v", err)
				}
				buf = b
				resp.Body = append([]byte{}, resp.Body...) // the next read reuses buf
				got = append(got, resp)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("responses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadResponseErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantProto bool // a *ProtocolError; otherwise an I/O error
	}{
		{"empty", "", false},
		{"truncated body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", false},
		{"truncated headers", "HTTP/1.1 200 OK\r\nContent-Len", false},
		{"truncated chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", false},
		{"not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", true},
		{"HTTP/2 status line", "HTTP/2 200 OK\r\n\r\n", true},
		{"letters in status", "HTTP/1.1 2x0 OK\r\n\r\n", true},
		{"four digit status", "HTTP/1.1 2000 OK\r\n\r\n", true},
		{"status below 100", "HTTP/1.1 099 Odd\r\n\r\n", true},
		{"header without colon", "HTTP/1.1 200 OK\r\nbroken\r\n\r\n", true},
		{"negative length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", true},
		{"conflicting lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", true},
		{"huge length", "HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n", true},
		{"gzip transfer coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", true},
		{"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", true},
		{"chunk without CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n", true},
		{"line too long", "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", 5000) + "\r\n\r\n", true},
		{"too many headers", "HTTP/1.1 200 OK\r\n" + strings.Repeat("X: 1\r\n", MaxHeaderLines+2) + "\r\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tt.in), 4096)
			_, _, err := ReadResponse(br, false, nil)
			if err == nil {
				t.Fatal("ReadResponse succeeded, want an error")
			}
			var pe *ProtocolError
			if got := errors.As(err, &pe); got != tt.wantProto {
				t.Errorf("error %q: protocol error = %v, want %v", err, got, tt.wantProto)
			}
			if !tt.wantProto && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("error %q: want EOF or unexpected EOF", err)
			}
		})
	}
}

func TestReadResponseErrorDoesNotEchoLongInput(t *testing.T) {
	secret := strings.Repeat("s", 100)
	br := bufio.NewReader(strings.NewReader("HTTP/1.1 200 OK\r\n" + secret + "\r\n\r\n"))
	_, _, err := ReadResponse(br, false, nil)
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("error %v: want a short prefix of the bad line, not all of it", err)
	}
}

func TestReadResponseReusesBuffer(t *testing.T) {
	one := "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
	br := bufio.NewReader(strings.NewReader(strings.Repeat(one, 3)))
	buf := make([]byte, 0, 64)
	for range 3 {
		resp, b, err := ReadResponse(br, false, buf)
		if err != nil {
			t.Fatal(err)
		}
		if &b[:1][0] != &buf[:1][0] || string(resp.Body) != "hello" {
			t.Fatalf("body %q in a new buffer; want the caller's buffer reused", resp.Body)
		}
	}
}

func FuzzReadResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), false)
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"), false)
	f.Add([]byte("HTTP/1.1 304 Not Modified\r\n\r\n"), true)
	f.Fuzz(func(t *testing.T, in []byte, head bool) {
		br := bufio.NewReaderSize(strings.NewReader(string(in)), 4096)
		var buf []byte
		for range 4 {
			resp, b, err := ReadResponse(br, head, buf)
			if err != nil {
				return
			}
			buf = b
			if resp.Status < 200 || resp.Status > 999 {
				t.Fatalf("status %d accepted", resp.Status)
			}
			if len(resp.Body) > len(in) {
				t.Fatalf("body of %d bytes from %d bytes of input", len(resp.Body), len(in))
			}
		}
	})
}
