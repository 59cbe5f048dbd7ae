package redis_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/redis"
	"github.com/otc-dev/otc/store/storetest"
)

// OTC: CALL-6
func TestSuite(t *testing.T) {
	storetest.Run(t, storetest.Config{
		New: func(t *testing.T, now func() time.Time) store.Store {
			return newStore(t, redis.Options{Now: now})
		},
		RealTime:    true,
		ShortTTL:    300 * time.Millisecond,
		SweepIsNoop: true,
		Corrupt: func(t *testing.T, s store.Store, callID string, expiresAt time.Time) {
			key := redis.Prefix(s.(*redis.Store)) + "call:" + callID
			err := rawClient(t).Set(context.Background(), key, "\xffnot a record", time.Until(expiresAt)).Err()
			if err != nil {
				t.Fatal(err)
			}
		},
	})
}

// TestSharedAcrossInstances shows two instances (two clients) seeing one
// set of call records.
func TestSharedAcrossInstances(t *testing.T) {
	a := newStore(t, redis.Options{})
	b := newStore(t, redis.Options{Prefix: redis.Prefix(a)})
	ctx := context.Background()
	rec := store.Record{CallID: "shared", Digest: "d", Owner: "a", ExpiresAt: time.Now().Add(time.Minute)}
	if _, claimed, err := a.Claim(ctx, rec); err != nil || !claimed {
		t.Fatalf("Claim on a = %v, %v", claimed, err)
	}
	other := rec
	other.Owner = "b"
	existing, claimed, err := b.Claim(ctx, other)
	if err != nil || claimed || existing.Owner != "a" {
		t.Fatalf("Claim on b = owner %q, claimed %v, err %v; want a's record", existing.Owner, claimed, err)
	}
	if err := a.Complete(ctx, "shared", []byte(`{"success":true}`)); err != nil {
		t.Fatal(err)
	}
	got, err := b.Get(ctx, "shared")
	if err != nil || got.State != store.Done || string(got.Response) != `{"success":true}` {
		t.Fatalf("Get on b = %+v, %v", got, err)
	}
}

// TestCompleteKeepsTTL checks that the Complete script keeps the claim's
// expiry (KEEPTTL) instead of making the record permanent.
func TestCompleteKeepsTTL(t *testing.T) {
	s := newStore(t, redis.Options{})
	ctx := context.Background()
	rec := store.Record{CallID: "ttl", ExpiresAt: time.Now().Add(time.Minute)}
	if _, _, err := s.Claim(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := s.Complete(ctx, "ttl", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	pttl, err := rawClient(t).PTTL(ctx, redis.Prefix(s)+"call:ttl").Result()
	if err != nil {
		t.Fatal(err)
	}
	if pttl <= 50*time.Second || pttl > time.Minute {
		t.Fatalf("PTTL after Complete = %v, want about a minute", pttl)
	}
}

// TestKeyOfAnotherType checks that a call key holding a list, not a
// string, is a corrupt record rather than an outage.
func TestKeyOfAnotherType(t *testing.T) {
	s := newStore(t, redis.Options{})
	ctx := context.Background()
	if err := rawClient(t).LPush(ctx, redis.Prefix(s)+"call:list", "x").Err(); err != nil {
		t.Fatal(err)
	}
	var ce *store.CorruptRecordError
	_, err := s.Get(ctx, "list")
	if !errors.As(err, &ce) || errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Get: %v, want only a CorruptRecordError", err)
	}
	if err := s.Complete(ctx, "list", []byte(`{}`)); !errors.As(err, &ce) {
		t.Fatalf("Complete: %v, want a CorruptRecordError", err)
	}
}

func TestKeyLayout(t *testing.T) {
	s := newStore(t, redis.Options{})
	ctx := context.Background()
	if _, _, err := s.Claim(ctx, store.Record{CallID: "c-1", ExpiresAt: time.Now().Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReplayCache().MarkUsed(ctx, "token-id-1", time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Limiter().Allow(ctx, "client-1", rule(1, 5)); err != nil {
		t.Fatal(err)
	}
	keys, err := rawClient(t).Keys(ctx, redis.Prefix(s)+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range keys {
		k = strings.TrimPrefix(k, redis.Prefix(s))
		if strings.HasPrefix(k, "jti:") {
			if strings.Contains(k, "token-id-1") || len(k) != len("jti:")+64 {
				t.Fatalf("replay key %q is not the SHA-256 of the token id", k)
			}
			k = "jti:<sha256>"
		}
		got = append(got, k)
	}
	want := []string{"call:c-1", "jti:<sha256>", "rl:client-1"}
	if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Fatalf("keys (-want +got):\n%s", diff)
	}
}

func TestNewUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	// Port 1 on loopback: nothing listens there.
	_, err := redis.New(ctx, "redis://user:hunter2-secret@127.0.0.1:1/0", redis.Options{Timeout: 200 * time.Millisecond})
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("New of an unreachable Redis: %v, want ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %q reveals the password", err)
	}
}
