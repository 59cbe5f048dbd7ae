package app

// Abuse limits of the listener, proved with a raw TCP client that writes
// HTTP/1.1 by hand: what net/http's own client would never send.

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rawRequest returns an HTTP/1.1 request with the given extra header lines
// and body, and a Content-Length when the body is not empty.
func rawRequest(method, path string, headers []string, body string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: otc.test\r\n", method, path)
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	if body != "" {
		fmt.Fprintf(&b, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n" + body)
	return b.String()
}

// OTC: AUTH-18 — a client that sends its headers too slowly is dropped
// after --read-header-timeout, and never reaches a tool slot.
func TestSlowHeadersDropped(t *testing.T) {
	t.Parallel()
	s := startServer(t, serveOptions{args: []string{
		"--read-header-timeout", "300ms", "--max-concurrent-calls", "1",
	}})

	// Two connections each send half a header block and stop.
	var slow []*rawConn
	for range 2 {
		c := dialRaw(t, s.addr)
		c.send("POST /tools/call HTTP/1.1\r\nHost: otc.test\r\nOTC-API-Key: " + keyAlice + "\r\n")
		slow = append(slow, c)
	}
	// They hold no tool slot: with one slot in all, a call still runs.
	r := s.do(t, http.MethodPost, "/tools/call", callBody(t, "Calculator.Add@1", map[string]any{"a": 1, "b": 2}, nil), apiKey(keyAlice)...)
	if r.status != http.StatusOK {
		t.Fatalf("a call beside the slow connections: status %d, body %s; want 200", r.status, r.body)
	}
	// The default read-header timeout is 5 s: closing within 3 s shows
	// the configured 300 ms at work.
	for i, c := range slow {
		if closed, got := c.closed(3 * time.Second); !closed {
			t.Errorf("slow connection %d still open after 3 s (read %q)", i, got)
		}
	}
}

// OTC: AUTH-18 — a request body that arrives too slowly is answered 408
// after --read-timeout and the connection closed.
func TestSlowBodyDropped(t *testing.T) {
	t.Parallel()
	s := startServer(t, serveOptions{args: []string{"--read-header-timeout", "300ms", "--read-timeout", "500ms"}})
	c := dialRaw(t, s.addr)
	c.send("POST /tools/call HTTP/1.1\r\nHost: otc.test\r\nOTC-API-Key: " + keyAlice +
		"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"request\":")

	// The default read timeout is 30 s; 3 s is plenty for 500 ms.
	resp, err := c.read(3 * time.Second)
	if err == nil && resp.status != http.StatusRequestTimeout {
		t.Errorf("slow body: status %d, body %s; want 408 or a closed connection", resp.status, resp.body)
	}
	if closed, got := c.closed(3 * time.Second); !closed {
		t.Errorf("slow body: connection still open after 3 s (read %q)", got)
	}
}

// OTC: AUTH-18 — the size limits: the header block (--max-header-bytes,
// 431), the body (--max-body, 413) and JSON nesting (--max-json-depth, 400).
func TestRequestSizeLimits(t *testing.T) {
	t.Parallel()
	s := startServer(t, serveOptions{args: []string{
		"--max-header-bytes", "4096", "--max-body", "1KiB", "--max-json-depth", "8",
	}})
	key := "OTC-API-Key: " + keyAlice
	nested := func(depth int) string {
		// {"request":{"tool_id":..,"input":{"a":[[..1..]],"b":1}}}: three
		// levels of envelope, one for the input object, then arrays.
		arrays := depth - 3
		return `{"request":{"tool_id":"Calculator.Add@1","input":{"a":` +
			strings.Repeat("[", arrays) + "1" + strings.Repeat("]", arrays) + `,"b":1}}}`
	}
	padded := func(n int) string {
		body := callBody(t, "Doorbell.Ring", map[string]any{"doorbell_id": ""}, nil)
		return strings.Replace(body, `""`, `"`+strings.Repeat("d", n)+`"`, 1)
	}
	tests := []struct {
		name       string
		request    string
		wantStatus int
	}{
		{"header block within the limit", rawRequest("GET", "/health", []string{"X-Pad: " + strings.Repeat("p", 1000)}, ""), http.StatusOK},
		// net/http allows 4 KiB of slack over MaxHeaderBytes: 20 000 bytes
		// is over the limit, and under the 64 KiB default.
		{"header block over the limit", rawRequest("GET", "/health", []string{"X-Pad: " + strings.Repeat("p", 20000)}, ""), http.StatusRequestHeaderFieldsTooLarge},
		{"body within the limit", rawRequest("POST", "/tools/call", []string{key}, padded(900)), http.StatusOK},
		{"body over the limit", rawRequest("POST", "/tools/call", []string{key}, padded(2000)), http.StatusRequestEntityTooLarge},
		{"chunked body over the limit", "POST /tools/call HTTP/1.1\r\nHost: otc.test\r\n" + key +
			"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
			chunked(padded(2000)), http.StatusRequestEntityTooLarge},
		// Within the depth the input is merely invalid for Calculator.Add.
		{"nesting within the limit", rawRequest("POST", "/tools/call", []string{key}, nested(8)), http.StatusUnprocessableEntity},
		{"nesting over the limit", rawRequest("POST", "/tools/call", []string{key}, nested(9)), http.StatusBadRequest},
		{"deep nesting", rawRequest("POST", "/tools/call", []string{key}, nested(100)), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dialRaw(t, s.addr)
			c.send(tt.request)
			// The 431 is written as the server hangs up on a client that is
			// still writing, so its body may be cut short: the status counts.
			resp, err := c.read(5 * time.Second)
			if resp.status == 0 {
				t.Fatalf("no response: %v", err)
			}
			if resp.status != tt.wantStatus {
				t.Fatalf("status %d, body %s; want %d", resp.status, resp.body, tt.wantStatus)
			}
			if resp.status == http.StatusOK || resp.status == http.StatusRequestHeaderFieldsTooLarge {
				return
			}
			// The server's own refusals are JSON with a message.
			if ct := resp.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			if m := resp.json(t); m["message"] == nil {
				t.Errorf("body %s has no message", resp.body)
			}
		})
	}
}

// chunked encodes body as one chunk and the last chunk.
func chunked(body string) string {
	return strconv.FormatInt(int64(len(body)), 16) + "\r\n" + body + "\r\n0\r\n\r\n"
}

// OTC: AUTH-18 — --max-conns caps the connections held open. The excess is
// not refused: the listener stops accepting, so a new connection completes
// its TCP handshake in the kernel's backlog and waits, unanswered, until
// one of the held connections closes; then it is served.
func TestMaxConns(t *testing.T) {
	t.Parallel()
	s := startServer(t, serveOptions{args: []string{"--max-conns", "2"}})
	health := rawRequest("GET", "/health", nil, "")

	var held []*rawConn
	for i := range 2 {
		c := dialRaw(t, s.addr)
		c.send(health)
		if resp, err := c.read(5 * time.Second); err != nil || resp.status != http.StatusOK {
			t.Fatalf("connection %d within the cap: status %d, err %v", i, resp.status, err)
		}
		held = append(held, c) // kept alive: it counts against the cap
	}

	extra := dialRaw(t, s.addr) // the kernel completes the handshake
	extra.send(health)
	if resp, err := extra.read(300 * time.Millisecond); err == nil {
		t.Fatalf("third connection answered %d while two were held; want no answer", resp.status)
	}
	// Its request waits, unread; once a held connection closes, it is
	// accepted and answered.
	held[0].conn.Close()
	resp, err := extra.read(5 * time.Second)
	if err != nil || resp.status != http.StatusOK {
		t.Fatalf("third connection after one closed: status %d, err %v; want 200", resp.status, err)
	}
}
