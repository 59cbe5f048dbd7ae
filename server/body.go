package server

import (
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"

	"github.com/otc-dev/otc"
)

// checkContentType accepts a JSON body: Content-Type application/json,
// optionally with charset=utf-8 (JSON is UTF-8, RFC 8259), or no
// Content-Type at all, which simple clients often omit. Anything else is
// 415: a form or text body is a mistake the client should hear about.
func checkContentType(r *http.Request) error {
	values := r.Header.Values("Content-Type")
	switch {
	case len(values) == 0:
		return nil
	case len(values) > 1:
		return unsupportedMediaType()
	case values[0] == "application/json":
		return nil // what clients send; ParseMediaType costs allocations
	}
	mt, params, err := mime.ParseMediaType(values[0])
	if err != nil || mt != "application/json" {
		return unsupportedMediaType()
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return unsupportedMediaType()
		}
	}
	return nil
}

// unsupportedMediaType is the 415 of checkContentType, built only when
// needed: it is an allocation.
func unsupportedMediaType() error {
	return &otc.Error{Code: otc.CodeUnsupportedMediaType,
		Message:          "The request body must be JSON.",
		DeveloperMessage: "send Content-Type: application/json"}
}

// readBody reads the whole request body, refusing one over limit bytes
// with 413 before reading it all.
//
// A body of announced length is read straight from r.Body, which net/http
// ends at Content-Length, with the limit checked here; only a chunked body
// (no length) goes through http.MaxBytesReader, which also tells net/http
// to close the connection once the limit is passed. That saves a reader per
// request on the call path.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, bodyTooLarge()
	}
	size := r.ContentLength
	body := r.Body
	if size < 0 {
		size = 512
		body = http.MaxBytesReader(w, r.Body, limit)
	}
	// One byte more than the body, so that the read sees EOF without
	// growing the buffer.
	buf := make([]byte, 0, size+1)
	for {
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			// A body longer than it announced (only a handler called
			// with a hand-made request can see one: net/http stops at
			// Content-Length).
			return nil, bodyTooLarge()
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, bodyTooLarge()
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return nil, &otc.Error{Code: otc.CodeRequestTimeout, Message: "The request body arrived too slowly.", Err: err}
			}
			return nil, &otc.Error{Code: otc.CodeBadRequest, Message: "The request body could not be read.", Err: err}
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// bodyTooLarge is the 413 of readBody, built only when needed.
func bodyTooLarge() error {
	return &otc.Error{Code: otc.CodePayloadTooLarge, Message: "The request body is too large."}
}
