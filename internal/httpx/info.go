package httpx

import (
	"net/http"

	"github.com/otc-dev/otc/internal/reqinfo"
)

// EnsureInfo returns r and the reqinfo.Info it carries. When r carries none,
// it returns a copy of r whose context carries a fresh one.
//
// Middleware that reads what inner layers write into the Info after they
// return (the failed-authentication limiter, the source address) calls this
// instead of reqinfo.From: From returns a throwaway Info when there is none,
// and writes into a throwaway are silently lost, which for the limiter would
// mean no limit at all.
func EnsureInfo(r *http.Request) (*http.Request, *reqinfo.Info) {
	if info, ok := reqinfo.Lookup(r.Context()); ok {
		return r, info
	}
	ctx, info := reqinfo.New(r.Context())
	return r.WithContext(ctx), info
}
