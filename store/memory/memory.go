// Package memory is a Store that keeps call records in this process. It is
// the default store of a single server instance: fast, bounded, and lost on
// restart. Several instances that must share call ids need store/redis.
package memory

import (
	"container/heap"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/internal/expiry"
)

// DefaultMaxRecords is the bound used when Options.MaxRecords is zero.
const DefaultMaxRecords = 100_000

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// Now is the clock that decides expiry. Nil means time.Now.
	Now func() time.Time
	// MaxRecords bounds how many live records the store holds. When it is
	// full and no expired record can make room, the finished record closest
	// to expiry is forgotten (so idempotency holds for the most recent
	// MaxRecords calls); only when that record is still running does Claim
	// fail with an error wrapping store.ErrUnavailable, which the server
	// answers "temporarily unavailable". Zero means DefaultMaxRecords; a
	// negative value means no bound.
	MaxRecords int
}

// Store is an in-memory store.Store. Records are kept in a map, and in a
// heap ordered by expiry so that expired records are found without a scan.
// All methods are safe for concurrent use.
type Store struct {
	now func() time.Time
	max int

	mu      sync.Mutex
	records map[string]*entry
	byExp   expiry.Heap[*entry]
	closed  bool
}

var _ store.Store = (*Store)(nil)

// New returns an empty Store.
func New(opts Options) *Store {
	s := &Store{now: opts.Now, max: opts.MaxRecords, records: make(map[string]*entry)}
	if s.now == nil {
		s.now = time.Now
	}
	if s.max == 0 {
		s.max = DefaultMaxRecords
	}
	return s
}

// Claim implements store.Store.
func (s *Store) Claim(ctx context.Context, rec store.Record) (store.Record, bool, error) {
	now := s.now()
	if err := store.CheckClaim(rec, now); err != nil {
		return store.Record{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(ctx); err != nil {
		return store.Record{}, false, err
	}
	if e, ok := s.records[rec.CallID]; ok {
		if !store.Expired(e.rec.ExpiresAt, now) {
			return clone(e.rec), false, nil
		}
		s.remove(e)
	}
	if s.max > 0 && len(s.records) >= s.max {
		// Make room from expired records before refusing: a full store of
		// dead records must not refuse live calls until the next sweep.
		s.sweep(now)
		if len(s.records) >= s.max && len(s.byExp) > 0 && s.byExp[0].rec.State == store.Done {
			// Still full: forget the finished record closest to its
			// expiry (the oldest, as all share one retention). A repeat of
			// it would run again, which is the memory store's documented
			// trade: a bounded process rather than a store that refuses
			// every new call_id once it has seen MaxRecords of them.
			s.remove(s.byExp[0])
		}
		if len(s.records) >= s.max {
			return store.Record{}, false, fmt.Errorf("%w: memory store holds its maximum of %d records, the oldest still running", store.ErrUnavailable, s.max)
		}
	}
	rec.State = store.Running
	rec.Response = nil
	e := &entry{rec: clone(rec)}
	s.records[rec.CallID] = e
	heap.Push(&s.byExp, e)
	return store.Record{}, true, nil
}

// Complete implements store.Store.
func (s *Store) Complete(ctx context.Context, callID string, response []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.running(ctx, callID)
	if err != nil {
		return err
	}
	e.rec.State = store.Done
	e.rec.Response = append([]byte(nil), response...)
	return nil
}

// running returns callID's live record if it is Running, for Complete and
// Release. The caller holds s.mu.
func (s *Store) running(ctx context.Context, callID string) (*entry, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	e, err := s.live(callID)
	if err != nil {
		return nil, err
	}
	if e.rec.State != store.Running {
		return nil, store.ErrNotRunning
	}
	return e, nil
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, callID string) (store.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(ctx); err != nil {
		return store.Record{}, err
	}
	e, err := s.live(callID)
	if err != nil {
		return store.Record{}, err
	}
	return clone(e.rec), nil
}

// Release implements store.Store.
func (s *Store) Release(ctx context.Context, callID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.running(ctx, callID)
	if err != nil {
		return err
	}
	s.remove(e)
	return nil
}

// Sweep implements store.Store.
func (s *Store) Sweep(ctx context.Context, now time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(ctx); err != nil {
		return 0, err
	}
	return s.sweep(now), nil
}

// Ping implements store.Store: a memory store is always ready until closed.
func (s *Store) Ping(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.usable(ctx)
}

// Close drops all records. Later calls fail with store.ErrUnavailable.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.records = nil
	s.byExp = nil
	return nil
}

// Len returns the number of records held, expired ones included until they
// are swept. It is meant for metrics and tests.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.records)
}

// usable reports why the store cannot serve a request, if it cannot.
// s.mu must be held.
func (s *Store) usable(ctx context.Context) error {
	if s.closed {
		return fmt.Errorf("%w: memory store is closed", store.ErrUnavailable)
	}
	return ctx.Err()
}

// live returns callID's entry unless it is missing or expired.
// s.mu must be held.
func (s *Store) live(callID string) (*entry, error) {
	e, ok := s.records[callID]
	if !ok || store.Expired(e.rec.ExpiresAt, s.now()) {
		return nil, store.ErrNotFound
	}
	return e, nil
}

// sweep removes the records expired at now and returns how many.
// s.mu must be held.
func (s *Store) sweep(now time.Time) int {
	n := 0
	for len(s.byExp) > 0 && store.Expired(s.byExp[0].rec.ExpiresAt, now) {
		s.remove(s.byExp[0])
		n++
	}
	return n
}

// remove deletes e from the map and the heap. s.mu must be held.
func (s *Store) remove(e *entry) {
	delete(s.records, e.rec.CallID)
	heap.Remove(&s.byExp, e.index)
}

// clone returns rec with its own copy of Response, so that neither the
// caller nor the store can change the other's bytes.
func clone(rec store.Record) store.Record {
	if rec.Response != nil {
		rec.Response = append([]byte(nil), rec.Response...)
	}
	return rec
}
