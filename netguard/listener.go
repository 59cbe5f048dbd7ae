package netguard

import (
	"net"

	"golang.org/x/net/netutil"
)

// LimitListener returns a Listener that holds at most n connections open at
// once; n <= 0 returns l unchanged.
//
// At the cap, Accept blocks until a connection closes, rather than accepting
// and closing the excess: new clients wait in the kernel's accept queue (and
// time out there if the server stays full) instead of getting a reset they
// might retry at once, which would only add load. Idle keep-alive
// connections count against the cap, so give the http.Server an
// IdleTimeout. It is golang.org/x/net/netutil.LimitListener.
func LimitListener(l net.Listener, n int) net.Listener {
	if n <= 0 {
		return l
	}
	return netutil.LimitListener(l, n)
}
