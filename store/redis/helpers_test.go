package redis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/redis"
)

// testURL returns the Redis the tests use, from OTC_TEST_REDIS_URL.
func testURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("OTC_TEST_REDIS_URL")
	if u == "" {
		noRedis(t, "OTC_TEST_REDIS_URL is not set")
	}
	return u
}

// noRedis skips the test for want of a Redis, except in CI, where a test
// that quietly skips would prove nothing: there it fails.
func noRedis(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("redis tests cannot run: %s (CI=true, so this is a failure)", why)
	}
	t.Skipf("redis tests skipped: %s; run a redis-server on loopback and set OTC_TEST_REDIS_URL, e.g. redis://127.0.0.1:6390/0", why)
}

// uniquePrefix returns a key prefix that no other test uses, so that tests
// run in parallel on one database.
func uniquePrefix(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "otctest:" + hex.EncodeToString(b) + ":"
}

// rawClient returns a plain go-redis client of the test Redis, for looking
// behind the Store's back.
func rawClient(t *testing.T) *goredis.Client {
	t.Helper()
	o, err := goredis.ParseURL(testURL(t))
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(o)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// newStore connects a Store under opts.Prefix, or a fresh prefix when it is
// empty, and deletes the prefix's keys when the test ends.
func newStore(t *testing.T, opts redis.Options) *redis.Store {
	t.Helper()
	u := testURL(t)
	if opts.Prefix == "" {
		opts.Prefix = uniquePrefix(t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s, err := redis.New(ctx, u, opts)
	if errors.Is(err, store.ErrUnavailable) {
		noRedis(t, err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	raw := rawClient(t)
	t.Cleanup(func() {
		_ = s.Close()
		ctx := context.Background()
		iter := raw.Scan(ctx, 0, opts.Prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			raw.Del(ctx, iter.Val())
		}
	})
	return s
}
