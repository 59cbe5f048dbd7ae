// Package storetest is the test suite that every store.Store implementation
// must pass, so that the server can rely on one behaviour whichever store an
// operator picks. A store's tests call Run with a Config that says how to
// make a fresh store and what the technology can and cannot do.
package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
)

// Config describes the store under test.
type Config struct {
	// New returns a new, empty store that decides expiry with now. Each call
	// must return a store that shares nothing with the others (its own file,
	// its own key prefix), because the suite's cases run in parallel. Stores
	// that keep their own time (RealTime) may ignore now.
	New func(t *testing.T, now func() time.Time) store.Store
	// RealTime says the store expires records by its own clock (Redis TTLs)
	// rather than the one given to New. The suite then uses real time:
	// records meant to expire get a short TTL (ShortTTL) and the suite
	// waits for it to pass. False means the suite drives a fake clock and
	// never sleeps.
	RealTime bool
	// ShortTTL is the lifetime of records meant to expire when RealTime is
	// set. Zero means 300ms.
	ShortTTL time.Duration
	// SweepIsNoop says the store's technology deletes expired records
	// itself, so that Sweep always returns 0.
	SweepIsNoop bool
	// Corrupt, when not nil, replaces the stored record of callID with bytes
	// that do not decode, alive until expiresAt. Nil skips the cases about
	// corrupt records (a memory store cannot hold one).
	Corrupt func(t *testing.T, s store.Store, callID string, expiresAt time.Time)
}

// Clock is a fake clock, safe for concurrent use. Its zero value is not
// usable; make one with NewClock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock that reads start until it is moved.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is one case's store and the way time passes for it.
type env struct {
	s        store.Store
	now      func() time.Time
	shortTTL time.Duration
	// passed moves time (fake, or real by waiting) until t is in the past.
	passed func(t time.Time)
	// clock is the fake clock, nil in real time.
	clock *Clock
}

// longTTL is the lifetime of records that must outlive a case.
const longTTL = time.Hour

// fakeStart is an arbitrary instant far from the zero time and the epoch.
var fakeStart = time.Date(2031, time.March, 14, 15, 9, 26, 535897932, time.UTC)

func newEnv(t *testing.T, cfg Config) *env {
	t.Helper()
	if cfg.RealTime {
		ttl := cfg.ShortTTL
		if ttl == 0 {
			ttl = 300 * time.Millisecond
		}
		e := &env{now: time.Now, shortTTL: ttl}
		e.passed = func(deadline time.Time) {
			// The store's own clock may trail ours a little (a Redis server
			// expires keys with millisecond precision): wait a margin more.
			time.Sleep(time.Until(deadline) + 100*time.Millisecond)
		}
		e.s = cfg.New(t, e.now)
		return e
	}
	clock := NewClock(fakeStart)
	e := &env{now: clock.Now, shortTTL: time.Minute, clock: clock}
	e.passed = func(deadline time.Time) {
		if d := deadline.Sub(clock.Now()); d >= 0 {
			clock.Advance(d + time.Nanosecond)
		}
	}
	e.s = cfg.New(t, e.now)
	return e
}

// record returns a claimable record for callID living ttl from now.
func (e *env) record(callID, digest string, ttl time.Duration) store.Record {
	now := e.now()
	return store.Record{
		CallID:     callID,
		Digest:     digest,
		State:      store.Running,
		Owner:      "instance-a",
		OwnerBoot:  "boot-1",
		CreatedAt:  now,
		LeaseUntil: now.Add(30 * time.Second),
		ExpiresAt:  now.Add(ttl),
	}
}

// Run runs the suite against the store that cfg describes. Each behaviour is
// a subtest, run in parallel with the others.
func Run(t *testing.T, cfg Config) {
	t.Helper()
	if cfg.New == nil {
		t.Fatal("storetest: Config.New is nil")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.needsCorrupt && cfg.Corrupt == nil {
				t.Skip("the store cannot hold a corrupt record")
			}
			if c.needsFakeClock && cfg.RealTime {
				t.Skip("the store keeps its own time")
			}
			e := newEnv(t, cfg)
			t.Cleanup(func() { _ = e.s.Close() })
			c.run(t, cfg, e)
		})
	}
}

// testCase is one behaviour of the suite.
type testCase struct {
	name           string
	needsCorrupt   bool
	needsFakeClock bool
	run            func(t *testing.T, cfg Config, e *env)
}
