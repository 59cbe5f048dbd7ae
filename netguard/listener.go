package netguard

import (
	"net"
	"sync"
)

// LimitListener returns a Listener that holds at most n connections open at
// once; n <= 0 returns l unchanged.
//
// At the cap, Accept blocks until a connection closes, rather than accepting
// and closing the excess: new clients wait in the kernel's accept queue (and
// time out there if the server stays full) instead of getting a reset they
// might retry at once, which would only add load. Idle keep-alive
// connections count against the cap, so give the http.Server an
// IdleTimeout.
//
// Connections keep CloseWrite when the accepted connection has it (TCP):
// net/http half-closes a connection to deliver a 413 or 431 while the client
// is still sending, and a wrapper without CloseWrite turns that clean end
// into a reset that can lose the answer. That is why this is not
// golang.org/x/net/netutil.LimitListener.
func LimitListener(l net.Listener, n int) net.Listener {
	if n <= 0 {
		return l
	}
	return &limitListener{Listener: l, sem: make(chan struct{}, n), done: make(chan struct{})}
}

type limitListener struct {
	net.Listener
	sem       chan struct{}
	closeOnce sync.Once
	done      chan struct{}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	release := func() { <-l.sem }
	if _, ok := c.(closeWriter); ok {
		return &limitCloseWriteConn{limitConn: limitConn{Conn: c, release: release}}, nil
	}
	return &limitConn{Conn: c, release: release}, nil
}

func (l *limitListener) Close() error {
	err := l.Listener.Close()
	l.closeOnce.Do(func() { close(l.done) })
	return err
}

type closeWriter interface{ CloseWrite() error }

// limitConn gives its slot back once, on the first Close.
type limitConn struct {
	net.Conn
	release   func()
	closeOnce sync.Once
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(c.release)
	return err
}

// limitCloseWriteConn is a limitConn over a connection that can half-close.
type limitCloseWriteConn struct{ limitConn }

func (c *limitCloseWriteConn) CloseWrite() error { return c.Conn.(closeWriter).CloseWrite() }
