package redis_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/otc-dev/otc/ratelimit"
	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/redis"
)

func rule(rate float64, burst int) ratelimit.Rule { return ratelimit.Rule{Rate: rate, Burst: burst} }

// allow calls Allow and fails the test on an error.
func allow(t *testing.T, l ratelimit.Limiter, key string, r ratelimit.Rule) ratelimit.Decision {
	t.Helper()
	d, err := l.Allow(context.Background(), key, r)
	if err != nil {
		t.Fatalf("Allow(%q): %v", key, err)
	}
	return d
}

// twoInstances returns the limiters of two instances that share a prefix,
// with clocks two hours apart: the limiter must not care, because it reads
// the time from Redis.
func twoInstances(t *testing.T) (a, b *redis.Limiter) {
	t.Helper()
	sa := newStore(t, redis.Options{Now: func() time.Time { return time.Now().Add(-time.Hour) }})
	sb := newStore(t, redis.Options{Prefix: redis.Prefix(sa), Now: func() time.Time { return time.Now().Add(time.Hour) }})
	return sa.Limiter(), sb.Limiter()
}

// OTC: AUTH-18
func TestLimiterSharedBurst(t *testing.T) {
	t.Parallel()
	a, b := twoInstances(t)
	slow := rule(0.001, 4) // one token per 1000 s: no refill during the test
	for i, l := range []*redis.Limiter{a, b, a, b} {
		if d := allow(t, l, "client-1", slow); !d.Allowed {
			t.Fatalf("request %d refused within the burst: %+v", i+1, d)
		}
	}
	for _, l := range []*redis.Limiter{a, b} {
		d := allow(t, l, "client-1", slow)
		if d.Allowed {
			t.Fatal("request past the shared burst allowed")
		}
		if d.RetryAfter < 999*time.Second || d.RetryAfter > 1000*time.Second {
			t.Fatalf("RetryAfter = %v, want about one emission interval (1000s)", d.RetryAfter)
		}
	}
	// Another key has its own bucket.
	if d := allow(t, b, "client-2", slow); !d.Allowed {
		t.Fatalf("another key refused: %+v", d)
	}
}

func TestLimiterPeekTakesNothing(t *testing.T) {
	t.Parallel()
	a, b := twoInstances(t)
	slow := rule(0.001, 2)
	for range 5 {
		d, err := a.Peek(context.Background(), "k", slow)
		if err != nil || !d.Allowed {
			t.Fatalf("Peek of a full bucket = %+v, %v", d, err)
		}
	}
	allow(t, a, "k", slow)
	allow(t, b, "k", slow)
	d, err := b.Peek(context.Background(), "k", slow)
	if err != nil || d.Allowed || d.RetryAfter <= 0 {
		t.Fatalf("Peek of an empty bucket = %+v, %v; want refused with a RetryAfter", d, err)
	}
}

func TestLimiterRefills(t *testing.T) {
	t.Parallel()
	a, b := twoInstances(t)
	fast := rule(20, 1) // a token every 50ms
	if d := allow(t, a, "k", fast); !d.Allowed {
		t.Fatalf("first request refused: %+v", d)
	}
	d := allow(t, b, "k", fast)
	if d.Allowed || d.RetryAfter <= 0 || d.RetryAfter > 50*time.Millisecond {
		t.Fatalf("second request = %+v, want refused for at most 50ms", d)
	}
	time.Sleep(d.RetryAfter + 5*time.Millisecond)
	if d := allow(t, b, "k", fast); !d.Allowed {
		t.Fatalf("request after RetryAfter refused: %+v", d)
	}
}

func TestLimiterRules(t *testing.T) {
	t.Parallel()
	a, _ := twoInstances(t)
	for _, tc := range []struct {
		name    string
		rule    ratelimit.Rule
		allowed int // of 5 requests
	}{
		{"ZeroRateNeverLimits", rule(0, 0), 5},
		{"NegativeRateNeverLimits", rule(-1, 1), 5},
		{"ZeroBurstMeansOne", rule(0.001, 0), 1},
		{"NegativeBurstMeansOne", rule(0.001, -3), 1},
		{"BurstThree", rule(0.001, 3), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			for range 5 {
				if allow(t, a, tc.name, tc.rule).Allowed {
					n++
				}
			}
			if n != tc.allowed {
				t.Fatalf("%d of 5 requests allowed, want %d", n, tc.allowed)
			}
		})
	}
}

func TestLimiterUnavailable(t *testing.T) {
	s := newStore(t, redis.Options{})
	l := s.Limiter()
	s.Close()
	_, err := l.Allow(context.Background(), "k", rule(1, 1))
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Allow on a closed store: %v, want ErrUnavailable", err)
	}
}
