package journal_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/journal"
	"github.com/otc-dev/otc/store/storetest"
)

// volatileClaims is a journal whose Claim is ClaimVolatile, for the shared
// suite: in one process, a volatile claim must behave as a durable one.
type volatileClaims struct{ *journal.Store }

func (v volatileClaims) Claim(ctx context.Context, r store.Record) (store.Record, bool, error) {
	return v.ClaimVolatile(ctx, r)
}

func TestSuiteVolatileClaims(t *testing.T) {
	storetest.Run(t, storetest.Config{
		New: func(t *testing.T, now func() time.Time) store.Store {
			return volatileClaims{openTemp(t, journal.Options{Now: now})}
		},
		Corrupt: func(t *testing.T, s store.Store, callID string, expiresAt time.Time) {
			corrupt(t, s.(volatileClaims).Store, callID, expiresAt)
		},
	})
}

// A volatile claim writes nothing: it returns while the writer is held in
// a sync, and the completion is the call's only write.
func TestClaimVolatileWritesNothing(t *testing.T) {
	clock := storetest.NewClock(start)
	dir := t.TempDir()
	s := open(t, dir, journal.Options{Now: clock.Now})
	g := holdNextSync(t, s)
	r := rec(clock, "x", time.Hour)
	claimed := async(func() error {
		_, won, err := s.ClaimVolatile(context.Background(), r)
		if err == nil && !won {
			err = errors.New("the claim was not won")
		}
		return err
	})
	if err := result(t, "ClaimVolatile", claimed); err != nil {
		t.Fatalf("ClaimVolatile: %v", err)
	}
	select {
	case <-g.reached:
		t.Fatal("ClaimVolatile wrote a group")
	default:
	}
	wantRecord(t, s, "x", running(r))
	if _, won, err := s.Claim(context.Background(), rec(clock, "x", time.Hour)); err != nil || won {
		t.Fatalf("a second Claim of a volatile claim: won %v, err %v; want the claim taken", won, err)
	}

	completed := async(func() error { return s.Complete(context.Background(), "x", []byte(`{"v":1}`)) })
	<-g.reached // the completion's group
	wantBlocked(t, "Complete", completed)
	g.release <- nil
	if err := result(t, "Complete", completed); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	closeStore(t, s)
	wantRecord(t, open(t, dir, journal.Options{Now: clock.Now}), "x", done(r, []byte(`{"v":1}`)))
}

// What a crash leaves of a call that was claimed and never completed: the
// durable claim survives as Running (a retry learns the outcome is
// unknown), the volatile one leaves nothing (a retry runs the call again).
// A released claim leaves nothing either way.
func TestClaimVolatileAfterRestart(t *testing.T) {
	for _, tc := range []struct {
		name     string
		volatile bool
		release  bool
		want     bool // the record is Running after the restart
	}{
		{"Durable", false, false, true},
		{"Volatile", true, false, false},
		{"DurableReleased", false, true, false},
		{"VolatileReleased", true, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := storetest.NewClock(start)
			dir := t.TempDir()
			s := open(t, dir, journal.Options{Now: clock.Now})
			r := rec(clock, "x", time.Hour)
			claim := s.Claim
			if tc.volatile {
				claim = s.ClaimVolatile
			}
			if _, won, err := claim(context.Background(), r); err != nil || !won {
				t.Fatalf("claim: won %v, err %v", won, err)
			}
			if tc.release {
				if err := s.Release(context.Background(), "x"); err != nil {
					t.Fatalf("Release: %v", err)
				}
			}
			closeStore(t, s)

			s = open(t, dir, journal.Options{Now: clock.Now})
			if tc.want {
				wantRecord(t, s, "x", running(r))
				return
			}
			if _, err := s.Get(context.Background(), "x"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Get after the restart: %v; want ErrNotFound", err)
			}
			mustClaim(t, s, rec(clock, "x", time.Hour))
		})
	}
}
