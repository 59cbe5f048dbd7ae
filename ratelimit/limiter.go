// Package ratelimit limits how often a key (a client, a source address) may
// act: per-client request rates and failed-authentication budgets (AUTH-18).
// The Limiter interface hides where the buckets live; Memory keeps them in
// this process, and store/redis shares them across instances.
//
// Two middleware use a Limiter: ClientLimit (requests per authenticated
// client) and AuthFailureLimit (failed authentications per source address).
// Both answer 429 with Retry-After through internal/httperr, and both fail
// open when the Limiter returns an error: the request goes on unchecked,
// the failure is counted through an Observer and logged at most once per
// FailureLogInterval. Failing closed would turn an outage of the limiter's
// backend into an outage of the server, and for the failed-authentication
// limit into a lockout of every client.
package ratelimit

import (
	"context"
	"time"
)

// Rule is a token bucket: Rate tokens per second refill a bucket that holds
// at most Burst tokens. A Rule with Rate <= 0 never limits.
type Rule struct {
	Rate  float64
	Burst int
}

// Decision is a limiter's answer.
type Decision struct {
	// Allowed says whether the action may go ahead.
	Allowed bool
	// RetryAfter is how long until one token is available again, when not
	// allowed.
	RetryAfter time.Duration
}

// Limiter decides whether keys may act.
type Limiter interface {
	// Allow takes one token from key's bucket if there is one.
	Allow(ctx context.Context, key string, rule Rule) (Decision, error)
	// Peek reports whether key's bucket has a token, without taking it.
	Peek(ctx context.Context, key string, rule Rule) (Decision, error)
}
