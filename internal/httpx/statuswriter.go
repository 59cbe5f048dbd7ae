// Package httpx holds the small HTTP helpers that the metrics and audit
// middleware share: a ResponseWriter that remembers the status it sent, and
// access to the request's reqinfo.Info for middleware that must not work on
// a throwaway one.
package httpx

import "net/http"

// StatusWriter is an http.ResponseWriter that records the status code and
// the number of body bytes sent through it, for middleware that reports on
// a response after the handler returned.
//
// It implements http.Flusher, so handlers that stream keep working, and
// Unwrap, so that http.ResponseController reaches the writer underneath for
// deadlines, hijacking and full duplex.
type StatusWriter struct {
	http.ResponseWriter
	status  int
	written int64
}

// NewStatusWriter wraps w. When w already is a *StatusWriter (an outer
// middleware wrapped it) it is returned as is, so that metrics and audit
// stacked on one request share one wrapper.
func NewStatusWriter(w http.ResponseWriter) *StatusWriter {
	if sw, ok := w.(*StatusWriter); ok {
		return sw
	}
	return &StatusWriter{ResponseWriter: w}
}

// WriteHeader records the first final (non-1xx) status and passes every call
// on: informational responses such as 103 Early Hints may precede it.
func (s *StatusWriter) WriteHeader(code int) {
	if s.status == 0 && code >= 200 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write sends body bytes; like net/http, a write before WriteHeader sends 200.
func (s *StatusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.written += int64(n)
	return n, err
}

// Flush sends buffered data to the client, through http.ResponseController
// so that it works whatever the writer underneath is. Like net/http, a flush
// before WriteHeader sends 200.
func (s *StatusWriter) Flush() {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	// A writer that cannot flush is not an error worth reporting here:
	// the data is sent when the handler returns.
	_ = http.NewResponseController(s.ResponseWriter).Flush()
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (s *StatusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Status returns the status sent, or 0 when the handler has sent nothing
// yet. After a handler returned normally, 0 means net/http answers 200.
func (s *StatusWriter) Status() int { return s.status }

// Written returns the number of body bytes written.
func (s *StatusWriter) Written() int64 { return s.written }

// Interface guards: handlers that type-assert for these keep working.
var (
	_ http.ResponseWriter = (*StatusWriter)(nil)
	_ http.Flusher        = (*StatusWriter)(nil)
)
