package app

// Request framing at the listener: requests whose length is ambiguous.

import (
	"strconv"
	"testing"
	"time"
)

// A request with both Content-Length and Transfer-Encoding: chunked, where
// the Content-Length covers a second, smuggled request after the chunked
// body's end. A front end that frames by Content-Length forwards all of it
// as one request; a back end that frames by chunked encoding and keeps the
// connection open would serve the smuggled request as the front end's
// next client's. RFC 9112 §6.1: a server MAY reject such a request, and
// MUST close the connection after responding to it either way.
//
// OTC: AUTH-18
func TestSmuggledRequestNotServed(t *testing.T) {
	t.Parallel()
	s := startServer(t, serveOptions{})
	// The smuggled request asks for /health with a marker query, so that
	// its answer, if any, is recognised.
	smuggled := "GET /health?smuggled=1 HTTP/1.1\r\nHost: otc.test\r\n\r\n"
	tests := []struct {
		name    string
		headers string // the framing headers of the first request
		body    string
	}{
		{"content-length covers the smuggled request", "Content-Length: " + strconv.Itoa(len("0\r\n\r\n"+smuggled)) +
			"\r\nTransfer-Encoding: chunked", "0\r\n\r\n" + smuggled},
		{"transfer-encoding first", "Transfer-Encoding: chunked\r\nContent-Length: " + strconv.Itoa(len("0\r\n\r\n"+smuggled)),
			"0\r\n\r\n" + smuggled},
		{"content-length shorter than the chunked body", "Content-Length: 3\r\nTransfer-Encoding: chunked",
			"2\r\n{}\r\n0\r\n\r\n" + smuggled},
		{"obfuscated transfer-encoding", "Content-Length: " + strconv.Itoa(len("0\r\n\r\n"+smuggled)) +
			"\r\nTransfer-Encoding: xchunked", "0\r\n\r\n" + smuggled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dialRaw(t, s.addr)
			c.send("POST /tools/call HTTP/1.1\r\nHost: otc.test\r\nOTC-API-Key: " + keyAlice +
				"\r\nContent-Type: application/json\r\n" + tt.headers + "\r\n\r\n" + tt.body)
			first, err := c.read(5 * time.Second)
			if first.status == 0 {
				// Hanging up at once is a rejection too.
				return
			}
			if err != nil {
				t.Fatalf("first response (status %d) cut short: %v", first.status, err)
			}
			// Whatever the first answer, nothing else may follow on this
			// connection: it must be closed.
			closed, rest := c.closed(2 * time.Second)
			if len(rest) > 0 {
				t.Fatalf("the smuggled request was served: after the %d to the first request the server sent %q", first.status, rest)
			}
			if !closed {
				t.Fatalf("the connection stays open after a request with conflicting framing (status %d); RFC 9112 §6.1 wants it closed", first.status)
			}
		})
	}
}
