package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
)

func testExpiry(t *testing.T, _ Config, e *env) {
	short := e.record("short", "digest-1", e.shortTTL)
	long := e.record("long", "digest-1", longTTL)
	claim(t, e.s, short)
	claim(t, e.s, long)
	if err := e.s.Complete(context.Background(), "short", []byte(`1`)); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	e.passed(short.ExpiresAt)

	_, err := e.s.Get(context.Background(), "short")
	wantErr(t, "Get of an expired record", err, store.ErrNotFound)
	wantErr(t, "Complete of an expired record", e.s.Complete(context.Background(), "short", []byte(`2`)), store.ErrNotFound)
	wantErr(t, "Release of an expired record", e.s.Release(context.Background(), "short"), store.ErrNotFound)
	wantGet(t, e.s, "long", long)

	// The id is free again: a new claim wins and replaces the old record.
	again := e.record("short", "digest-2", longTTL)
	claim(t, e.s, again)
	wantGet(t, e.s, "short", again)
}

// testExpiryBoundary pins the instant of expiry: a record lives until its
// ExpiresAt, exclusive, for Get and Sweep alike (store.Expired).
func testExpiryBoundary(t *testing.T, cfg Config, e *env) {
	rec := e.record("edge", "d", time.Minute)
	claim(t, e.s, rec)
	e.clock.Advance(time.Minute - time.Nanosecond)
	wantGet(t, e.s, "edge", rec)
	if n, err := e.s.Sweep(context.Background(), e.now()); err != nil || n != 0 {
		t.Fatalf("Sweep a nanosecond before expiry = %d, %v; want 0, nil", n, err)
	}
	e.clock.Advance(time.Nanosecond)
	_, err := e.s.Get(context.Background(), "edge")
	wantErr(t, "Get at ExpiresAt", err, store.ErrNotFound)
	want := 1
	if cfg.SweepIsNoop {
		want = 0
	}
	if n, err := e.s.Sweep(context.Background(), e.now()); err != nil || n != want {
		t.Fatalf("Sweep at ExpiresAt = %d, %v; want %d, nil", n, err, want)
	}
}

func testSweep(t *testing.T, cfg Config, e *env) {
	for _, id := range []string{"short-1", "short-2", "short-3"} {
		claim(t, e.s, e.record(id, "d", e.shortTTL))
	}
	if err := e.s.Complete(context.Background(), "short-2", []byte(`"done"`)); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	longs := []store.Record{e.record("long-1", "d", longTTL), e.record("long-2", "d", longTTL)}
	for _, rec := range longs {
		claim(t, e.s, rec)
	}
	if n, err := e.s.Sweep(context.Background(), e.now()); err != nil || n != 0 {
		t.Fatalf("Sweep before any expiry = %d, %v; want 0, nil", n, err)
	}
	e.passed(e.now().Add(e.shortTTL))

	want := 3
	if cfg.SweepIsNoop {
		want = 0
	}
	if n, err := e.s.Sweep(context.Background(), e.now()); err != nil || n != want {
		t.Fatalf("Sweep = %d, %v; want %d, nil", n, err, want)
	}
	if n, err := e.s.Sweep(context.Background(), e.now()); err != nil || n != 0 {
		t.Fatalf("second Sweep = %d, %v; want 0, nil", n, err)
	}
	for _, rec := range longs {
		wantGet(t, e.s, rec.CallID, rec)
	}
	for _, id := range []string{"short-1", "short-2", "short-3"} {
		_, err := e.s.Get(context.Background(), id)
		wantErr(t, "Get of a swept record", err, store.ErrNotFound)
	}
}

func testCorruptRecord(t *testing.T, cfg Config, e *env) {
	cfg.Corrupt(t, e.s, "bad", e.now().Add(longTTL))
	ctx := context.Background()

	_, err := e.s.Get(ctx, "bad")
	wantCorrupt(t, "Get", err, "bad")
	_, _, err = e.s.Claim(ctx, e.record("bad", "d", longTTL))
	wantCorrupt(t, "Claim", err, "bad")
	wantCorrupt(t, "Complete", e.s.Complete(ctx, "bad", []byte(`1`)), "bad")
	wantCorrupt(t, "Release", e.s.Release(ctx, "bad"), "bad")

	// Sweep skips the corrupt record and still removes the expired ones.
	claim(t, e.s, e.record("short", "d", e.shortTTL))
	e.passed(e.now().Add(e.shortTTL))
	want := 1
	if cfg.SweepIsNoop {
		want = 0
	}
	if n, err := e.s.Sweep(ctx, e.now()); err != nil || n != want {
		t.Fatalf("Sweep with a corrupt record present = %d, %v; want %d, nil", n, err, want)
	}
	_, err = e.s.Get(ctx, "bad")
	wantCorrupt(t, "Get after Sweep", err, "bad")
	// The rest of the store works.
	claim(t, e.s, e.record("good", "d", longTTL))
}
