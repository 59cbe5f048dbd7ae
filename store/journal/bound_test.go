package journal_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/journal"
	"github.com/otc-dev/otc/store/storetest"
)

// boundStep is one call in a TestMaxRecords case. Each claim comes a second
// after the one before, so that later calls expire later.
type boundStep struct {
	advance  time.Duration // the clock moves this much first
	claim    string
	ttl      time.Duration // zero means an hour
	complete bool          // the claim is completed at once
	release  bool          // the claim is released at once
	repeat   bool          // the claim must find a live record
	wantErr  error         // the claim must fail with this
}

func TestMaxRecords(t *testing.T) {
	for _, tc := range []struct {
		name          string
		max           int
		steps         []boundStep
		wantIDs       []string
		wantForgotten int64
	}{
		{
			name: "full store forgets the oldest done",
			max:  2,
			steps: []boundStep{
				{claim: "a", complete: true},
				{claim: "b", complete: true},
				{claim: "c"},
			},
			wantIDs:       []string{"b", "c"},
			wantForgotten: 1,
		},
		{
			name: "forgets past a done record to the running one",
			max:  2,
			steps: []boundStep{
				{claim: "a", complete: true},
				{claim: "b", complete: true},
				{claim: "c"},
				{claim: "d"},
				{claim: "e", wantErr: store.ErrUnavailable},
			},
			wantIDs:       []string{"c", "d"},
			wantForgotten: 2,
		},
		{
			name: "refuses when the oldest is running",
			max:  2,
			steps: []boundStep{
				{claim: "a"},
				{claim: "b", complete: true},
				{claim: "c", wantErr: store.ErrUnavailable},
			},
			wantIDs: []string{"a", "b"},
		},
		{
			name: "a repeat is answered when full",
			max:  1,
			steps: []boundStep{
				{claim: "a"},
				{claim: "a", repeat: true},
			},
			wantIDs: []string{"a"},
		},
		{
			name: "expired records make room first",
			max:  2,
			steps: []boundStep{
				{claim: "a", ttl: time.Minute},
				{claim: "b", complete: true},
				{advance: time.Minute, claim: "c"},
			},
			wantIDs: []string{"b", "c"},
		},
		{
			name: "an expired record of the same id is replaced",
			max:  1,
			steps: []boundStep{
				{claim: "a", ttl: time.Minute},
				{advance: time.Minute, claim: "a"},
			},
			wantIDs: []string{"a"},
		},
		{
			name: "release makes room",
			max:  1,
			steps: []boundStep{
				{claim: "a", release: true},
				{claim: "b"},
			},
			wantIDs: []string{"b"},
		},
		{
			name: "negative is unbounded",
			max:  -1,
			steps: []boundStep{
				{claim: "a"}, {claim: "b"}, {claim: "c"}, {claim: "d"}, {claim: "e"},
			},
			wantIDs: []string{"a", "b", "c", "d", "e"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := storetest.NewClock(start)
			s := openTemp(t, journal.Options{Now: clock.Now, MaxRecords: tc.max})
			for _, st := range tc.steps {
				clock.Advance(time.Second + st.advance)
				ttl := st.ttl
				if ttl == 0 {
					ttl = time.Hour
				}
				_, claimed, err := s.Claim(context.Background(), rec(clock, st.claim, ttl))
				switch {
				case st.wantErr != nil:
					if !errors.Is(err, st.wantErr) {
						t.Fatalf("Claim(%q) = %v; want %v", st.claim, err, st.wantErr)
					}
					continue
				case err != nil || claimed == st.repeat:
					t.Fatalf("Claim(%q) = claimed %v, err %v; want claimed %v", st.claim, claimed, err, !st.repeat)
				}
				if st.complete {
					mustComplete(t, s, st.claim, []byte(`{"id":"`+st.claim+`"}`))
				}
				if st.release {
					if err := s.Release(context.Background(), st.claim); err != nil {
						t.Fatalf("Release(%q): %v", st.claim, err)
					}
				}
			}
			if diff := cmp.Diff(tc.wantIDs, journal.IDs(s)); diff != "" {
				t.Errorf("index mismatch (-want +got):\n%s", diff)
			}
			if got := s.Len(); got != len(tc.wantIDs) {
				t.Errorf("Len = %d, want %d", got, len(tc.wantIDs))
			}
			if got := s.Forgotten(); got != tc.wantForgotten {
				t.Errorf("Forgotten = %d, want %d", got, tc.wantForgotten)
			}
		})
	}
}

// TestMaxRecordsReopen checks that replay applies the bound: the log keeps
// the frames of forgotten records until their segment expires, and they
// must not come back over it.
func TestMaxRecordsReopen(t *testing.T) {
	ids := func(prefix string, n int) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("%s%d", prefix, i))
		}
		return out
	}
	for _, tc := range []struct {
		name string
		// writeMax bounds the store that writes done, then running, ids
		// (running first if runningFirst).
		writeMax         int
		done, running    []string
		runningFirst     bool
		reopenMax        int
		wantIDs          []string
		wantForgotten    int // Recovery.Forgotten
		wantClaimRefused bool
	}{
		{
			name:     "more on disk than the cap keeps the newest",
			writeMax: -1, done: ids("d", 5), reopenMax: 3,
			wantIDs: []string{"d2", "d3", "d4"}, wantForgotten: 2,
		},
		{
			name:     "records forgotten before a restart stay forgotten",
			writeMax: 3, done: ids("d", 5), reopenMax: 3,
			wantIDs: []string{"d2", "d3", "d4"}, wantForgotten: 2,
		},
		{
			name:     "a larger cap brings forgotten records back",
			writeMax: 3, done: ids("d", 5), reopenMax: 10,
			wantIDs: ids("d", 5),
		},
		{
			name:     "running records over the cap are kept",
			writeMax: -1, done: ids("d", 2), running: ids("r", 3), reopenMax: 2,
			wantIDs: []string{"r0", "r1", "r2"}, wantForgotten: 2, wantClaimRefused: true,
		},
		{
			name:     "done records go before older running ones",
			writeMax: -1, running: ids("r", 1), done: ids("d", 3), runningFirst: true, reopenMax: 2,
			wantIDs: []string{"d2", "r0"}, wantForgotten: 2, wantClaimRefused: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			clock := storetest.NewClock(start)
			// Small segments: filling 64 MiB twice a case is slow.
			s := open(t, dir, journal.Options{Now: clock.Now, MaxRecords: tc.writeMax, SegmentSize: 1 << 20})
			claimAll := func(ids []string, complete bool) {
				for _, id := range ids {
					clock.Advance(time.Second)
					mustClaim(t, s, rec(clock, id, time.Hour))
					if complete {
						mustComplete(t, s, id, []byte(`{"id":"`+id+`"}`))
					}
				}
			}
			if tc.runningFirst {
				claimAll(tc.running, false)
				claimAll(tc.done, true)
			} else {
				claimAll(tc.done, true)
				claimAll(tc.running, false)
			}
			closeStore(t, s)

			s = open(t, dir, journal.Options{Now: clock.Now, MaxRecords: tc.reopenMax, SegmentSize: 1 << 20})
			if diff := cmp.Diff(tc.wantIDs, journal.IDs(s)); diff != "" {
				t.Errorf("index after reopen mismatch (-want +got):\n%s", diff)
			}
			if got, want := s.Recovery(), (journal.Recovery{Segments: 1, Records: len(tc.wantIDs), Forgotten: tc.wantForgotten}); got != want {
				t.Errorf("Recovery = %+v, want %+v", got, want)
			}
			for _, id := range tc.wantIDs {
				if _, err := s.Get(context.Background(), id); err != nil {
					t.Errorf("Get(%q) after reopen: %v", id, err)
				}
			}
			clock.Advance(time.Second)
			_, _, err := s.Claim(context.Background(), rec(clock, "new", time.Hour))
			if refused := errors.Is(err, store.ErrUnavailable); refused != tc.wantClaimRefused || (err != nil && !refused) {
				t.Errorf("Claim of a new id after reopen: %v; want refused %v", err, tc.wantClaimRefused)
			}
		})
	}
}

// TestMaxRecordsReclaimAfterForget checks that a forgotten call claimed
// anew is replayed with its new outcome, not the one forgotten.
func TestMaxRecordsReclaimAfterForget(t *testing.T) {
	dir := t.TempDir()
	clock := storetest.NewClock(start)
	opts := journal.Options{Now: clock.Now, MaxRecords: 1}
	s := open(t, dir, opts)
	clock.Advance(time.Second)
	first := rec(clock, "a", time.Hour)
	mustClaim(t, s, first)
	mustComplete(t, s, "a", []byte(`{"run":1}`))
	clock.Advance(time.Second)
	mustClaim(t, s, rec(clock, "b", time.Hour)) // forgets a
	mustComplete(t, s, "b", []byte(`{"run":1}`))
	clock.Advance(time.Second)
	again := rec(clock, "a", time.Hour)
	mustClaim(t, s, again) // forgets b
	mustComplete(t, s, "a", []byte(`{"run":2}`))
	closeStore(t, s)

	s = open(t, dir, opts)
	wantRecord(t, s, "a", done(again, []byte(`{"run":2}`)))
	wantGone(t, s, "b")
	if got := s.Recovery().Forgotten; got != 1 {
		t.Errorf("Recovery.Forgotten = %d, want 1 (b)", got)
	}
}
