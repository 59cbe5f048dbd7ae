package journal_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/journal"
	"github.com/otc-dev/otc/store/storetest"
)

// segSize is the segment size of these tests: a few frames' worth.
const segSize = 4 << 10

// nextFile is where a store prepares its next segment.
const nextFile = "next.tmp"

// TestFreeSpace reopens a segment with free space after its frames: no
// damage is reported, the next write goes right after the last frame, and
// reopening changes nothing.
func TestFreeSpace(t *testing.T) {
	clock := storetest.NewClock(start)
	opts := journal.Options{Now: clock.Now, SegmentSize: segSize}
	dir := t.TempDir()
	s := open(t, dir, opts)
	a := rec(clock, "a", time.Hour)
	mustClaim(t, s, a)
	mustComplete(t, s, "a", []byte(`"a"`))
	_, end := journal.WriteOffset(s)
	closeStore(t, s)
	path := newest(t, dir)
	if got := size(t, path); got != segSize {
		t.Fatalf("segment is %d bytes; want it filled to %d", got, segSize)
	}

	var files [][]byte // the segment after each reopen
	for i := range 3 {
		s = open(t, dir, opts)
		want := journal.Recovery{Segments: 1, Records: 1 + min(i, 1)}
		if diff := cmp.Diff(want, s.Recovery()); diff != "" {
			t.Fatalf("reopen %d: Recovery (-want +got):\n%s", i, diff)
		}
		if _, off := journal.WriteOffset(s); off != end {
			t.Fatalf("reopen %d: the next write goes to %d, want %d", i, off, end)
		}
		wantRecord(t, s, "a", done(running(a), []byte(`"a"`)))
		if i == 0 {
			b := rec(clock, "b", time.Hour)
			mustClaim(t, s, b)
			_, end = journal.WriteOffset(s)
		}
		closeStore(t, s)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	if !bytes.Equal(files[1], files[2]) {
		t.Error("a reopen with nothing to repair changed the segment")
	}
}

// TestRoll fills segments and rolls into new ones, prepared ahead: each is
// created at its full size, all of them replay without damage, and no
// prepared file is left behind.
func TestRoll(t *testing.T) {
	clock := storetest.NewClock(start)
	opts := journal.Options{Now: clock.Now, SegmentSize: segSize}
	dir := t.TempDir()
	s := open(t, dir, opts)
	response := bigResponse(1000)
	var ids []string
	for i := 0; len(segments(t, dir)) < 3; i++ {
		id := string(rune('a' + i))
		mustClaim(t, s, rec(clock, id, time.Hour))
		mustComplete(t, s, id, response)
		ids = append(ids, id)
	}
	seq, off := journal.WriteOffset(s)
	closeStore(t, s)
	if _, err := os.Stat(filepath.Join(dir, nextFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Close left the next segment's file behind: %v", err)
	}

	paths := segments(t, dir)
	for _, path := range paths {
		if got := size(t, path); got < segSize {
			t.Errorf("%s is %d bytes; want it filled to %d", filepath.Base(path), got, segSize)
		}
	}
	s = open(t, dir, opts)
	want := journal.Recovery{Segments: len(paths), Records: len(ids)}
	if diff := cmp.Diff(want, s.Recovery()); diff != "" {
		t.Errorf("Recovery (-want +got):\n%s", diff)
	}
	if gotSeq, gotOff := journal.WriteOffset(s); gotSeq != seq || gotOff != off {
		t.Errorf("the next write goes to segment %d at %d, want %d at %d", gotSeq, gotOff, seq, off)
	}
	for _, id := range ids {
		got, err := s.Get(t.Context(), id)
		if err != nil || got.State != store.Done || !bytes.Equal(got.Response, response) {
			t.Fatalf("Get(%q) = %s, %d bytes, %v; want its response", id, got.State, len(got.Response), err)
		}
	}
}

// TestLeftoverNextFile opens a log with the next segment's file left by a
// crash while it was prepared: it is not a segment, and is removed.
func TestLeftoverNextFile(t *testing.T) {
	clock := storetest.NewClock(start)
	opts := journal.Options{Now: clock.Now, SegmentSize: segSize}
	dir := t.TempDir()
	s := open(t, dir, opts)
	a := rec(clock, "a", time.Hour)
	mustClaim(t, s, a)
	closeStore(t, s)
	next := filepath.Join(dir, nextFile)
	if err := os.WriteFile(next, make([]byte, segSize/2), 0o600); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, opts)
	wantRecord(t, s, "a", running(a))
	if diff := cmp.Diff(journal.Recovery{Segments: 1, Records: 1}, s.Recovery()); diff != "" {
		t.Errorf("Recovery (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(next); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open kept the leftover file: %v", err)
	}
}

// TestFillFails covers disks where filling a segment with zeros fails: the
// segment is then appended to, as it would be without the filling.
func TestFillFails(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"NoSpace", noRoom(nil, 0)},
		{"IOError", &fs.PathError{Op: "write", Path: nextFile, Err: syscall.EIO}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls int
			journal.SetFill(t, func(*os.File, int64) error {
				calls++
				return tc.err
			})
			clock := storetest.NewClock(start)
			opts := journal.Options{Now: clock.Now, SegmentSize: segSize}
			dir := t.TempDir()
			s := open(t, dir, opts)
			response := bigResponse(1000)
			for i := range 8 { // two segments and more
				id := string(rune('a' + i))
				mustClaim(t, s, rec(clock, id, time.Hour))
				mustComplete(t, s, id, response)
			}
			mustClaim(t, s, rec(clock, "last", time.Hour)) // into the newest segment file
			seq, off := journal.WriteOffset(s)
			closeStore(t, s)
			paths := segments(t, dir)
			if len(paths) < 2 || calls < len(paths) {
				t.Fatalf("%d segments, %d fills; want more than one segment, each filled", len(paths), calls)
			}
			if got := size(t, paths[len(paths)-1]); got != off {
				t.Errorf("the newest segment is %d bytes; want %d, the end of its frames", got, off)
			}
			s = open(t, dir, opts)
			want := journal.Recovery{Segments: len(paths), Records: 9}
			if diff := cmp.Diff(want, s.Recovery()); diff != "" {
				t.Errorf("Recovery (-want +got):\n%s", diff)
			}
			if gotSeq, gotOff := journal.WriteOffset(s); gotSeq != seq || gotOff != off {
				t.Errorf("the next write goes to segment %d at %d, want %d at %d", gotSeq, gotOff, seq, off)
			}
		})
	}
}
