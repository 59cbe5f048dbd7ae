package app

// Refusals sent while the client is still writing.

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A refusal sent while the client is still writing (a header block over
// the limit, a body over --max-body) reaches the client whole: net/http
// half-closes the connection (FIN) and lingers before closing, so that
// the client reads the answer and a clean end of stream instead of a
// reset that may discard it. The --max-conns listener sits between
// net/http and the TCP connection, and must keep that working.
//
// OTC: AUTH-18
func TestRefusalWhileClientWritesArrivesWhole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		request    string
		wantStatus int
	}{
		{"header block over the limit", "GET /health HTTP/1.1\r\nHost: otc.test\r\nX-Pad: " + strings.Repeat("p", 20000) + "\r\n\r\n",
			http.StatusRequestHeaderFieldsTooLarge},
		// 300 KiB declared: more than net/http reads after a handler to
		// keep a connection (256 KiB), so the rest stays unread.
		{"body over the limit", "POST /tools/call HTTP/1.1\r\nHost: otc.test\r\nOTC-API-Key: " + keyAlice +
			"\r\nContent-Type: application/json\r\nContent-Length: 307200\r\n\r\n" + strings.Repeat(" ", 307200),
			http.StatusRequestEntityTooLarge},
	}
	for _, conns := range []string{"0", "1024"} {
		s := startServer(t, serveOptions{args: []string{"--max-conns", conns, "--max-header-bytes", "4096", "--max-body", "1KiB"}})
		for _, tt := range tests {
			t.Run(tt.name+" max-conns "+conns, func(t *testing.T) {
				c := dialRaw(t, s.addr)
				// Written in the background: the server stops reading early.
				go func() { _ = c.trySend(tt.request) }()
				resp, err := c.read(5 * time.Second)
				if resp.status != tt.wantStatus {
					t.Fatalf("status %d (err %v), want %d", resp.status, err, tt.wantStatus)
				}
				if err == nil {
					// The answer is complete; what follows must be the end
					// of the stream.
					_ = c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
					_, err = io.Copy(io.Discard, c.br)
				}
				if err != nil && !errors.Is(err, io.EOF) {
					t.Fatalf("the %d arrived, but its connection ended with %v instead of a clean close", resp.status, err)
				}
			})
		}
	}
}
