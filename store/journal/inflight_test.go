package journal_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/journal"
	"github.com/otc-dev/otc/store/storetest"
)

// gate holds the writer in its next sync, between the write of a group and
// its fdatasync, until the test lets it go with the sync's outcome.
type gate struct {
	reached chan struct{} // closed when the writer is held
	release chan error    // the outcome the held sync reports
}

// holdNextSync installs a gate on s's next sync. The gate opens when the
// test ends, so that a failed test does not leave Close waiting for it.
func holdNextSync(t *testing.T, s *journal.Store) *gate {
	g := &gate{reached: make(chan struct{}), release: make(chan error)}
	t.Cleanup(func() { close(g.release) })
	var armed atomic.Bool
	armed.Store(true)
	journal.SetSyncHook(s, func() error {
		if !armed.CompareAndSwap(true, false) {
			return nil
		}
		close(g.reached)
		return <-g.release
	})
	return g
}

// errSync stands for a failed fdatasync.
var errSync = errors.New("simulated fdatasync failure")

// async runs f in a goroutine and returns where its error arrives.
func async(f func() error) <-chan error {
	c := make(chan error, 1)
	go func() { c <- f() }()
	return c
}

// wantBlocked fails the test if c delivers within a while: the operation
// it stands for must wait for the held sync.
func wantBlocked(t *testing.T, op string, c <-chan error) {
	t.Helper()
	select {
	case err := <-c:
		t.Fatalf("%s returned (%v) while the write it depends on was not durable", op, err)
	case <-time.After(50 * time.Millisecond):
	}
}

// result waits for c.
func result(t *testing.T, op string, c <-chan error) error {
	t.Helper()
	select {
	case err := <-c:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not return", op)
		return nil
	}
}

// While a claim syncs, nobody may see its record: a second Claim and a Get
// wait for the outcome.
func TestClaimInFlight(t *testing.T) {
	for _, tc := range []struct {
		name    string
		outcome error
	}{
		{"Synced", nil},
		{"SyncFails", errSync},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := storetest.NewClock(start)
			s := openTemp(t, journal.Options{Now: clock.Now})
			ctx := context.Background()
			first, second := rec(clock, "x", time.Hour), rec(clock, "x", time.Hour)
			second.Owner = "instance-b"
			g := holdNextSync(t, s)
			claimed := async(func() error {
				_, won, err := s.Claim(ctx, first)
				if err == nil && !won {
					return errors.New("the first claim lost")
				}
				return err
			})
			<-g.reached
			var seen store.Record
			repeated := async(func() error {
				existing, won, err := s.Claim(ctx, second)
				if err == nil && won {
					return errors.New("the second claim won")
				}
				seen = existing
				return err
			})
			var got store.Record
			read := async(func() (err error) { got, err = s.Get(ctx, "x"); return err })
			wantBlocked(t, "a second Claim", repeated)
			wantBlocked(t, "Get", read)
			g.release <- tc.outcome

			err := result(t, "the first Claim", claimed)
			if tc.outcome == nil {
				if err != nil {
					t.Fatalf("first Claim: %v", err)
				}
				if err := result(t, "the second Claim", repeated); err != nil || seen.Owner != "instance-a" {
					t.Fatalf("second Claim = owner %q, err %v; want the first claim's record", seen.Owner, err)
				}
				if err := result(t, "Get", read); err != nil || got.Owner != "instance-a" {
					t.Fatalf("Get = owner %q, err %v; want the first claim's record", got.Owner, err)
				}
				return
			}
			if !errors.Is(err, store.ErrUnavailable) || !errors.Is(err, errSync) {
				t.Fatalf("first Claim: %v; want ErrUnavailable wrapping the sync's failure", err)
			}
			// The claim is undone. The store refuses writes from now on, so
			// the second claim cannot win either, but it never saw the first.
			if err := result(t, "the second Claim", repeated); !errors.Is(err, store.ErrUnavailable) {
				t.Fatalf("second Claim after a failed sync = %+v, %v; want ErrUnavailable", seen, err)
			}
			if err := result(t, "Get", read); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Get after a failed claim: %v; want ErrNotFound", err)
			}
		})
	}
}

// While a completion syncs, the record reads Running, and the first
// response stands against a second Complete.
func TestCompleteInFlight(t *testing.T) {
	for _, tc := range []struct {
		name    string
		outcome error
	}{
		{"Synced", nil},
		{"SyncFails", errSync},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := storetest.NewClock(start)
			s := openTemp(t, journal.Options{Now: clock.Now})
			ctx := context.Background()
			r := rec(clock, "x", time.Hour)
			mustClaim(t, s, r)
			g := holdNextSync(t, s)
			completed := async(func() error { return s.Complete(ctx, "x", []byte(`"first"`)) })
			<-g.reached

			wantRecord(t, s, "x", running(r)) // never a response that is not durable
			if existing, won, err := s.Claim(ctx, rec(clock, "x", time.Hour)); err != nil || won || existing.State != store.Running {
				t.Fatalf("Claim during the completion = %+v, won %v, err %v; want the running record", existing, won, err)
			}
			if err := s.Complete(ctx, "x", []byte(`"second"`)); !errors.Is(err, store.ErrNotRunning) {
				t.Fatalf("second Complete: %v; want ErrNotRunning", err)
			}
			if err := s.Release(ctx, "x"); !errors.Is(err, store.ErrNotRunning) {
				t.Fatalf("Release during the completion: %v; want ErrNotRunning", err)
			}
			g.release <- tc.outcome

			err := result(t, "Complete", completed)
			if tc.outcome == nil {
				if err != nil {
					t.Fatalf("Complete: %v", err)
				}
				wantRecord(t, s, "x", done(running(r), []byte(`"first"`)))
				return
			}
			if !errors.Is(err, store.ErrUnavailable) || !errors.Is(err, errSync) {
				t.Fatalf("Complete: %v; want ErrUnavailable wrapping the sync's failure", err)
			}
			wantRecord(t, s, "x", running(r))
			for op, err := range map[string]error{
				"Ping":              s.Ping(ctx),
				"Complete again":    s.Complete(ctx, "x", []byte(`"again"`)),
				"Release":           s.Release(ctx, "x"),
				"Claim of a new id": func() error { _, _, err := s.Claim(ctx, rec(clock, "y", time.Hour)); return err }(),
			} {
				if !errors.Is(err, store.ErrUnavailable) || !errors.Is(err, errSync) {
					t.Errorf("%s after a failed sync: %v; want ErrUnavailable naming the failure", op, err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatalf("Close after a failed sync: %v", err)
			}
		})
	}
}

// While a release syncs, whether the record survives is not known: reads
// wait for it.
func TestReleaseInFlight(t *testing.T) {
	clock := storetest.NewClock(start)
	s := openTemp(t, journal.Options{Now: clock.Now})
	ctx := context.Background()
	mustClaim(t, s, rec(clock, "x", time.Hour))
	g := holdNextSync(t, s)
	released := async(func() error { return s.Release(ctx, "x") })
	<-g.reached
	read := async(func() error { _, err := s.Get(ctx, "x"); return err })
	wantBlocked(t, "Get", read)
	g.release <- nil
	if err := result(t, "Release", released); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if err := result(t, "Get", read); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after the release: %v; want ErrNotFound", err)
	}
}

// Close writes what is queued before it returns.
func TestCloseDrains(t *testing.T) {
	clock := storetest.NewClock(start)
	dir := t.TempDir()
	s := open(t, dir, journal.Options{Now: clock.Now})
	g := holdNextSync(t, s)
	r := rec(clock, "x", time.Hour)
	claimed := async(func() error { _, _, err := s.Claim(context.Background(), r); return err })
	<-g.reached
	closed := async(s.Close)
	wantBlocked(t, "Close", closed)
	g.release <- nil
	if err := result(t, "Claim", claimed); err != nil {
		t.Fatalf("Claim: %v", err)
	}
	if err := result(t, "Close", closed); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := s.Get(context.Background(), "x"); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Get after Close: %v; want ErrUnavailable", err)
	}
	wantRecord(t, open(t, dir, journal.Options{Now: clock.Now}), "x", running(r))
}
