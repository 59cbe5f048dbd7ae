package memory_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/memory"
	"github.com/otc-dev/otc/store/storetest"
)

// OTC: CALL-6
func TestSuite(t *testing.T) {
	storetest.Run(t, storetest.Config{
		New: func(t *testing.T, now func() time.Time) store.Store {
			return memory.New(memory.Options{Now: now})
		},
	})
}

func TestMaxRecords(t *testing.T) {
	clock := storetest.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s := memory.New(memory.Options{Now: clock.Now, MaxRecords: 2})
	ctx := context.Background()
	rec := func(id string, ttl time.Duration) store.Record {
		return store.Record{CallID: id, Digest: "d", ExpiresAt: clock.Now().Add(ttl)}
	}
	claim := func(r store.Record) error {
		_, claimed, err := s.Claim(ctx, r)
		if err == nil && !claimed {
			return fmt.Errorf("claim of %q lost", r.CallID)
		}
		return err
	}

	if err := claim(rec("a", time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := claim(rec("b", time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := claim(rec("c", time.Hour)); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Claim into a full store: %v, want ErrUnavailable", err)
	}
	// A repeat of a held id is answered even when the store is full.
	if _, claimed, err := s.Claim(ctx, rec("a", time.Hour)); err != nil || claimed {
		t.Fatalf("repeat Claim in a full store = claimed %v, err %v", claimed, err)
	}
	// Once a record expires, a claim takes its room without waiting for a sweep.
	clock.Advance(time.Minute)
	if err := claim(rec("c", time.Hour)); err != nil {
		t.Fatalf("Claim once a record expired: %v", err)
	}
	if got := s.Len(); got != 2 {
		t.Fatalf("Len = %d, want 2", got)
	}
	// Release makes room too.
	if err := s.Release(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if err := claim(rec("d", time.Hour)); err != nil {
		t.Fatalf("Claim after Release: %v", err)
	}
}

func TestUnbounded(t *testing.T) {
	s := memory.New(memory.Options{MaxRecords: -1})
	for i := range 3 * 10 {
		r := store.Record{CallID: fmt.Sprint(i), ExpiresAt: time.Now().Add(time.Hour)}
		if _, _, err := s.Claim(context.Background(), r); err != nil {
			t.Fatalf("Claim %d: %v", i, err)
		}
	}
	if got := s.Len(); got != 30 {
		t.Fatalf("Len = %d, want 30", got)
	}
}

// TestSweepOrder checks the expiry heap under removals from its middle: a
// sweep must remove exactly the expired records, whatever was released.
func TestSweepOrder(t *testing.T) {
	clock := storetest.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s := memory.New(memory.Options{Now: clock.Now})
	ctx := context.Background()
	const n = 200
	for i := range n {
		// Expiries interleave: i seconds for even i, n+i seconds for odd.
		ttl := time.Duration(i+1) * time.Second
		if i%2 == 1 {
			ttl += n * time.Second
		}
		r := store.Record{CallID: fmt.Sprint(i), ExpiresAt: clock.Now().Add(ttl)}
		if _, _, err := s.Claim(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i += 4 {
		if err := s.Release(ctx, fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	swept, err := s.Sweep(ctx, clock.Now().Add(n*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if want := n/2 - n/4; swept != want {
		t.Fatalf("Sweep = %d, want %d", swept, want)
	}
	if got := s.Len(); got != n/2 {
		t.Fatalf("Len after Sweep = %d, want %d", got, n/2)
	}
	for i := 1; i < n; i += 2 {
		if _, err := s.Get(ctx, fmt.Sprint(i)); err != nil {
			t.Fatalf("Get(%d) after Sweep: %v", i, err)
		}
	}
}

func Example() {
	s := memory.New(memory.Options{})
	defer s.Close()
	ctx := context.Background()

	rec := store.Record{CallID: "call-1", Digest: "ab12", ExpiresAt: time.Now().Add(time.Hour)}
	_, claimed, _ := s.Claim(ctx, rec)
	fmt.Println("first claim won:", claimed)

	_ = s.Complete(ctx, "call-1", []byte(`{"success":true}`))
	existing, claimed, _ := s.Claim(ctx, rec)
	fmt.Println("repeat claim won:", claimed)
	fmt.Println(existing.State, string(existing.Response))
	// Output:
	// first claim won: true
	// repeat claim won: false
	// done {"success":true}
}

// A full store forgets its oldest finished record rather than refusing new
// call_ids: after MaxRecords calls a day the server must not turn every
// call_id away for the rest of the retention period.
func TestMaxRecordsEvictsOldestFinished(t *testing.T) {
	clock := storetest.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s := memory.New(memory.Options{Now: clock.Now, MaxRecords: 2})
	ctx := context.Background()
	claim := func(id string) error {
		clock.Advance(time.Second) // later calls expire later
		_, claimed, err := s.Claim(ctx, store.Record{CallID: id, Digest: "d", ExpiresAt: clock.Now().Add(time.Hour)})
		if err == nil && !claimed {
			return fmt.Errorf("claim of %q lost", id)
		}
		return err
	}
	for _, id := range []string{"old", "newer"} {
		if err := claim(id); err != nil {
			t.Fatal(err)
		}
		if err := s.Complete(ctx, id, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	if err := claim("newest"); err != nil {
		t.Fatalf("Claim into a store full of finished records: %v", err)
	}
	if _, err := s.Get(ctx, "old"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the oldest finished record is still there (err %v)", err)
	}
	if _, err := s.Get(ctx, "newer"); err != nil {
		t.Fatalf("a newer record was evicted: %v", err)
	}
	// Now the oldest ("newer") is finished, the other running: one more
	// claim evicts "newer"; after that the oldest is running and the store
	// refuses rather than forget a call in flight.
	if err := claim("fourth"); err != nil {
		t.Fatal(err)
	}
	if err := claim("fifth"); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Claim when the oldest record is running: %v, want ErrUnavailable", err)
	}
}
