package journal_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc/store/journal"
	"github.com/otc-dev/otc/store/storetest"
)

// TestSweepDeletesSegments checks that a segment file goes once every
// frame in it describes an expired record, and not before; and that what
// the deleted segments held stays as it was after a reopen.
func TestSweepDeletesSegments(t *testing.T) {
	clock := storetest.NewClock(start)
	opts := journal.Options{Now: clock.Now, SegmentSize: 1} // a segment per group
	dir := t.TempDir()
	s := open(t, dir, opts)
	ctx := context.Background()
	names := func() []string {
		var n []string
		for _, p := range segments(t, dir) {
			n = append(n, filepath.Base(p))
		}
		return n
	}
	seg := journal.SegmentName

	long := rec(clock, "long", time.Hour)
	mustClaim(t, s, long)                               // segment 1
	mustClaim(t, s, rec(clock, "short-1", time.Minute)) // 2
	if err := s.Release(ctx, "long"); err != nil {      // 3: a tombstone
		t.Fatal(err)
	}
	mustClaim(t, s, rec(clock, "short-2", time.Minute)) // 4
	mustComplete(t, s, "short-2", []byte(`"short"`))    // 5
	kept := rec(clock, "kept", 2*time.Hour)
	mustClaim(t, s, kept) // 6, the newest
	if diff := cmp.Diff([]string{seg(1), seg(2), seg(3), seg(4), seg(5), seg(6)}, names()); diff != "" {
		t.Fatalf("segments (-want +got):\n%s", diff)
	}

	clock.Advance(time.Minute - time.Nanosecond)
	if n, err := s.Sweep(ctx, clock.Now()); err != nil || n != 0 {
		t.Fatalf("Sweep before any expiry = %d, %v; want 0, nil", n, err)
	}
	if got := len(names()); got != 6 {
		t.Fatalf("%d segments after a Sweep that found nothing expired, want 6", got)
	}
	clock.Advance(time.Nanosecond)
	if n, err := s.Sweep(ctx, clock.Now()); err != nil || n != 2 {
		t.Fatalf("Sweep = %d, %v; want 2, nil", n, err)
	}
	// The claim of "long" and its tombstone stay, as long as the claim's
	// expiry: without the tombstone, a reopen would bring "long" back.
	if diff := cmp.Diff([]string{seg(1), seg(3), seg(6)}, names()); diff != "" {
		t.Fatalf("segments after the first expiry (-want +got):\n%s", diff)
	}
	// Replay learns the tombstone's expiry too. (The reopened store starts
	// segment 7: 6 is full.)
	closeStore(t, s)
	s = open(t, dir, opts)
	if _, err := s.Sweep(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{seg(1), seg(3), seg(6), seg(7)}, names()); diff != "" {
		t.Fatalf("segments after a reopen and a sweep (-want +got):\n%s", diff)
	}
	wantGone(t, s, "long")

	clock.Advance(time.Hour)
	if n, err := s.Sweep(ctx, clock.Now()); err != nil || n != 0 {
		t.Fatalf("Sweep = %d, %v; want 0 (long was released), nil", n, err)
	}
	if diff := cmp.Diff([]string{seg(6), seg(7)}, names()); diff != "" {
		t.Fatalf("segments after the hour (-want +got):\n%s", diff)
	}
	closeStore(t, s)
	s = open(t, dir, opts)
	wantRecord(t, s, "kept", running(kept))
	for _, id := range []string{"long", "short-1", "short-2"} {
		wantGone(t, s, id)
	}

	// The newest segment is never deleted, even when all of it expired.
	clock.Advance(2 * time.Hour)
	if n, err := s.Sweep(ctx, clock.Now()); err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v; want 1, nil", n, err)
	}
	if got := names(); len(got) != 1 {
		t.Fatalf("segments = %v, want just the newest", got)
	}
}

// A sweep that removes more than one chunk of records still removes them
// all, and only them.
func TestSweepManyChunks(t *testing.T) {
	clock := storetest.NewClock(start)
	s := openTemp(t, journal.Options{Now: clock.Now})
	ctx := context.Background()
	const n = 10_000 // over two chunks
	var wg sync.WaitGroup
	for w := range 32 { // concurrent, so that claims share syncs
		wg.Go(func() {
			for i := w; i < n; i += 32 {
				r := rec(clock, fmt.Sprint("call-", i), time.Duration(i+1)*time.Millisecond)
				if _, won, err := s.Claim(ctx, r); err != nil || !won {
					t.Errorf("Claim(%q) = won %v, err %v", r.CallID, won, err)
				}
			}
		})
	}
	wg.Wait()
	if got, err := s.Sweep(ctx, clock.Now().Add(9000*time.Millisecond)); err != nil || got != 9000 {
		t.Fatalf("Sweep = %d, %v; want 9000, nil", got, err)
	}
	if got := len(journal.IDs(s)); got != n-9000 {
		t.Fatalf("%d records left, want %d", got, n-9000)
	}
}

// A claim over an expired record that was not swept yet replaces it: Sweep
// counts the new record once, when it expires, and never the old one.
func TestSweepAfterReclaim(t *testing.T) {
	clock := storetest.NewClock(start)
	s := openTemp(t, journal.Options{Now: clock.Now})
	ctx := context.Background()
	mustClaim(t, s, rec(clock, "x", time.Minute))
	clock.Advance(time.Minute)
	again := rec(clock, "x", time.Hour)
	mustClaim(t, s, again)
	if n, err := s.Sweep(ctx, clock.Now()); err != nil || n != 0 {
		t.Fatalf("Sweep = %d, %v; want 0 (the expired record was replaced), nil", n, err)
	}
	wantRecord(t, s, "x", running(again))
	if n, err := s.Sweep(ctx, clock.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("Sweep at the new expiry = %d, %v; want 1, nil", n, err)
	}
	wantGone(t, s, "x")
}
