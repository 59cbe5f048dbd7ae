package netguard

import (
	"net/http"
	"net/netip"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/internal/httperr"
	"github.com/otc-dev/otc/internal/reqinfo"
)

// AllowlistOptions configures Allowlist. A nil *AllowlistOptions means the
// zero value.
type AllowlistOptions struct {
	// Exempt, when it returns true, lets a request through without looking
	// at its address: a public /health for load balancers (--health-public).
	// Nil exempts nothing.
	Exempt func(*http.Request) bool
}

// Allowlist returns middleware that answers 403 Forbidden, with a JSON body,
// to every request whose source address is outside allowed (AUTH-18). It
// goes before authentication, so that no credential from an address outside
// the list is ever looked at.
//
// The source address is reqinfo.Info.ClientIP as SourceAddress resolved it;
// when that is not set, the TCP peer (never a forwarding header). An empty
// allowed list lets nothing through: leave the middleware out of the chain
// when no allowlist is configured.
func Allowlist(allowed Prefixes, opts *AllowlistOptions) func(http.Handler) http.Handler {
	var exempt func(*http.Request) bool
	if opts != nil {
		exempt = opts.Exempt
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if exempt != nil && exempt(r) {
				next.ServeHTTP(w, r)
				return
			}
			info := reqinfo.From(r.Context())
			var addr netip.Addr
			if info.ClientIP != "" {
				addr, _ = netip.ParseAddr(info.ClientIP) // an unparsable one is the zero Addr: refused
			} else {
				addr = PeerAddr(r)
			}
			if !allowed.Contains(addr) {
				info.Outcome = "forbidden"
				// The body does not echo the address: the client knows it,
				// and whoever reads a proxied response need not.
				httperr.Write(w, "", otc.NewError(otc.CodeForbidden, "Requests from this address are not allowed."))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// ExemptPaths returns an Exempt function for AllowlistOptions that exempts
// requests whose URL path is exactly one of paths, such as "/health". Other
// spellings ("/health/", "//health") are not exempt.
func ExemptPaths(paths ...string) func(*http.Request) bool {
	set := make(map[string]bool, len(paths))
	for _, p := range paths {
		set[p] = true
	}
	return func(r *http.Request) bool { return set[r.URL.Path] }
}
