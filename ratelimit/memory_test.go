package ratelimit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc/ratelimit"
)

// step is one action on a Memory limiter in a scripted test: advance the
// clock, then Allow or Peek, and compare the decision.
type step struct {
	advance time.Duration
	peek    bool
	key     string // "" means "k"
	rule    *ratelimit.Rule
	want    ratelimit.Decision
}

func allowed() ratelimit.Decision { return ratelimit.Decision{Allowed: true} }
func denied(retry time.Duration) ratelimit.Decision {
	return ratelimit.Decision{RetryAfter: retry}
}

// OTC: AUTH-18
func TestMemory(t *testing.T) {
	twoPerSecond := ratelimit.Rule{Rate: 2, Burst: 2}
	off := ratelimit.Rule{}
	burstZero := ratelimit.Rule{Rate: 1, Burst: 0}
	slower := ratelimit.Rule{Rate: 0.5, Burst: 1}
	tests := []struct {
		name  string
		steps []step
	}{
		{"burst then deny", []step{
			{want: allowed()},
			{want: allowed()},
			{want: denied(500 * time.Millisecond)},
			{want: denied(500 * time.Millisecond)},
		}},
		{"refill", []step{
			{want: allowed()},
			{want: allowed()},
			{advance: 250 * time.Millisecond, want: denied(250 * time.Millisecond)},
			{advance: 250 * time.Millisecond, want: allowed()},
			{want: denied(500 * time.Millisecond)},
			{advance: time.Hour, want: allowed()},
			{want: allowed()},
			{want: denied(500 * time.Millisecond)},
		}},
		{"keys are independent", []step{
			{want: allowed()},
			{want: allowed()},
			{want: denied(500 * time.Millisecond)},
			{key: "other", want: allowed()},
		}},
		{"peek does not take", []step{
			{peek: true, want: allowed()},
			{peek: true, want: allowed()},
			{peek: true, want: allowed()},
			{want: allowed()},
			{want: allowed()},
			{peek: true, want: denied(500 * time.Millisecond)},
			{advance: 500 * time.Millisecond, peek: true, want: allowed()},
			{peek: true, want: allowed()},
		}},
		{"rule that does not limit", []step{
			{rule: &off, want: allowed()},
			{rule: &off, want: allowed()},
			{rule: &off, peek: true, want: allowed()},
		}},
		{"burst below one counts as one", []step{
			{rule: &burstZero, want: allowed()},
			{rule: &burstZero, want: denied(time.Second)},
		}},
		{"clock stepping back refills nothing", []step{
			{want: allowed()},
			{want: allowed()},
			{advance: -time.Hour, want: denied(500 * time.Millisecond)},
		}},
		{"rule change applies at once", []step{
			{want: allowed()},
			{want: allowed()},
			{rule: &slower, want: denied(2 * time.Second)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			m := ratelimit.NewMemory(&ratelimit.MemoryOptions{Now: clock.Now})
			for i, s := range tt.steps {
				clock.Advance(s.advance)
				key, rule := s.key, twoPerSecond
				if key == "" {
					key = "k"
				}
				if s.rule != nil {
					rule = *s.rule
				}
				call := m.Allow
				if s.peek {
					call = m.Peek
				}
				got, err := call(t.Context(), key, rule)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if diff := cmp.Diff(s.want, got); diff != "" {
					t.Errorf("step %d (-want +got):\n%s", i, diff)
				}
			}
		})
	}
}

func TestMemoryPeekCreatesNothing(t *testing.T) {
	m := ratelimit.NewMemory(nil)
	rule := ratelimit.Rule{Rate: 1, Burst: 1}
	for i := range 100 {
		if _, err := m.Peek(t.Context(), fmt.Sprint("k", i), rule); err != nil {
			t.Fatal(err)
		}
	}
	if n := m.Len(); n != 0 {
		t.Errorf("Len after 100 peeks = %d, want 0", n)
	}
}

// Buckets that have refilled are dropped as later requests come by, so
// memory follows the keys active within a refill period.
func TestMemoryDropsFullBuckets(t *testing.T) {
	clock := newFakeClock()
	m := ratelimit.NewMemory(&ratelimit.MemoryOptions{Now: clock.Now})
	rule := ratelimit.Rule{Rate: 10, Burst: 10}
	for i := range 1000 {
		m.Allow(t.Context(), fmt.Sprint("old", i), rule)
	}
	if n := m.Len(); n != 1000 {
		t.Fatalf("Len = %d, want 1000", n)
	}
	clock.Advance(time.Second) // every old bucket is full again
	// Each Allow drops at most two full buckets of its own shard, and keys
	// spread over the shards by a seeded hash: three new keys per old one
	// leave every shard more than enough requests to drop all its old
	// buckets (with one per old one, a shard that drew fewer than half as
	// many new keys as old ones kept some: a flaky test).
	const newKeys = 3000
	for i := range newKeys {
		m.Allow(t.Context(), fmt.Sprint("new", i), rule)
	}
	if n := m.Len(); n != newKeys {
		t.Errorf("Len = %d after the old buckets refilled, want %d (only the new ones)", n, newKeys)
	}
}

func TestMemoryMaxKeys(t *testing.T) {
	clock := newFakeClock()
	const maxKeys = 64
	m := ratelimit.NewMemory(&ratelimit.MemoryOptions{Now: clock.Now, MaxKeys: maxKeys})
	rule := ratelimit.Rule{Rate: 1.0 / 3600, Burst: 1} // nothing refills during the test
	for i := range 10_000 {
		m.Allow(t.Context(), fmt.Sprint("k", i), rule)
	}
	// MaxKeys is split evenly over the shards, rounding up.
	if n := m.Len(); n > maxKeys+32 {
		t.Errorf("Len = %d with MaxKeys %d", n, maxKeys)
	}
	// The most recent key kept its (empty) bucket.
	if d, _ := m.Allow(t.Context(), "k9999", rule); d.Allowed {
		t.Error("the most recently used bucket was evicted")
	}
}

func TestMemoryConcurrent(t *testing.T) {
	m := ratelimit.NewMemory(&ratelimit.MemoryOptions{Now: newFakeClock().Now})
	rule := ratelimit.Rule{Rate: 1e-6, Burst: 100}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		granted int
	)
	for range 8 {
		wg.Go(func() {
			n := 0
			for range 50 {
				if d, _ := m.Allow(context.Background(), "shared", rule); d.Allowed {
					n++
				}
				m.Peek(context.Background(), "shared", rule)
				m.Allow(context.Background(), fmt.Sprint("own", n), rule)
			}
			mu.Lock()
			granted += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if granted != 100 {
		t.Errorf("400 concurrent requests against a burst of 100 were granted %d times, want 100", granted)
	}
}

func BenchmarkMemoryAllow(b *testing.B) {
	for _, keys := range []int{1, 1000, 100_000} {
		b.Run(fmt.Sprint("keys=", keys), func(b *testing.B) {
			m := ratelimit.NewMemory(nil)
			// A burst far above what refills during the run keeps buckets
			// below full, so they stay (a full one is dropped and re-made).
			rule := ratelimit.Rule{Rate: 1000, Burst: 1e9}
			names := make([]string, keys)
			for i := range names {
				names[i] = fmt.Sprint("client:api_key:", i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					m.Allow(context.Background(), names[i%keys], rule)
					i++
				}
			})
		})
	}
}
