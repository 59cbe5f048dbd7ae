package netguard_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/otc-dev/otc/netguard"
)

// A request carrying both Content-Length and Transfer-Encoding: chunked is
// answered, then the connection is closed (RFC 9112 §6.1): a request
// smuggled behind it in what a front proxy counted as the body is never
// served.
func TestCloseAfterTransferEncoding(t *testing.T) {
	served := make(chan string, 4)
	ts := httptest.NewServer(netguard.CloseAfterTransferEncoding(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served <- r.URL.Path
		_, _ = io.Copy(io.Discard, r.Body)
	})))
	defer ts.Close()
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	smuggled := "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
	req := "POST /first HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(5+len(smuggled)) +
		"\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Close {
		t.Errorf("response to a chunked request does not close the connection: %v", resp.Header)
	}
	if got := <-served; got != "/first" {
		t.Fatalf("first request served as %q", got)
	}
	select {
	case p := <-served:
		t.Fatalf("the smuggled request %q was served", p)
	case <-time.After(200 * time.Millisecond):
	}
}
