// Package bolt is a Store that keeps call records in a bbolt file: durable
// across restarts of a single server instance, with no server to run. Every
// write is fsynced before it is acknowledged; writes from concurrent calls
// are grouped into one transaction (group commit: those that arrive while
// a commit runs share the next) so that durability costs one fsync per
// group rather than one per call.
//
// The file has two buckets: "records" maps a call id to its encoded record
// (store/internal/recordcodec, versioned binary), and "expiry" holds one key
// per record, the record's ExpiresAt as a big-endian int64 of Unix
// nanoseconds followed by the call id, with an empty value. Sweep is thus a
// range scan from the start of "expiry" up to now.
package bolt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"go.etcd.io/bbolt"

	"github.com/otc-dev/otc/store"
)

// Defaults for zero Options fields.
const (
	// DefaultTimeout is how long Open waits for another process's lock.
	DefaultTimeout = time.Second
	// DefaultMaxBatchSize caps the writes in one transaction.
	DefaultMaxBatchSize = 256
	// DefaultSweepChunk caps the records one Sweep transaction deletes, so
	// that a large sweep does not hold the writer lock for long.
	DefaultSweepChunk = 1000
)

// FileMode is the mode of a new store file: records hold tool responses,
// which are nobody else's business.
const FileMode os.FileMode = 0o600

var (
	recordsBucket = []byte("records")
	expiryBucket  = []byte("expiry")
)

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// Timeout bounds how long Open waits for the file's lock, which another
	// process (or another Open in this one) may hold. Zero means
	// DefaultTimeout. Open never waits forever.
	Timeout time.Duration
	// Now is the clock that decides expiry. Nil means time.Now.
	Now func() time.Time
	// MaxBatchDelay is how long a commit that has taken every queued write
	// waits for more before it starts. Zero means no wait: the writes that
	// arrive while a commit and its fsync run form the next group, which
	// under load groups writes as well as any delay, and never delays a
	// lone write. BenchmarkClaimComplete (32 concurrent callers, 2 cores,
	// virtual disk) measured bbolt's DB.Batch, which waits a fixed delay
	// for each group, at about 8,500 calls/s with 200µs, fewer with longer
	// delays, and 1,100-1,500 calls/s with NoBatch.
	MaxBatchDelay time.Duration
	// MaxBatchSize is the most writes one transaction holds; a full batch
	// commits at once. Zero means DefaultMaxBatchSize.
	MaxBatchSize int
	// NoBatch commits every write in its own transaction, with its own
	// fsync. It gives up throughput under concurrency for the lowest
	// latency of a lone writer, which then never waits MaxBatchDelay.
	NoBatch bool
	// SweepChunk is the most records one Sweep transaction deletes; Sweep
	// runs as many as it needs. Zero means DefaultSweepChunk.
	SweepChunk int
}

// Store is a store.Store in a bbolt file. It is safe for concurrent use by
// one process; bbolt's file lock keeps other processes out.
type Store struct {
	db      *bbolt.DB
	path    string
	now     func() time.Time
	write   func(func(*bbolt.Tx) error) error
	commits *committer // nil with NoBatch
	chunk   int
}

var _ store.Store = (*Store)(nil)

// Open opens the store in the file at path, creating it with FileMode if it
// does not exist. It fails after opts.Timeout when another process holds the
// file, and when the file is not a bbolt database.
func Open(path string, opts Options) (*Store, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	db, err := bbolt.Open(path, FileMode, &bbolt.Options{
		Timeout: timeout,
		// The map freelist keeps commits fast as the file grows and
		// shrinks with the retention window.
		FreelistType: bbolt.FreelistMapType,
		// Not writing the freelist saves pages on every commit, each of
		// them written and fsynced. Records are as durable as before: the
		// freelist is derived data, rebuilt by a scan when the file opens.
		NoFreelistSync: true,
	})
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, fmt.Errorf("bolt: open %s: another process holds the file (waited %s): %w", path, timeout, err)
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	maxBatch := opts.MaxBatchSize
	if maxBatch <= 0 {
		maxBatch = DefaultMaxBatchSize
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{recordsBucket, expiryBucket} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bolt: prepare %s: %w", path, err)
	}
	s := &Store{db: db, path: path, now: opts.Now, write: db.Update, chunk: opts.SweepChunk}
	if s.now == nil {
		s.now = time.Now
	}
	if !opts.NoBatch {
		s.commits = newCommitter(db, maxBatch, max(opts.MaxBatchDelay, 0))
		s.write = s.commits.write
	}
	if s.chunk <= 0 {
		s.chunk = DefaultSweepChunk
	}
	return s, nil
}

// Path returns the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Ping implements store.Store: it reads the file's buckets.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.unavailable("ping", s.db.View(func(tx *bbolt.Tx) error {
		if tx.Bucket(recordsBucket) == nil || tx.Bucket(expiryBucket) == nil {
			return errors.New("buckets missing")
		}
		return nil
	}))
}

// Close closes the file. Later calls fail with store.ErrUnavailable.
func (s *Store) Close() error {
	if s.commits != nil {
		// Writes already queued are committed first; later ones fail.
		s.commits.close()
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("bolt: close %s: %w", s.path, err)
	}
	return nil
}

// unavailable wraps an error of bbolt (closed database, I/O failure) so that
// it reads as store.ErrUnavailable and still unwraps to bbolt's error.
func (s *Store) unavailable(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("bolt %s: %w: %w", op, store.ErrUnavailable, err)
}
