package netguard

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Header names the forwarding header that trusted proxies set.
type Header int

const (
	// XForwardedFor is "X-Forwarded-For: client, proxy1, proxy2", which
	// most proxies and load balancers set.
	XForwardedFor Header = iota
	// Forwarded is RFC 7239's "Forwarded: for=client, for=proxy1"; only
	// its for= parameters are read.
	Forwarded
)

// String returns the header's name.
func (h Header) String() string {
	if h == Forwarded {
		return "Forwarded"
	}
	return "X-Forwarded-For"
}

// ParseHeader reads a header name as a flag gives it: "x-forwarded-for" or
// "forwarded", in any case.
func ParseHeader(s string) (Header, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "x-forwarded-for":
		return XForwardedFor, nil
	case "forwarded":
		return Forwarded, nil
	}
	return 0, fmt.Errorf("forwarding header %q: want X-Forwarded-For or Forwarded", truncate(s))
}

// Resolver finds the client address of a request. The zero Resolver trusts
// no proxy: the client is always the TCP peer.
//
// Only one forwarding header is read, the one the proxies are configured to
// set. Reading both would let a client behind a proxy that sets only
// X-Forwarded-For put any address in a Forwarded header of its own, which
// the proxy passes through untouched.
type Resolver struct {
	// TrustedProxies are the peers whose forwarding header is believed,
	// and the addresses skipped in it. Empty means none.
	TrustedProxies Prefixes
	// Header is the forwarding header the trusted proxies set. The zero
	// value is XForwardedFor.
	Header Header
}

// ClientIP returns the address of the client that sent r.
//
// When the TCP peer is not a trusted proxy, that is the peer, whatever the
// headers say. When it is, the forwarding header is read from the right (the
// entries the trusted proxies appended) and the first address that is not a
// trusted proxy is the client; when every address is a trusted proxy, the
// left-most one is. A header that is missing, or malformed in the part that
// is read, gives the peer: an entry that does not parse cannot be trusted,
// and entries left of the client's are never parsed, so a client cannot
// force that fallback by sending garbage.
//
// The zero Addr is returned when r.RemoteAddr is not an IP address (a Unix
// socket, for instance).
func (res *Resolver) ClientIP(r *http.Request) netip.Addr {
	peer := PeerAddr(r)
	if res == nil || !peer.IsValid() || !res.TrustedProxies.Contains(peer) {
		return peer
	}
	var (
		values []string
		parse  func(string) (netip.Addr, bool)
	)
	if res.Header == Forwarded {
		values, parse = r.Header["Forwarded"], parseForwardedElement
	} else {
		values, parse = r.Header["X-Forwarded-For"], parseNode
	}
	if a, ok := res.walk(values, parse); ok {
		return a
	}
	return peer
}

// walk goes through the comma-separated entries of values from the last
// one back, and returns the first address that is not a trusted proxy, or
// the left-most address when all are. It returns false when it meets an
// entry that parse rejects before that, or when there is no entry at all.
//
// Splitting at every comma ignores RFC 7239 quoting, which is safe: what
// proxies write never holds a comma, and a quoted comma in a part written by
// the client is either never reached or splits into pieces that are refused.
// Walking back without parsing the whole header first also means a client
// cannot make the part the proxies wrote unreadable.
func (res *Resolver) walk(values []string, parse func(string) (netip.Addr, bool)) (netip.Addr, bool) {
	var leftmost netip.Addr
	for i := len(values) - 1; i >= 0; i-- {
		rest := values[i]
		for rest != "" {
			var entry string
			if j := strings.LastIndexByte(rest, ','); j >= 0 {
				entry, rest = rest[j+1:], rest[:j]
			} else {
				entry, rest = rest, ""
			}
			a, ok := parse(strings.TrimSpace(entry))
			if !ok {
				return netip.Addr{}, false
			}
			if !res.TrustedProxies.Contains(a) {
				return a, true
			}
			leftmost = a
		}
	}
	return leftmost, leftmost.IsValid()
}

// PeerAddr returns the address of the TCP peer of r, from r.RemoteAddr,
// with IPv4-mapped IPv6 turned into IPv4. It returns the zero Addr when
// RemoteAddr holds no IP address.
func PeerAddr(r *http.Request) netip.Addr {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap().WithZone("")
	}
	// Tests and some listeners set a bare address.
	if a, err := netip.ParseAddr(r.RemoteAddr); err == nil {
		return a.Unmap().WithZone("")
	}
	return netip.Addr{}
}
