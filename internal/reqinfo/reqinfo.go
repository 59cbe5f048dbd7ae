// Package reqinfo carries what the layers of one HTTP request learn about it
// (source address, caller, tool, call id, outcome) to the layers that report
// it afterwards: the audit log and the metrics. The outermost middleware
// creates the Info; inner layers fill it in; nothing in it is secret.
package reqinfo

import (
	"context"

	"github.com/otc-dev/otc"
)

// Info describes one request. It is written by one request's goroutine at a
// time (middleware runs in sequence), so it needs no lock.
type Info struct {
	// ClientIP is the source address after trusted-proxy resolution.
	ClientIP string
	// Caller is set by authentication when it admits the request.
	Caller *otc.Caller
	// AuthMethod and AuthFailure are set when authentication refuses the
	// request: the method tried and a short reason ("expired", "bad_signature",
	// "unknown_key", "missing", ...). Never the credential.
	AuthMethod  string
	AuthFailure string
	// ToolID is the resolved tool id ("Toolkit.Tool@x.y.z") or, when it did
	// not resolve, empty. CallID and TraceID are the call's identifiers.
	ToolID  string
	CallID  string
	TraceID string
	// Outcome is a short word for what happened: "success", "tool_error",
	// "invalid_input", "denied", "replayed", "rate_limited", ...
	Outcome string
	// Route is the matched route pattern, e.g. "POST /tools/call".
	Route string
}

type key struct{}

// New returns ctx carrying a fresh Info, and the Info.
func New(ctx context.Context) (context.Context, *Info) {
	info := &Info{}
	return context.WithValue(ctx, key{}, info), info
}

// From returns the request's Info. When there is none it returns a throwaway
// Info, so that writers need no nil checks.
func From(ctx context.Context) *Info {
	if info, ok := ctx.Value(key{}).(*Info); ok {
		return info
	}
	return &Info{}
}

// Lookup returns the request's Info and whether there is one.
func Lookup(ctx context.Context) (*Info, bool) {
	info, ok := ctx.Value(key{}).(*Info)
	return info, ok
}
