package redis_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/redis"
)

// OTC: AUTH-12
func TestReplayCacheAcrossInstances(t *testing.T) {
	t.Parallel()
	sa := newStore(t, redis.Options{})
	a := sa.ReplayCache()
	b := newStore(t, redis.Options{Prefix: redis.Prefix(sa)}).ReplayCache()
	ctx := context.Background()
	until := time.Now().Add(time.Minute)
	for _, tc := range []struct {
		name  string
		cache *redis.ReplayCache
		jti   string
		first bool
	}{
		{"FirstUseOnA", a, "jti-1", true},
		{"ReplayOnB", b, "jti-1", false},
		{"ReplayOnA", a, "jti-1", false},
		{"OtherTokenOnB", b, "jti-2", true},
	} {
		first, err := tc.cache.MarkUsed(ctx, tc.jti, until)
		if err != nil || first != tc.first {
			t.Fatalf("%s: MarkUsed = %v, %v; want %v, nil", tc.name, first, err, tc.first)
		}
	}
}

func TestReplayCacheForgetsAfterUntil(t *testing.T) {
	t.Parallel()
	c := newStore(t, redis.Options{}).ReplayCache()
	ctx := context.Background()
	// An until in the past is still remembered for MinReplayTTL.
	if first, err := c.MarkUsed(ctx, "old", time.Now().Add(-time.Hour)); err != nil || !first {
		t.Fatalf("MarkUsed = %v, %v", first, err)
	}
	if first, err := c.MarkUsed(ctx, "old", time.Now().Add(-time.Hour)); err != nil || first {
		t.Fatalf("second MarkUsed right after = %v, %v; want a replay", first, err)
	}
	time.Sleep(redis.MinReplayTTL + 100*time.Millisecond)
	if first, err := c.MarkUsed(ctx, "old", time.Now().Add(time.Minute)); err != nil || !first {
		t.Fatalf("MarkUsed after the entry expired = %v, %v; want a first use", first, err)
	}
}

func TestReplayCacheErrors(t *testing.T) {
	s := newStore(t, redis.Options{})
	c := s.ReplayCache()
	if _, err := c.MarkUsed(context.Background(), "", time.Now().Add(time.Minute)); err == nil {
		t.Fatal("MarkUsed of an empty token id succeeded")
	}
	s.Close()
	if _, err := c.MarkUsed(context.Background(), "j", time.Now().Add(time.Minute)); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("MarkUsed on a closed store: %v, want ErrUnavailable", err)
	}
}
