package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"time"
)

// RetryPolicy bounds how the client repeats requests that may succeed later:
// tool errors with can_retry, connection failures, and 502, 503 and 504
// answers. Other 4xx answers are never retried. A call is only ever repeated
// with the same call_id, so the server runs the tool at most once (CALL-6).
type RetryPolicy struct {
	// MaxAttempts bounds the attempts of one request, the first included.
	// Zero means 3; 1 turns retries off.
	MaxAttempts int
	// BaseDelay is the wait before the first retry when the server asked
	// for none; each further retry doubles it, and each wait is jittered
	// between half and all of it so that many clients do not come back at
	// once. Zero means 200ms.
	BaseDelay time.Duration
	// MaxDelay caps the computed backoff. A server that asks for a longer
	// wait (retry_after_ms, Retry-After) is not retried: its answer is
	// returned at once, so the caller can decide. Zero means 10s.
	MaxDelay time.Duration
}

// Defaults of RetryPolicy.
const (
	DefaultMaxAttempts = 3
	DefaultBaseDelay   = 200 * time.Millisecond
	DefaultMaxDelay    = 10 * time.Second
)

// withDefaults returns p with zero fields replaced by their defaults.
func (p *RetryPolicy) withDefaults() RetryPolicy {
	var q RetryPolicy
	if p != nil {
		q = *p
	}
	if q.MaxAttempts <= 0 {
		q.MaxAttempts = DefaultMaxAttempts
	}
	if q.BaseDelay <= 0 {
		q.BaseDelay = DefaultBaseDelay
	}
	if q.MaxDelay <= 0 {
		q.MaxDelay = DefaultMaxDelay
	}
	return q
}

// enabled reports whether the policy allows any retry.
func (p RetryPolicy) enabled() bool { return p.MaxAttempts > 1 }

// backoff returns the jittered wait before retry number n (1 for the first
// retry): BaseDelay·2^(n-1), capped at MaxDelay, then a uniformly random
// duration between half of that and all of it.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	half := d / 2
	return half + rand.N(d-half+1)
}

// verdict is what one attempt tells the retry loop.
type verdict struct {
	// retry says the attempt may succeed if repeated.
	retry bool
	// after is the wait the server asked for; zero means use the backoff.
	after time.Duration
}

// retryableStatus reports whether an HTTP status means that nothing was done
// and the same request may succeed later: the server or a proxy in front of
// it is unavailable. 500 is not among them: it is a bug, not a state.
func retryableStatus(code int) bool {
	return code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout
}

// retryableErr reports whether an attempt's error is a connection failure.
func retryableErr(err error) bool {
	var te *TransportError
	return errors.As(err, &te)
}

// run calls attempt until it reports no retry, the attempts are used up, a
// wait would outlast the policy or ctx's deadline, or ctx is done. It
// returns ctx's error when ctx ended a wait, and nil otherwise: the last
// attempt's outcome is the caller's to report. attempt receives the attempt
// number, starting at 1.
func (c *Client) run(ctx context.Context, retries bool, attempt func(n int) verdict) error {
	for n := 1; ; n++ {
		v := attempt(n)
		if !v.retry || !retries || n >= c.retry.MaxAttempts || ctx.Err() != nil {
			return nil
		}
		wait := v.after
		if wait <= 0 {
			wait = c.retry.backoff(n)
		}
		if wait > c.retry.MaxDelay {
			return nil
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			// Waiting would only end in the deadline: give the caller the
			// answer in hand instead of a bare timeout.
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.clock.After(wait):
		}
	}
}
