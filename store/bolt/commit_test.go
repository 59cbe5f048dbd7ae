package bolt

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"go.etcd.io/bbolt"
)

func openTestDB(t *testing.T) *bbolt.DB {
	t.Helper()
	db, err := bbolt.Open(filepath.Join(t.TempDir(), "commit.db"), FileMode, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket(recordsBucket); return err }); err != nil {
		t.Fatal(err)
	}
	return db
}

// Concurrent writes through one committer are all committed, each with
// its own outcome: a function that fails inside a group fails alone, and
// the writes grouped with it are committed.
func TestCommitterGroups(t *testing.T) {
	for _, maxBatch := range []int{1, 4, 256} {
		t.Run(fmt.Sprint("max ", maxBatch), func(t *testing.T) {
			db := openTestDB(t)
			c := newCommitter(db, maxBatch, 0)
			errRefused := errors.New("refused")
			var wg sync.WaitGroup
			errs := make([]error, 64)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = c.write(func(tx *bbolt.Tx) error {
						if i%10 == 3 {
							return errRefused
						}
						return tx.Bucket(recordsBucket).Put([]byte(fmt.Sprint(i)), []byte("v"))
					})
				}()
			}
			wg.Wait()
			c.close()
			err := db.View(func(tx *bbolt.Tx) error {
				for i, err := range errs {
					stored := tx.Bucket(recordsBucket).Get([]byte(fmt.Sprint(i))) != nil
					switch {
					case i%10 == 3 && !errors.Is(err, errRefused):
						t.Errorf("write %d: error %v, want its own", i, err)
					case i%10 == 3 && stored:
						t.Errorf("write %d failed but was stored", i)
					case i%10 != 3 && (err != nil || !stored):
						t.Errorf("write %d: error %v, stored %v", i, err, stored)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// After close, writes fail as on a closed database instead of hanging.
func TestCommitterClosed(t *testing.T) {
	c := newCommitter(openTestDB(t), 8, 0)
	if err := c.write(func(tx *bbolt.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	c.close()
	c.close() // idempotent
	if err := c.write(func(*bbolt.Tx) error { return nil }); !errors.Is(err, bbolt.ErrDatabaseNotOpen) {
		t.Errorf("write after close: %v, want bbolt.ErrDatabaseNotOpen", err)
	}
}

// A panicking write is reported as an error inside its group, so the
// committer survives it and the writes grouped with it are committed.
func TestCommitterSafely(t *testing.T) {
	err := safely(func(*bbolt.Tx) error { panic("boom") }, nil)
	if err == nil {
		t.Fatal("a panic became no error")
	}
}
