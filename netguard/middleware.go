package netguard

import (
	"net/http"

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
				info.ClientIP = a.String()
			}
			next.ServeHTTP(w, r)
		})
	}
}
