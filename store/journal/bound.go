package journal

import (
	"container/heap"
	"fmt"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/internal/expiry"
)

// makeRoom frees a place in a full index for a new record, at now (Unix
// nanoseconds): first from expired records, so that a full index of dead
// records does not refuse live calls until the next sweep, then by
// forgetting finished records closest to expiry (the oldest, as all share
// one retention). A repeat of a forgotten call runs again: the trade that
// store/memory makes too, a bounded process rather than one that refuses
// every new call_id once it has seen MaxRecords of them. It fails with
// store.ErrUnavailable when the record closest to expiry is running, or
// its write is still syncing: that call's outcome is still to be learned.
// s.mu is held.
func (s *Store) makeRoom(now int64) error {
	for len(s.index) >= s.maxRecs && len(s.byExp) > 0 {
		top := s.byExp[0]
		switch {
		case top.expiredAt(now):
			s.drop(top) // as Sweep would: its frames expire with it
		case top.state == store.Done && top.write == idle:
			s.drop(top)
			s.forgotten++
		default:
			return fmt.Errorf("journal claim: %w: the index holds its maximum of %d records, the oldest still running", store.ErrUnavailable, s.maxRecs)
		}
	}
	return nil
}

// bound applies MaxRecords to the index that replay rebuilt, whose heap is
// built: the log holds the frames of records a previous process forgot
// until their segment expires, and they would otherwise come back, over
// the bound. While the index is over it, finished records closest to
// expiry are left out, as Claim would have forgotten them; running ones
// are kept even beyond it (see Options.MaxRecords). It returns how many
// were left out. It runs in Open, before the writer.
func (s *Store) bound() int {
	if len(s.index) <= s.maxRecs {
		return 0
	}
	n := 0
	var running []*entry
	for len(s.index) > s.maxRecs && len(s.byExp) > 0 {
		e := heap.Pop(&s.byExp).(*entry)
		if e.state == store.Done {
			delete(s.index, e.id)
			n++
			continue
		}
		running = append(running, e)
	}
	for _, e := range running {
		heap.Push(&s.byExp, e)
	}
	// Maps and slices keep the room they grew to: copy them, so that the
	// heap after Open is bounded as the index is.
	index := make(map[string]*entry, len(s.index))
	for id, e := range s.index {
		index[id] = e
	}
	s.index = index
	s.byExp = append(make(expiry.Heap[*entry], 0, len(s.byExp)), s.byExp...)
	return n
}

// Len returns the number of records in the index, expired ones included
// until they are swept. It is meant for metrics and tests.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.index)
}

// Forgotten returns how many finished records Claim has forgotten since
// Open to keep the index within Options.MaxRecords (those Open left out
// are in Recovery.Forgotten). A rising count means repeats of older calls
// run again: the bound is too small for the traffic, or a client is
// making up call ids.
func (s *Store) Forgotten() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.forgotten
}
