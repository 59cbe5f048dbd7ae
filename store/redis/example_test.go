package redis_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/otc-dev/otc/ratelimit"
	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/redis"
)

// ExampleNew shows the three shared facilities of one connection. It needs
// a Redis server, so it is compiled but not run.
func ExampleNew() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := redis.New(ctx, "redis://127.0.0.1:6379/0", redis.Options{})
	if err != nil {
		log.Fatal(err) // wraps store.ErrUnavailable when Redis cannot be reached
	}
	defer s.Close()

	// Call records, shared by every instance.
	rec := store.Record{CallID: "call-1", Digest: "ab12", ExpiresAt: time.Now().Add(time.Hour)}
	if _, claimed, err := s.Claim(ctx, rec); err == nil && claimed {
		_ = s.Complete(ctx, "call-1", []byte(`{"success":true}`))
	}

	// A rate limit that all instances enforce together.
	d, _ := s.Limiter().Allow(ctx, "client:alice", ratelimit.Rule{Rate: 10, Burst: 20})
	fmt.Println("allowed:", d.Allowed)

	// Each JWT id is accepted once, whichever instance sees it.
	first, _ := s.ReplayCache().MarkUsed(ctx, "jti-123", time.Now().Add(15*time.Minute))
	fmt.Println("first use:", first)
}
