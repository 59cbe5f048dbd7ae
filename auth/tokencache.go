package auth

import (
	"crypto/sha256"
	"sync"
)

// DefaultTokenCacheSize is the number of verified tokens an Authenticator
// remembers when Config.TokenCacheSize is zero. A client typically reuses
// one token for many requests; 4096 entries of fixed size (a digest, a
// few times and the identity) are well under a megabyte.
const DefaultTokenCacheSize = 4096

// tokenCache remembers JWTs that passed every check that depends only on
// the token and the configuration: signature, header, claim types,
// audience and scope. A hit skips the base64, HMAC and JSON work of a
// repeated token; the time rules are checked again on every hit, since
// they depend on the clock.
//
// A cache belongs to one credentialSet, so Reload (secret rotation) starts
// an empty one: a token verified with a removed secret is never admitted
// from memory. It is keyed by the SHA-256 of the whole compact token, so
// any difference in any byte, signature included, is a miss; the digest
// also keeps entries the same size whatever the token's length.
type tokenCache struct {
	max     int
	mu      sync.RWMutex
	entries map[[sha256.Size]byte]*cachedToken
}

// cachedToken is a verified token: its identity and the NumericDates that
// the time rules read, -1 for an absent nbf or iat.
type cachedToken struct {
	id            *identity
	exp, nbf, iat int64
}

// newTokenCache returns a cache of at most max entries, or nil (no cache)
// when max is not positive.
func newTokenCache(max int) *tokenCache {
	if max <= 0 {
		return nil
	}
	return &tokenCache{max: max, entries: make(map[[sha256.Size]byte]*cachedToken)}
}

// tokenKey is the cache key of a compact token.
func tokenKey(tok string) [sha256.Size]byte { return sha256.Sum256([]byte(tok)) }

// get returns the entry of key, or nil. A nil cache always misses.
func (c *tokenCache) get(key [sha256.Size]byte) *cachedToken {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	e := c.entries[key]
	c.mu.RUnlock()
	return e
}

// put remembers e under key. When the cache is full an arbitrary entry
// makes room (Go's map iteration starts at a random place): no eviction
// order is needed for correctness, and a client's live token that is
// evicted is only verified again on its next use.
func (c *tokenCache) put(key [sha256.Size]byte, e *cachedToken) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.max {
		for k := range c.entries {
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = e
}

// drop forgets key, for a cached token that the clock now refuses.
func (c *tokenCache) drop(key [sha256.Size]byte) {
	if c == nil {
		return
	}
	c.mu.Lock()
	delete(c.entries, key)
	c.mu.Unlock()
}

// len returns the number of entries, for tests.
func (c *tokenCache) len() int {
	if c == nil {
		return 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
