package ratelimit

import (
	"context"
	"hash/maphash"
	"math"
	"time"
)

// DefaultMaxKeys is the number of buckets a Memory limiter keeps when
// MemoryOptions.MaxKeys is zero. A bucket costs about 150 bytes, so the
// default bounds the limiter near 15 MB.
const DefaultMaxKeys = 100_000

// MemoryOptions configures a Memory limiter. The zero value is usable.
type MemoryOptions struct {
	// Now returns the current time. Nil means time.Now; tests inject a
	// fake clock.
	Now func() time.Time
	// MaxKeys caps the number of keys with a bucket. When the cap is
	// reached, the least recently used bucket is dropped, which gives its
	// key a full bucket again; size it well above the number of keys that
	// are active within one refill period. Zero means DefaultMaxKeys.
	MaxKeys int
}

// shardCount spreads keys over independent locks so that concurrent
// requests for different clients rarely wait on each other.
const shardCount = 32

// Memory is a Limiter that keeps token buckets in this process. It is safe
// for concurrent use; its zero value is not usable, call NewMemory.
//
// Memory stays bounded: a bucket that has refilled completely is the same as
// no bucket, so such buckets are dropped as they are found at the cold end of
// each shard's recency list, and MaxKeys caps the rest. Peek never creates a
// bucket.
//
// Memory does the bucket arithmetic itself rather than keeping one
// golang.org/x/time/rate.Limiter per key: each of those carries its own
// mutex, while the shard's lock already serialises access, and eviction
// needs to read a bucket's level, which rate.Limiter does not expose
// without taking its lock again.
type Memory struct {
	now    func() time.Time
	seed   maphash.Seed
	shards [shardCount]shard
}

var _ Limiter = (*Memory)(nil)

// NewMemory returns a Memory limiter. opts may be nil.
func NewMemory(opts *MemoryOptions) *Memory {
	var o MemoryOptions
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxKeys <= 0 {
		o.MaxKeys = DefaultMaxKeys
	}
	m := &Memory{now: o.Now, seed: maphash.MakeSeed()}
	perShard := (o.MaxKeys + shardCount - 1) / shardCount
	for i := range m.shards {
		m.shards[i].init(perShard)
	}
	return m
}

// Allow takes a token from key's bucket when it holds one. A Rule whose Rate
// is not positive always allows, without a bucket. A Burst below 1 counts
// as 1. It never returns an error.
func (m *Memory) Allow(_ context.Context, key string, rule Rule) (Decision, error) {
	if !limits(rule) {
		return Decision{Allowed: true}, nil
	}
	now := m.now()
	s := m.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now, 2)
	b := s.get(key)
	if b == nil {
		b = s.add(key, rule)
	} else {
		s.touch(b)
	}
	tokens := b.level(now, rule)
	b.last, b.rule = now, rule
	if tokens >= 1 {
		b.tokens = tokens - 1
		return Decision{Allowed: true}, nil
	}
	b.tokens = tokens
	return Decision{RetryAfter: wait(tokens, rule)}, nil
}

// Peek reports whether key's bucket holds a token, without taking it or
// creating a bucket. It never returns an error.
func (m *Memory) Peek(_ context.Context, key string, rule Rule) (Decision, error) {
	if !limits(rule) {
		return Decision{Allowed: true}, nil
	}
	s := m.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.get(key)
	if b == nil {
		// The usual case (a source that never failed): no clock read.
		return Decision{Allowed: true}, nil
	}
	if tokens := b.level(m.now(), rule); tokens < 1 {
		return Decision{RetryAfter: wait(tokens, rule)}, nil
	}
	return Decision{Allowed: true}, nil
}

// Len returns the number of buckets held, for tests and diagnostics.
func (m *Memory) Len() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += len(s.buckets)
		s.mu.Unlock()
	}
	return n
}

func (m *Memory) shard(key string) *shard {
	return &m.shards[maphash.String(m.seed, key)%shardCount]
}

// limits reports whether rule limits anything; NaN and negative rates do not.
func limits(rule Rule) bool { return rule.Rate > 0 }

func burstOf(rule Rule) float64 { return float64(max(1, rule.Burst)) }

// maxWait bounds RetryAfter, so that a tiny rate cannot overflow a Duration.
const maxWait = 24 * time.Hour

// wait returns how long until a bucket holding tokens (< 1) has one token.
func wait(tokens float64, rule Rule) time.Duration {
	secs := (1 - tokens) / rule.Rate
	if secs >= maxWait.Seconds() || math.IsNaN(secs) {
		return maxWait
	}
	return max(time.Duration(math.Ceil(secs*float64(time.Second))), time.Nanosecond)
}
