package ratelimit

import (
	"context"
	"net"
	"net/http"
	"net/netip"

	"github.com/otc-dev/otc/internal/httpx"
	"github.com/otc-dev/otc/internal/reqinfo"
)

// DefaultAuthFailureRule is 20 failed authentications per minute per source
// address, all 20 at once at most.
var DefaultAuthFailureRule = Rule{Rate: 20.0 / 60, Burst: 20}

// AuthFailureLimit returns middleware that limits failed authentications
// per source address (AUTH-18). It wraps the authentication middleware:
//
//   - Before authentication it peeks at the address's bucket. An empty
//     bucket means 429 with Retry-After, without looking at the credentials,
//     so that guessing stops even for a guess that would have been right.
//   - After authentication it takes a token when authentication recorded a
//     failure in reqinfo.Info.AuthFailure. Successful requests cost nothing.
//
// The source address is reqinfo.Info.ClientIP as netguard.SourceAddress
// resolved it, or the TCP peer when that is not set. IPv6 addresses count by
// their /64, since one host commonly holds a whole /64. Clients at other
// addresses are unaffected. A rule that does not limit (Rate <= 0) returns
// middleware that limits nothing.
//
// A limiter error lets the request through (fail open, see Options): failing
// closed would lock every client out while the limiter is down. Concurrent
// failures from one address may overshoot the budget by the number of
// requests in flight, since peeking and taking are two steps.
func AuthFailureLimit(l Limiter, rule Rule, opts *Options) func(http.Handler) http.Handler {
	if !limits(rule) {
		return func(next http.Handler) http.Handler { return next }
	}
	g := newGuard(KindAuthFailure, opts)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// The Info must be the one authentication writes into, or
			// failures would go unseen and nothing would be limited.
			r, info := httpx.EnsureInfo(r)
			key := "authfail:" + addressKey(clientIP(r, info))
			d, err := l.Peek(r.Context(), key, rule)
			if g.refused(w, info, d, err, "Too many failed authentication attempts from this address; retry later.") {
				return
			}
			next.ServeHTTP(w, r)
			if info.AuthFailure == "" {
				return
			}
			// The request is answered already; only the budget changes. A
			// client that hung up must not escape the count by cancelling.
			if _, err := l.Allow(context.WithoutCancel(r.Context()), key, rule); err != nil {
				g.failed(err)
			}
		})
	}
}

// clientIP returns the resolved source address, or the TCP peer's when no
// middleware resolved one. It never reads forwarding headers: that is
// netguard's job, under its trusted-proxy rules.
func clientIP(r *http.Request, info *reqinfo.Info) string {
	if info.ClientIP != "" {
		return info.ClientIP
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// addressKey returns the part of an address that one client controls: the
// address itself for IPv4, its /64 for IPv6, where a single host or home
// network routinely has 2^64 addresses to rotate through. Text that is not
// an address is used as is.
func addressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		// The text as given when it is the canonical form already, as a
		// resolved source address is: no new string per request.
		var buf [len("255.255.255.255")]byte
		if string(a.AppendTo(buf[:0])) == ip {
			return ip
		}
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64) // cannot fail for an IPv6 address without zone
	return p.String()
}
