package journal

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
)

// nextName is the file in which the segment after the active one is made
// ready, before it gets its segment name.
const nextName = "next.tmp"

// zeros is what a segment is filled with, a write at a time: shared and
// never written to, so that filling a segment allocates nothing.
var zeros [1 << 20]byte

// fill writes size zero bytes to f: a variable so that tests can stand in
// a disk that is full, or failing.
var fill = zeroFill

// prepared is a file prepared for the next segment, or why it could not be.
type prepared struct {
	f   *os.File
	err error
}

// zeroFill writes size zero bytes at the start of f.
func zeroFill(f *os.File, size int64) error {
	for off := int64(0); off < size; off += int64(len(zeros)) {
		if _, err := f.WriteAt(zeros[:min(int64(len(zeros)), size-off)], off); err != nil {
			return err
		}
	}
	return nil
}

// prepareSegment creates the file of a future segment, named nextName, and
// fills it with size zero bytes, synced. Frames then land in blocks that
// are written already: the fdatasync of a group commits data and no
// metadata (no new file size, no block allocation, no extent conversion),
// and does not wait for a file system journal commit. fallocate(2) is not
// enough: it leaves unwritten extents, and the first write into one
// changes metadata as an append does (BenchmarkClaimComplete, on ext4:
// 41k calls/s appending, 43k with fallocate, 65k with zeros). Copy-on-write
// file systems (btrfs, ZFS) allocate on every write, and gain nothing.
//
// Filling is an optimisation. If it fails (a disk without room for a whole
// segment may still have room for some frames) the file is started over
// empty, and the segment grows by appends.
func prepareSegment(dir string, size int64) (*os.File, error) {
	path := filepath.Join(dir, nextName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, FileMode)
	if err != nil {
		return nil, fmt.Errorf("journal: prepare segment: %w", err)
	}
	if err := fill(f, size); err != nil {
		if err := f.Truncate(0); err != nil {
			f.Close()
			return nil, fmt.Errorf("journal: prepare segment %s: %w", path, err)
		}
	}
	if err := datasync(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: sync %s: %w", path, err)
	}
	return f, nil
}

// installSegment makes f, from prepareSegment, segment seq with salt in its
// header, durably: the header is synced, and so is the directory entry,
// before any frame is written to it. A crash before the header is synced
// leaves a newest segment of zeros, which Open removes.
func installSegment(dir string, f *os.File, seq uint64, salt uint32) (*segment, error) {
	path := filepath.Join(dir, segmentName(seq))
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) { // never replace a segment
		f.Close()
		return nil, fmt.Errorf("journal: create segment %s: %w (%w)", path, fs.ErrExist, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: create segment: %w", err)
	}
	if _, err := f.WriteAt(appendSegmentHeader(nil, salt), 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: write segment header %s: %w", path, err)
	}
	if err := datasync(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: sync segment %s: %w", path, err)
	}
	if err := syncDir(dir); err != nil {
		f.Close()
		return nil, err
	}
	return &segment{seq: seq, path: path, f: f, salt: salt, maxExp: math.MinInt64}, nil
}

// createSegment prepares and installs segment seq at once.
func createSegment(dir string, seq uint64, salt uint32, size int64) (*segment, error) {
	f, err := prepareSegment(dir, size)
	if err != nil {
		return nil, err
	}
	return installSegment(dir, f, seq, salt)
}

// prepareNext starts preparing the next segment's file once the active one
// is three quarters full, off the write path: filling 64 MiB with zeros
// takes tens of milliseconds, which a group waiting for it would add to
// the latency of every call in it. end is where the frames written so far
// end. Only the writer calls it.
func (s *Store) prepareNext(end int64) {
	if s.preparing || end < s.segSize-s.segSize/4 {
		return
	}
	s.preparing = true
	go func() {
		f, err := prepareSegment(s.dir, s.segSize)
		s.next <- prepared{f, err}
	}()
}

// roll starts segment seq: with the file prepared ahead, waiting for it if
// it is not ready yet, or one prepared now. Only the writer calls it.
func (s *Store) roll(seq uint64, salt uint32) (*segment, error) {
	var p prepared
	if s.preparing {
		p = <-s.next
		s.preparing = false
	} else {
		p.f, p.err = prepareSegment(s.dir, s.segSize)
	}
	if p.err != nil {
		return nil, p.err
	}
	return installSegment(s.dir, p.f, seq, salt)
}

// discardNext waits for a preparation in flight and removes its file, when
// the store closes. Only the writer calls it, or Close once the writer has
// stopped.
func (s *Store) discardNext() error {
	if !s.preparing {
		return nil
	}
	p := <-s.next
	s.preparing = false
	if p.f != nil {
		p.f.Close()
	}
	return removeNext(s.dir)
}

// removeNext removes a prepared file that no segment took, if there is one.
func removeNext(dir string) error {
	if err := os.Remove(filepath.Join(dir, nextName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("journal: remove unused segment file: %w", err)
	}
	return nil
}
