package ratelimit

// The kinds of limit the middleware of this package enforce, as passed to
// an Observer.
const (
	// KindClient is the per-client request rate (ClientLimit).
	KindClient = "client"
	// KindAuthFailure is the failed-authentication budget per source
	// address (AuthFailureLimit).
	KindAuthFailure = "auth_failure"
)

// Observer is told about what the middleware of this package decide, so
// that they can be counted; metrics.Metrics implements it. Implementations
// must be safe for concurrent use and quick: they run on the request path.
type Observer interface {
	// RateLimited counts a request answered 429 by the limit of kind.
	RateLimited(kind string)
	// LimiterFailed counts a limiter error (say, Redis unreachable) that
	// let a request through unchecked: the middleware fail open.
	LimiterFailed(kind string)
}
