package netguard

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/otc-dev/otc/internal/httpx"
	"github.com/otc-dev/otc/internal/reqinfo"
)

// RequestInfo is the outermost middleware: it gives each request a fresh
// reqinfo.Info, which the layers inside fill in (source address, caller,
// tool, outcome) and the metrics and audit middleware read after the
// response.
func RequestInfo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, _ := reqinfo.New(r.Context())
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// SourceAddress returns middleware that records the client address, as res
// resolves it, in reqinfo.Info.ClientIP. It goes right inside RequestInfo;
// without it, it installs an Info itself. A nil res trusts no proxy. A
// request whose peer is not an IP address (a Unix socket) gets an empty
// ClientIP, which no allowlist contains.
func SourceAddress(res *Resolver) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r, info := httpx.EnsureInfo(r)
			if a := res.ClientIP(r); a.IsValid() {
				info.ClientIP = addrString(a, r.RemoteAddr)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// addrString returns a.String(). When a is the peer and r.RemoteAddr
// already spells it that way (as net/http writes it: "192.0.2.1:50000",
// "[2001:db8::1]:50000"), it returns that part of RemoteAddr instead of a
// new string: one allocation fewer on every request.
func addrString(a netip.Addr, remote string) string {
	host := remote
	if strings.HasPrefix(remote, "[") {
		if end := strings.IndexByte(remote, ']'); end > 0 {
			host = remote[1:end]
		}
	} else if i := strings.IndexByte(remote, ':'); i >= 0 && strings.LastIndexByte(remote, ':') == i {
		host = remote[:i]
	}
	var buf [64]byte // an IPv6 address with a zone fits; the rest is never used
	if string(a.AppendTo(buf[:0])) == host {
		return host
	}
	return a.String()
}
