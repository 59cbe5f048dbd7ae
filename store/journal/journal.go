package journal

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/internal/expiry"
)

// Defaults for zero Options fields.
const (
	// DefaultTimeout is how long Open waits for another process's lock.
	DefaultTimeout = time.Second
	// DefaultSegmentSize is the size at which the log starts a new segment.
	// Segments are written full of zeros before frames go in, so the log
	// takes disk a whole segment at a time: 64 MiB for an empty store, up
	// to 128 MiB while the next segment is made ready, and du shows it.
	DefaultSegmentSize = 64 << 20
	// DefaultMaxBatchBytes is about the most bytes one group writes.
	DefaultMaxBatchBytes = 4 << 20
	// DefaultMaxRecords bounds the index when Options.MaxRecords is zero:
	// about 300 MB of index at that size (some 300 bytes a record, as
	// measured), whatever the retention and the rate of new call ids.
	DefaultMaxRecords = 1_000_000
)

// Modes of what Open creates: records hold tool responses, which are
// nobody else's business.
const (
	FileMode os.FileMode = 0o600
	DirMode  os.FileMode = 0o700
)

// lockName is the file in the directory that Open locks.
const lockName = "LOCK"

// ErrLocked is wrapped by Open's error when another process (or another
// Store in this one) holds the directory for longer than Options.Timeout.
var ErrLocked = errors.New("journal: directory is locked by another process")

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// Now is the clock that decides expiry. Nil means time.Now.
	Now func() time.Time
	// Timeout bounds how long Open waits for the directory's lock, which
	// another process may hold. Zero means DefaultTimeout. Open never
	// waits forever.
	Timeout time.Duration
	// SegmentSize is the size past which the log starts a new segment
	// file, and the size each segment file is given when it is created.
	// Disk is taken and reclaimed a segment at a time, so smaller segments
	// free space sooner at the cost of more files (each held open). Zero
	// means DefaultSegmentSize.
	SegmentSize int64
	// MaxBatchBytes is about the most bytes one group writes: a write that
	// would take the group past it waits for the next group, unless the
	// group is empty (a frame larger than it is written alone). Zero means
	// DefaultMaxBatchBytes.
	MaxBatchBytes int
	// MaxRecords bounds how many live records the index holds, as
	// store/memory's Options.MaxRecords does: a client may create new
	// call ids as fast as its rate limit allows for the whole retention.
	// When the index is full and no expired record can make room, the
	// finished record closest to expiry is forgotten (so idempotency holds
	// for the most recent MaxRecords calls); only when that record is
	// still running, or its claim is still syncing, does Claim fail with
	// an error wrapping store.ErrUnavailable. A forgotten record leaves
	// the index only; its frames stay on disk until their segment expires,
	// and Open applies the same bound after replay so that it does not
	// come back (see Recovery.Forgotten). Running records are never
	// forgotten, so Open keeps those a previous process left even beyond
	// the bound: their outcome is what a repeat must learn. Zero means
	// DefaultMaxRecords; a negative value means no bound.
	MaxRecords int
}

// Recovery reports what Open found on disk, for the server to log.
type Recovery struct {
	// Segments is the number of segment files read.
	Segments int
	// Records is the number of live records in the index after replay.
	Records int
	// Forgotten is the number of finished records replay found live on
	// disk but left out of the index to keep it within
	// Options.MaxRecords: mostly those a previous process had forgotten
	// already, whose frames were waiting for their segment to expire.
	Forgotten int
	// TornBytes were zeroed at the end of the newest segment: a write that
	// was interrupted and never acknowledged. Free space (zeros after the
	// last frame) is not counted.
	TornBytes int64
	// CorruptFrames counts damage found anywhere else: each run of bytes
	// skipped to reach the next valid frame, each frame whose checksum held
	// but whose content did not decode, each segment whose header was
	// unreadable. Nonzero means the disk lost data.
	CorruptFrames int
	// SkippedBytes is the total size of that damage.
	SkippedBytes int64
}

// Store is a store.Store in an append-only log in a directory. It is safe
// for concurrent use by one process; a lock keeps other processes out.
type Store struct {
	dir      string
	now      func() time.Time
	segSize  int64
	maxBatch int
	// maxRecs is Options.MaxRecords, math.MaxInt for no bound, so that a
	// claim's check is one comparison.
	maxRecs  int
	recovery Recovery
	lock     *os.File
	wseg     *segment // the segment being appended to; the writer's own
	// next delivers the file prepared for the next segment while
	// preparing, which is the writer's own (see prepareNext).
	next      chan prepared
	preparing bool
	kick      chan struct{} // wakes the writer for a group's first frame
	done      chan struct{} // closed when the writer has stopped

	mu sync.Mutex
	// cond (on mu) is broadcast when a group is taken for writing (room
	// for more frames) and when a claim or release settles.
	cond      sync.Cond
	index     map[string]*entry
	byExp     expiry.Heap[*entry]
	segs      map[uint64]*segment // every segment in the log
	active    uint64              // the newest segment's sequence number
	open      *group              // the group that new frames join
	spare     []byte              // a written group's buffer, for reuse
	closing   bool
	failed    error    // the write failure that stopped writes, for good
	condemned []string // segment files Sweep failed to delete, to retry
	forgotten int64    // finished records Claim forgot to keep the bound
	syncHook  func() error

	// filesMu is held for reading while a frame is read back, and for
	// writing while segment files are closed, so that a read never meets
	// a file closed under it.
	filesMu sync.RWMutex
}

var _ store.Store = (*Store)(nil)

// Open opens the log in dir, creating the directory with DirMode if it does
// not exist, and replays it (see Recovery). It fails after opts.Timeout when
// another process holds the directory, with an error wrapping ErrLocked, and
// when a segment has another format version (*VersionError).
func Open(dir string, opts Options) (*Store, error) {
	s := &Store{dir: dir, now: opts.Now, segSize: opts.SegmentSize, maxBatch: opts.MaxBatchBytes, maxRecs: opts.MaxRecords,
		index: make(map[string]*entry), segs: make(map[uint64]*segment),
		kick: make(chan struct{}, 1), done: make(chan struct{}), next: make(chan prepared, 1)}
	s.cond.L = &s.mu
	if s.now == nil {
		s.now = time.Now
	}
	if s.segSize <= 0 {
		s.segSize = DefaultSegmentSize
	}
	if s.maxBatch <= 0 {
		s.maxBatch = DefaultMaxBatchBytes
	}
	switch {
	case s.maxRecs == 0:
		s.maxRecs = DefaultMaxRecords
	case s.maxRecs < 0:
		s.maxRecs = math.MaxInt
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if err := makeDir(dir); err != nil {
		return nil, err
	}
	lock, err := lockFile(filepath.Join(dir, lockName), timeout)
	if err != nil {
		return nil, fmt.Errorf("journal: open %s: %w", dir, err)
	}
	s.lock = lock
	if err := s.load(); err != nil {
		for _, seg := range s.segs {
			seg.f.Close()
		}
		lock.Close()
		return nil, err
	}
	go s.writeLoop()
	return s, nil
}

// makeDir creates dir if it is missing, durably.
func makeDir(dir string) error {
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		return nil // a file in the way fails the listing, with its name
	}
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return fmt.Errorf("journal: create %s: %w", dir, err)
	}
	return syncDir(filepath.Dir(dir))
}

// Dir returns the directory the store was opened in.
func (s *Store) Dir() string { return s.dir }

// Recovery returns what Open found on disk.
func (s *Store) Recovery() Recovery { return s.recovery }

// Ping implements store.Store: it fails once the store is closed, or once a
// write failed and the store stopped writing.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writable()
}

// Close writes and syncs the writes already queued, then closes the files
// and releases the directory. Later calls fail with store.ErrUnavailable.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		<-s.done
		return nil
	}
	s.closing = true
	s.cond.Broadcast() // waiters give up
	s.mu.Unlock()
	s.wake()
	<-s.done

	s.mu.Lock()
	segs := s.segs
	s.segs = nil
	s.mu.Unlock()
	var errs []error
	if err := s.discardNext(); err != nil { // the writer has stopped
		errs = append(errs, err)
	}
	s.filesMu.Lock()
	for _, seg := range segs {
		if err := seg.f.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	s.filesMu.Unlock()
	if err := s.lock.Close(); err != nil { // closing releases the flock
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("journal: close %s: %w", s.dir, err)
	}
	return nil
}

// readable reports why the store cannot serve a read. s.mu is held.
func (s *Store) readable() error {
	if s.closing {
		return fmt.Errorf("journal: %w: the store is closed", store.ErrUnavailable)
	}
	return nil
}

// writable reports why the store cannot take a write. s.mu is held.
func (s *Store) writable() error {
	if err := s.readable(); err != nil {
		return err
	}
	if s.failed != nil {
		return fmt.Errorf("journal: %w: a write failed, and the store takes none until it is reopened: %w", store.ErrUnavailable, s.failed)
	}
	return nil
}

// insert adds e to the index and the expiry heap. s.mu is held.
func (s *Store) insert(e *entry) {
	s.index[e.id] = e
	heap.Push(&s.byExp, e)
}

// drop removes e from the index and the expiry heap, as far as it is still
// in them: Sweep or a new claim may have removed it while a write of it
// was syncing. s.mu is held.
func (s *Store) drop(e *entry) {
	if e.heapIdx >= 0 {
		heap.Remove(&s.byExp, e.heapIdx)
	}
	if s.index[e.id] == e {
		delete(s.index, e.id)
	}
}
