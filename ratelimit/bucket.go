package ratelimit

import (
	"sync"
	"time"
)

// bucket is one key's token bucket, and a node of its shard's recency list.
type bucket struct {
	key    string
	tokens float64
	last   time.Time
	// rule is the rule last applied, so that expire can tell when the
	// bucket is full again without being told the rule.
	rule       Rule
	prev, next *bucket
}

// level returns the tokens the bucket holds at now under rule.
func (b *bucket) level(now time.Time, rule Rule) float64 {
	tokens := b.tokens
	// A clock that stepped back refills nothing rather than draining.
	if elapsed := now.Sub(b.last); elapsed > 0 {
		tokens += elapsed.Seconds() * rule.Rate
	}
	return min(tokens, burstOf(rule))
}

// shard holds a share of the keys under one lock. Its buckets form a
// circular doubly linked list through a sentinel, most recently used first,
// so that the coldest bucket is always at hand for eviction.
type shard struct {
	mu      sync.Mutex
	max     int
	buckets map[string]*bucket
	root    bucket // sentinel: root.next is the newest, root.prev the oldest
}

func (s *shard) init(capacity int) {
	s.max = capacity
	s.buckets = make(map[string]*bucket)
	s.root.next, s.root.prev = &s.root, &s.root
}

func (s *shard) get(key string) *bucket { return s.buckets[key] }

// add creates a full bucket for key, dropping the coldest bucket first when
// the shard is at its cap.
func (s *shard) add(key string, rule Rule) *bucket {
	if len(s.buckets) >= s.max {
		s.remove(s.root.prev)
	}
	b := &bucket{key: key, tokens: burstOf(rule)}
	s.buckets[key] = b
	s.pushFront(b)
	return b
}

// touch marks b as the most recently used.
func (s *shard) touch(b *bucket) {
	if s.root.next == b {
		return
	}
	b.prev.next, b.next.prev = b.next, b.prev
	s.pushFront(b)
}

func (s *shard) pushFront(b *bucket) {
	b.prev, b.next = &s.root, s.root.next
	s.root.next.prev = b
	s.root.next = b
}

func (s *shard) remove(b *bucket) {
	b.prev.next, b.next.prev = b.next, b.prev
	b.prev, b.next = nil, nil
	delete(s.buckets, b.key)
}

// expire drops up to n of the coldest buckets that have refilled
// completely: a full bucket behaves exactly like a missing one. Doing a
// little of this on every Allow keeps memory proportional to the keys active
// within one refill period, without a background goroutine.
func (s *shard) expire(now time.Time, n int) {
	for ; n > 0; n-- {
		b := s.root.prev
		if b == &s.root || b.level(now, b.rule) < burstOf(b.rule) {
			return
		}
		s.remove(b)
	}
}
