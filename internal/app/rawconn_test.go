package app

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// rawConn is a hand-written HTTP/1.1 client on one TCP connection, for
// what net/http's client will not send: slow headers, conflicting framing,
// oversized header blocks.
type rawConn struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
}

func dialRaw(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{t: t, conn: c, br: bufio.NewReader(c)}
}

// send writes s, failing the test if the write fails.
func (c *rawConn) send(s string) {
	c.t.Helper()
	if err := c.trySend(s); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *rawConn) trySend(s string) error {
	_ = c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, err := io.WriteString(c.conn, s)
	return err
}

// read reads one response (its whole body) within limit. When the status
// line and headers arrived but the body did not end well (a server that
// answers and hangs up while the client still writes may reset the
// connection), it returns them with the error.
func (c *rawConn) read(limit time.Duration) (response, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(limit))
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b, proto: resp.Proto}, err
}

// closed reports whether the server closed the connection within limit:
// a read ends in EOF or a reset rather than a timeout. Bytes that arrive
// first are returned.
func (c *rawConn) closed(limit time.Duration) (bool, []byte) {
	_ = c.conn.SetReadDeadline(time.Now().Add(limit))
	b, err := io.ReadAll(c.br)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false, b
	}
	return true, b
}
