package netguard_test

import (
	"net"
	"testing"
	"time"

	"github.com/otc-dev/otc/netguard"
)

func TestLimitListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	limited := netguard.LimitListener(ln, 2)
	defer limited.Close()

	accepted := make(chan net.Conn, 3)
	go func() {
		for {
			c, err := limited.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	var clients []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		clients = append(clients, c)
	}
	first, second := <-accepted, <-accepted
	// The third connection waits in the kernel's queue: Accept blocks. A
	// short wait cannot prove it never comes, but a listener without a cap
	// hands it over at once.
	select {
	case c := <-accepted:
		c.Close()
		t.Fatal("a third connection was accepted with a cap of 2")
	case <-time.After(50 * time.Millisecond):
	}
	first.Close()
	select {
	case third := <-accepted:
		third.Close()
	case <-time.After(10 * time.Second):
		t.Fatal("closing a connection did not let the waiting one in")
	}
	second.Close()
}

func TestLimitListenerNoLimit(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if got := netguard.LimitListener(ln, 0); got != ln {
		t.Error("a cap of 0 wrapped the listener")
	}
}
