package ratelimit

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/internal/httperr"
	"github.com/otc-dev/otc/internal/reqinfo"
)

// ClientLimit returns middleware that limits each authenticated client to
// the Rule that rules returns for it (AUTH-18). It goes after
// authentication, which stores the client with otc.WithCaller; rules
// receives that *otc.Caller (nil when there is none) so that the config
// file's per-key and per-audience limits can override the default. A Rule
// that does not limit (Rate <= 0) lets the request through; a nil rules
// returns middleware that limits nothing.
//
// A request over its client's limit gets 429 with Retry-After and a JSON
// body, and its reqinfo.Info records the outcome "rate_limited". A limiter
// error lets the request through (see Options).
//
// Clients are told apart by ClientKey. Requests without an authenticated
// client (authentication "none") are limited per source address instead,
// so that anonymous clients do not share, and exhaust, one bucket.
func ClientLimit(l Limiter, rules func(*otc.Caller) Rule, opts *Options) func(http.Handler) http.Handler {
	if rules == nil {
		return func(next http.Handler) http.Handler { return next }
	}
	g := newGuard(KindClient, opts)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			caller, _ := otc.CallerFromContext(r.Context())
			rule := rules(caller)
			if !limits(rule) {
				next.ServeHTTP(w, r)
				return
			}
			info := reqinfo.From(r.Context())
			d, err := l.Allow(r.Context(), ClientKey(caller, clientIP(r, info)), rule)
			if g.refused(w, info, d, err, "Too many requests from this client; retry later.") {
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// ClientKey returns the limiter key of a client: its authentication method
// and name (the API key's name, the JWT subject, the certificate subject),
// with the JWT audiences, since one subject may hold tokens for several
// audiences with different limits. A nil or anonymous caller is keyed by
// its source address (an IPv6 address by its /64). Parts are escaped so that no two clients share a key.
func ClientKey(c *otc.Caller, clientIP string) string {
	if c == nil || c.Method == "" || c.Method == "none" {
		return "ip:" + url.QueryEscape(addressKey(clientIP))
	}
	var b strings.Builder
	b.WriteString("client:")
	b.WriteString(url.QueryEscape(c.Method))
	b.WriteByte(':')
	b.WriteString(url.QueryEscape(c.Name))
	if len(c.Audience) > 0 {
		b.WriteByte(':')
		for i, a := range c.Audience {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(url.QueryEscape(a))
		}
	}
	return b.String()
}

// writeLimited answers 429. RetryAfter is at least a second: Retry-After is
// in whole seconds, and a client told 0 would retry at once.
func writeLimited(w http.ResponseWriter, retryAfter time.Duration, message string) {
	httperr.Write(w, "", &otc.Error{
		Code:       otc.CodeRateLimited,
		Message:    message,
		RetryAfter: max(retryAfter, time.Second),
	})
}
