package journal_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/journal"
)

// TestConcurrentCalls runs many callers over a few shared call ids, as
// duplicate requests do, with small segments so that the log rolls under
// them and sweeps run beside them. Each id is claimed, sometimes released
// and claimed again, and completed once; everything a caller was told must
// agree, before and after a reopen.
func TestConcurrentCalls(t *testing.T) {
	const (
		workers = 24
		ids     = 40
	)
	dir := t.TempDir()
	opts := journal.Options{SegmentSize: 8 << 10}
	s := open(t, dir, opts)
	ctx := context.Background()

	var (
		mu        sync.Mutex
		completed = make(map[string]string)   // id → the response whose Complete returned nil
		seen      = make(map[string][]string) // id → the responses repeats were answered with
	)
	responseOf := func(id string, w int) string { return fmt.Sprintf(`{"id":%q,"by":%d}`, id, w) }

	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for _, i := range rng.Perm(ids) {
				id := fmt.Sprint("call-", i)
				r := store.Record{CallID: id, Digest: "d", Owner: fmt.Sprint("w", w), ExpiresAt: time.Now().Add(time.Hour)}
				existing, won, err := s.Claim(ctx, r)
				switch {
				case err != nil:
					t.Errorf("Claim(%s): %v", id, err)
					return
				case !won:
					if existing.State == store.Done {
						// Its Complete may not have returned yet: compare at the end.
						mu.Lock()
						seen[id] = append(seen[id], string(existing.Response))
						mu.Unlock()
					}
					continue
				}
				if rng.IntN(3) == 0 {
					if err := s.Release(ctx, id); err != nil {
						t.Errorf("Release(%s) by its claimer: %v", id, err)
					}
					continue
				}
				// Two completions race: exactly one stands.
				first, second := responseOf(id, w), responseOf(id, w+1000)
				c1 := async(func() error { return s.Complete(ctx, id, []byte(first)) })
				c2 := async(func() error { return s.Complete(ctx, id, []byte(second)) })
				e1, e2 := <-c1, <-c2
				won1, won2 := e1 == nil, e2 == nil
				if won1 == won2 || (!won1 && !errors.Is(e1, store.ErrNotRunning)) || (!won2 && !errors.Is(e2, store.ErrNotRunning)) {
					t.Errorf("racing Completes of %s: %v, %v; want one nil, one ErrNotRunning", id, e1, e2)
					continue
				}
				mu.Lock()
				if won1 {
					completed[id] = first
				} else {
					completed[id] = second
				}
				mu.Unlock()
			}
		})
	}
	sweeps := make(chan struct{})
	go func() {
		defer close(sweeps)
		for range 20 {
			if _, err := s.Sweep(ctx, time.Now()); err != nil {
				t.Errorf("Sweep: %v", err)
			}
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()
	<-sweeps
	for id, responses := range seen {
		for _, r := range responses {
			if r != completed[id] {
				t.Errorf("a repeat of %s was answered %s, but %s was acknowledged", id, r, completed[id])
			}
		}
	}

	check := func(s *journal.Store) {
		t.Helper()
		for i := range ids {
			id := fmt.Sprint("call-", i)
			got, err := s.Get(ctx, id)
			if err != nil {
				t.Errorf("Get(%s): %v", id, err)
				continue
			}
			want, ok := completed[id]
			switch {
			case ok && (got.State != store.Done || string(got.Response) != want):
				t.Errorf("Get(%s) = %s %s, want done %s", id, got.State, got.Response, want)
			case !ok && got.State != store.Running:
				t.Errorf("Get(%s) = %s %s, want running (never completed)", id, got.State, got.Response)
			}
		}
	}
	check(s)
	closeStore(t, s)
	s = open(t, dir, opts)
	if r := s.Recovery(); r.TornBytes != 0 || r.CorruptFrames != 0 || r.Records != ids {
		t.Errorf("Recovery = %+v; want %d records and no damage", r, ids)
	}
	check(s)
}
