package ratelimit

import (
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/otc-dev/otc/internal/reqinfo"
)

// Options configures the middleware of this package. A nil *Options means
// the zero value.
type Options struct {
	// Observer counts rejections and limiter failures. Nil counts nothing.
	Observer Observer
	// Logger receives limiter failures, at most one line per
	// FailureLogInterval. Nil means slog.Default().
	Logger *slog.Logger
	// Now returns the current time, for spacing failure log lines. Nil means
	// time.Now.
	Now func() time.Time
}

// FailureLogInterval is the least time between two log lines about a
// failing limiter: a Redis outage fails every request, and one line per
// request would bury everything else in the log.
const FailureLogInterval = 10 * time.Second

// guard is the part of a middleware that reports its decisions.
type guard struct {
	kind     string
	observer Observer
	logger   *slog.Logger
	now      func() time.Time
	lastLog  atomic.Int64 // unix nanoseconds of the last failure line
	failures atomic.Int64 // failures since the last line
}

func newGuard(kind string, opts *Options) *guard {
	g := &guard{kind: kind}
	if opts != nil {
		g.observer, g.logger, g.now = opts.Observer, opts.Logger, opts.Now
	}
	if g.logger == nil {
		g.logger = slog.Default()
	}
	if g.now == nil {
		g.now = time.Now
	}
	return g
}

// refused acts on a limiter's answer: on an error it reports the failure
// and lets the request through (fail open); when the answer is no, it
// answers 429 with message and reports true, and the caller stops.
func (g *guard) refused(w http.ResponseWriter, info *reqinfo.Info, d Decision, err error, message string) bool {
	switch {
	case err != nil:
		g.failed(err)
	case !d.Allowed:
		info.Outcome = "rate_limited"
		g.limited()
		writeLimited(w, d.RetryAfter, message)
		return true
	}
	return false
}

func (g *guard) limited() {
	if g.observer != nil {
		g.observer.RateLimited(g.kind)
	}
}

// failed reports a limiter error. The request goes on unchecked (fail open):
// failing closed would turn a limiter outage into a full outage, and for the
// failed-authentication limit into a lockout of every client. The error
// text names the limiter's backend, never the key, which may identify a
// client.
func (g *guard) failed(err error) {
	if g.observer != nil {
		g.observer.LimiterFailed(g.kind)
	}
	n := g.failures.Add(1)
	now := g.now().UnixNano()
	last := g.lastLog.Load()
	if last != 0 && now-last < int64(FailureLogInterval) {
		return
	}
	if !g.lastLog.CompareAndSwap(last, now) {
		return // another request is logging this interval's line
	}
	g.failures.Add(-n)
	g.logger.Warn("rate limiter failed; letting requests through unchecked",
		"limit", g.kind, "failures", n, "err", err)
}
