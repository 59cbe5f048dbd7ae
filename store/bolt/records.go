package bolt

import (
	"context"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/internal/recordcodec"
)

// Transactions below return an error only when bbolt fails. A refusal
// (not found, not running, corrupt) is an outcome, passed out through a
// variable: DB.Batch treats a returned error as a failed batch and runs the
// whole group again, and it may call a function more than once, so every
// function sets its outcome afresh.

// Claim implements store.Store. A repeat of a live call is answered from a
// read-only transaction; only a claim that will write joins a batch.
func (s *Store) Claim(ctx context.Context, rec store.Record) (store.Record, bool, error) {
	now := s.now()
	if err := store.CheckClaim(rec, now); err != nil {
		return store.Record{}, false, err
	}
	if err := ctx.Err(); err != nil {
		return store.Record{}, false, err
	}
	var (
		existing store.Record
		found    bool
		outcome  error
	)
	err := s.db.View(func(tx *bbolt.Tx) error {
		existing, found, outcome = s.lookup(tx, rec.CallID, now)
		return nil
	})
	if err != nil {
		return store.Record{}, false, s.unavailable("claim", err)
	}
	if outcome != nil || found {
		return existing, false, outcome
	}

	rec.State = store.Running
	rec.Response = nil
	value := recordcodec.Encode(rec)
	err = s.write(func(tx *bbolt.Tx) error {
		existing, found, outcome = s.lookup(tx, rec.CallID, now)
		if outcome != nil || found {
			return nil
		}
		records, expiry := tx.Bucket(recordsBucket), tx.Bucket(expiryBucket)
		if old := records.Get([]byte(rec.CallID)); old != nil {
			// An expired record, not swept yet: its index entry goes too.
			oldRec, _ := recordcodec.Decode(rec.CallID, old) // lookup decoded it already
			if err := expiry.Delete(expiryKeyOf(oldRec.ExpiresAt, rec.CallID)); err != nil {
				return err
			}
		}
		if err := records.Put([]byte(rec.CallID), value); err != nil {
			return err
		}
		return expiry.Put(expiryKeyOf(rec.ExpiresAt, rec.CallID), nil)
	})
	if err != nil {
		return store.Record{}, false, s.unavailable("claim", err)
	}
	if outcome != nil || found {
		return existing, false, outcome
	}
	return store.Record{}, true, nil
}

// Complete implements store.Store.
func (s *Store) Complete(ctx context.Context, callID string, response []byte) error {
	return s.changeRunning(ctx, "complete", callID, func(tx *bbolt.Tx, rec store.Record) error {
		rec.State = store.Done
		rec.Response = response
		return tx.Bucket(recordsBucket).Put([]byte(callID), recordcodec.Encode(rec))
	})
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, callID string) (store.Record, error) {
	if err := ctx.Err(); err != nil {
		return store.Record{}, err
	}
	var (
		rec     store.Record
		found   bool
		outcome error
	)
	err := s.db.View(func(tx *bbolt.Tx) error {
		rec, found, outcome = s.lookup(tx, callID, s.now())
		return nil
	})
	switch {
	case err != nil:
		return store.Record{}, s.unavailable("get", err)
	case outcome != nil:
		return store.Record{}, outcome
	case !found:
		return store.Record{}, store.ErrNotFound
	}
	return rec, nil
}

// Release implements store.Store.
func (s *Store) Release(ctx context.Context, callID string) error {
	return s.changeRunning(ctx, "release", callID, func(tx *bbolt.Tx, rec store.Record) error {
		if err := tx.Bucket(recordsBucket).Delete([]byte(callID)); err != nil {
			return err
		}
		return tx.Bucket(expiryBucket).Delete(expiryKeyOf(rec.ExpiresAt, callID))
	})
}

// changeRunning applies change to callID's record in one write, if the record
// is Running. A missing, finished or corrupt record is the call's outcome
// (ErrNotFound, ErrNotRunning, *CorruptRecordError), not a failed write: the
// group commit must not retry or fail the other writes of its group for it.
func (s *Store) changeRunning(ctx context.Context, op, callID string, change func(*bbolt.Tx, store.Record) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := s.now()
	var outcome error
	err := s.write(func(tx *bbolt.Tx) error {
		rec, found, err := s.lookup(tx, callID, now)
		switch {
		case err != nil:
			outcome = err
		case !found:
			outcome = store.ErrNotFound
		case rec.State != store.Running:
			outcome = store.ErrNotRunning
		default:
			outcome = nil // a retried write starts afresh
			return change(tx, rec)
		}
		return nil
	})
	if err != nil {
		return s.unavailable(op, err)
	}
	return outcome
}

// lookup returns callID's live record. found is false when there is none or
// it expired at now; err is a *store.CorruptRecordError when it does not
// decode. The record does not alias the transaction's memory.
func (s *Store) lookup(tx *bbolt.Tx, callID string, now time.Time) (store.Record, bool, error) {
	value := tx.Bucket(recordsBucket).Get([]byte(callID))
	if value == nil {
		return store.Record{}, false, nil
	}
	rec, err := recordcodec.Decode(callID, value)
	if err != nil {
		return store.Record{}, false, fmt.Errorf("bolt: %w", &store.CorruptRecordError{CallID: callID, Err: err})
	}
	if store.Expired(rec.ExpiresAt, now) {
		return store.Record{}, false, nil
	}
	return rec, true, nil
}
