package redis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// MinReplayTTL is the shortest time a token id is remembered. A token whose
// until has (just) passed is still marked, so that a second use at the edge
// of its lifetime is refused too.
const MinReplayTTL = time.Second

// ReplayCache remembers the ids (jti) of the JWTs already used, across all
// the instances that share the Redis and prefix, so that a token is
// accepted once. Keys hold the SHA-256 of the id, which bounds their length
// and keeps token material out of Redis.
type ReplayCache struct{ s *Store }

// ReplayCache returns the replay cache that shares s's connections.
func (s *Store) ReplayCache() *ReplayCache { return &ReplayCache{s: s} }

// MarkUsed records jti as used until until, and reports whether this was its
// first use. It is one SET NX PX, atomic across instances.
func (c *ReplayCache) MarkUsed(ctx context.Context, jti string, until time.Time) (firstUse bool, err error) {
	if jti == "" {
		return false, errors.New("redis replay cache: empty token id")
	}
	sum := sha256.Sum256([]byte(jti))
	key := c.s.prefix + "jti:" + hex.EncodeToString(sum[:])
	ok, err := c.s.client.SetArgs(ctx, key, "1", goredis.SetArgs{
		Mode: "NX",
		TTL:  ttl(until, c.s.now(), MinReplayTTL),
	}).Result()
	switch {
	case errors.Is(err, goredis.Nil):
		return false, nil
	case err != nil:
		return false, c.s.unavailable("replay cache", err)
	}
	return ok == "OK", nil
}
