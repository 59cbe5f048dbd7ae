package auth

import (
	"container/heap"
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"time"
)

// ReplayCache remembers the jti of tokens already used, so that a token is
// accepted once within its lifetime (Config.RequireJTI). Implementations
// must be safe for concurrent use; one shared by several server instances
// (store/redis) makes the guarantee hold across them.
type ReplayCache interface {
	// MarkUsed records jti as used until the given time and reports whether
	// this was its first use. It must be atomic: of concurrent calls with
	// the same jti, exactly one gets firstUse true. An error means the
	// answer is unknown; the token is then not accepted.
	MarkUsed(ctx context.Context, jti string, until time.Time) (firstUse bool, err error)
}

// ErrReplayCacheFull is returned by a MemoryReplayCache that holds its
// capacity of unexpired entries. Forgetting one early would let its token
// be replayed, so it refuses instead.
var ErrReplayCacheFull = errors.New("auth: replay cache is full")

// DefaultReplayCapacity is the capacity of a MemoryReplayCache created with
// a zero Capacity: about 110 new tokens a second with 15-minute lifetimes.
const DefaultReplayCapacity = 100_000

// MemoryReplayCacheOptions configures a MemoryReplayCache. The zero value
// is usable.
type MemoryReplayCacheOptions struct {
	// Capacity is the most unexpired jti values held. Zero means
	// DefaultReplayCapacity.
	Capacity int
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

// MemoryReplayCache is a ReplayCache in this process's memory, bounded in
// size. It holds SHA-256 digests of jti values, so an entry's size does not
// depend on the client. Expired entries are dropped as new ones arrive.
type MemoryReplayCache struct {
	mu       sync.Mutex
	capacity int
	now      func() time.Time
	until    map[[32]byte]time.Time
	expiry   expiryHeap
}

var _ ReplayCache = (*MemoryReplayCache)(nil)

// NewMemoryReplayCache returns an empty cache. opts may be nil.
func NewMemoryReplayCache(opts *MemoryReplayCacheOptions) *MemoryReplayCache {
	c := &MemoryReplayCache{capacity: DefaultReplayCapacity, now: time.Now, until: map[[32]byte]time.Time{}}
	if opts != nil {
		if opts.Capacity > 0 {
			c.capacity = opts.Capacity
		}
		if opts.Now != nil {
			c.now = opts.Now
		}
	}
	return c
}

// MarkUsed implements ReplayCache.
func (c *MemoryReplayCache) MarkUsed(_ context.Context, jti string, until time.Time) (bool, error) {
	key := sha256.Sum256([]byte(jti))
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	c.dropExpired(now)
	if _, seen := c.until[key]; seen {
		return false, nil
	}
	if !until.After(now) {
		// Already expired: the token is refused by its exp anyway, and
		// storing it would only take space.
		return true, nil
	}
	if len(c.until) >= c.capacity {
		return false, ErrReplayCacheFull
	}
	c.until[key] = until
	heap.Push(&c.expiry, expiryEntry{key: key, until: until})
	return true, nil
}

// Len returns the number of jti values held.
func (c *MemoryReplayCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.until)
}

func (c *MemoryReplayCache) dropExpired(now time.Time) {
	for len(c.expiry) > 0 && !c.expiry[0].until.After(now) {
		e := heap.Pop(&c.expiry).(expiryEntry)
		delete(c.until, e.key)
	}
}

type expiryEntry struct {
	key   [32]byte
	until time.Time
}

// expiryHeap orders entries by expiry, soonest first.
type expiryHeap []expiryEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].until.Before(h[j].until) }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiryEntry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
