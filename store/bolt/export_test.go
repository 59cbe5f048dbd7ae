package bolt

import (
	"time"

	"go.etcd.io/bbolt"
)

// PutRaw writes value as callID's record, and its expiry index entry unless
// expiresAt is zero: a way for tests to plant a damaged record.
func PutRaw(s *Store, callID string, value []byte, expiresAt time.Time) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		if err := tx.Bucket(recordsBucket).Put([]byte(callID), value); err != nil {
			return err
		}
		if expiresAt.IsZero() {
			return nil
		}
		return tx.Bucket(expiryBucket).Put(expiryKeyOf(expiresAt, callID), nil)
	})
}

// PutRawExpiryKey writes key into the expiry index as it is.
func PutRawExpiryKey(s *Store, key []byte) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(expiryBucket).Put(key, nil)
	})
}

// ExpiryLen returns the number of index entries.
func ExpiryLen(s *Store) (n int) {
	_ = s.db.View(func(tx *bbolt.Tx) error {
		n = tx.Bucket(expiryBucket).Stats().KeyN
		return nil
	})
	return n
}

// ExpiryKey exposes the index key layout to tests.
var ExpiryKey = expiryKey
