package bolt

import (
	"bytes"
	"context"
	"time"

	"go.etcd.io/bbolt"

	"github.com/otc-dev/otc/store/internal/recordcodec"
)

// Sweep implements store.Store. It scans the expiry index from its start up
// to now, in transactions of at most Options.SweepChunk entries, and deletes
// each expired record with its index entry.
//
// A record that does not decode is left alone by Get and Claim, which report
// it; Sweep deletes it once its index entry expires (the index, not the
// damaged value, says when), so that a damaged record cannot hold its call
// id forever. Index entries whose record is gone or has another expiry are
// stale and deleted without counting.
func (s *Store) Sweep(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		var n, visited int
		err := s.db.Update(func(tx *bbolt.Tx) error {
			var err error
			n, visited, err = s.sweepChunk(tx, now.UnixNano())
			return err
		})
		if err != nil {
			return total, s.unavailable("sweep", err)
		}
		total += n
		if visited < s.chunk {
			return total, nil
		}
	}
}

// sweepChunk deletes up to s.chunk expired index entries and their records.
// Keys are collected first and deleted after the scan, because deleting
// under a moving cursor can skip keys.
func (s *Store) sweepChunk(tx *bbolt.Tx, nowNano int64) (deleted, visited int, err error) {
	records, expiry := tx.Bucket(recordsBucket), tx.Bucket(expiryBucket)
	var expired [][]byte
	c := expiry.Cursor()
	for k, _ := c.First(); k != nil && len(expired) < s.chunk; k, _ = c.Next() {
		if at, _, ok := parseExpiryKey(k); ok && at > nowNano {
			break
		}
		expired = append(expired, bytes.Clone(k))
	}
	for _, k := range expired {
		if err := expiry.Delete(k); err != nil {
			return deleted, len(expired), err
		}
		at, callID, ok := parseExpiryKey(k)
		if !ok {
			continue
		}
		value := records.Get(callID)
		if value == nil {
			continue
		}
		if rec, err := recordcodec.Decode(string(callID), value); err == nil && rec.ExpiresAt.UnixNano() != at {
			continue // the record was claimed again with a later expiry
		}
		if err := records.Delete(callID); err != nil {
			return deleted, len(expired), err
		}
		deleted++
	}
	return deleted, len(expired), nil
}
