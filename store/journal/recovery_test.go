package journal_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
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

func TestReopenKeepsRecords(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts journal.Options
	}{
		{"OneSegment", journal.Options{}},
		{"SegmentPerGroup", journal.Options{SegmentSize: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := storetest.NewClock(start)
			opts := tc.opts
			opts.Now = clock.Now
			dir := filepath.Join(t.TempDir(), "journal")
			ctx := context.Background()
			s := open(t, dir, opts)

			big := rec(clock, "big", time.Hour)
			small := rec(clock, "small", time.Hour)
			run := rec(clock, "running", time.Hour)
			released := rec(clock, "released", time.Hour)
			short := rec(clock, "short", time.Minute)
			for _, r := range []store.Record{big, small, run, released, short} {
				mustClaim(t, s, r)
			}
			bigBody := bigResponse(3 << 20)
			mustComplete(t, s, "big", bigBody)
			mustComplete(t, s, "small", []byte(`{"success":true}`))
			mustComplete(t, s, "short", []byte(`1`))
			if err := s.Release(ctx, "released"); err != nil {
				t.Fatal(err)
			}
			closeStore(t, s)

			clock.Advance(time.Minute) // "short" expires while the store is closed
			files := len(segments(t, dir))
			s = open(t, dir, opts)
			wantRecord(t, s, "big", done(running(big), bigBody))
			wantRecord(t, s, "small", done(running(small), []byte(`{"success":true}`)))
			wantRecord(t, s, "running", running(run))
			wantGone(t, s, "released")
			wantGone(t, s, "short")
			want := journal.Recovery{Segments: files, Records: 3}
			if diff := cmp.Diff(want, s.Recovery()); diff != "" {
				t.Errorf("Recovery (-want +got):\n%s", diff)
			}
			// The expiry heap was rebuilt: a sweep finds the records.
			if n, err := s.Sweep(ctx, clock.Now().Add(time.Hour)); err != nil || n != 3 {
				t.Errorf("Sweep after reopen = %d, %v; want 3, nil", n, err)
			}
			// A released id is free again, and the store takes writes.
			again := rec(clock, "released", time.Hour)
			mustClaim(t, s, again)
			closeStore(t, s)
			s = open(t, dir, opts)
			wantRecord(t, s, "released", running(again))
		})
	}
}

// TestTornTail cuts the last frame of the newest segment at every length,
// as a crash in the middle of its write would, and reopens. In a segment
// filled with zeros ahead the bytes never written read back as zeros; in
// one that is appended to (the disk had no room to fill it), the file ends
// where the write stopped.
func TestTornTail(t *testing.T) {
	for _, tc := range []struct {
		name     string
		prealloc bool
	}{
		{"Preallocated", true},
		{"Appended", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.prealloc {
				journal.SetFill(t, noRoom)
			}
			clock := storetest.NewClock(start)
			opts := journal.Options{Now: clock.Now, SegmentSize: 4 << 10}
			dir := t.TempDir()
			s := open(t, dir, opts)
			kept := rec(clock, "kept", time.Hour)
			mustClaim(t, s, kept)
			mustComplete(t, s, "kept", []byte(`"kept"`))
			torn := rec(clock, "torn", time.Hour)
			mustClaim(t, s, torn)
			_, before := journal.WriteOffset(s)
			mustComplete(t, s, "torn", []byte(`{"result":"the frame that is cut"}`))
			_, after := journal.WriteOffset(s)
			closeStore(t, s)
			path := filepath.Base(newest(t, dir))
			whole, err := os.ReadFile(filepath.Join(dir, path))
			if err != nil {
				t.Fatal(err)
			}
			if got := int64(len(whole)) > after; got != tc.prealloc {
				t.Fatalf("segment of %d bytes with frames up to %d: free space after them is %v, want %v", len(whole), after, got, tc.prealloc)
			}

			for cut := before; cut < after; cut++ {
				d := copyDir(t, dir)
				seg := filepath.Join(d, path)
				lost := whole[cut:after]
				if !tc.prealloc {
					lost = whole[cut:]
				}
				damaged := append(bytes.Clone(whole[:cut]), make([]byte, len(lost))...)
				if !tc.prealloc {
					damaged = damaged[:cut]
				}
				damaged = append(damaged, whole[cut+int64(len(lost)):]...)
				if err := os.WriteFile(seg, damaged, 0o600); err != nil {
					t.Fatal(err)
				}
				s, err := journal.Open(d, opts)
				if err != nil {
					t.Fatalf("cut at %d: Open: %v", cut, err)
				}
				wantRecord(t, s, "kept", done(running(kept), []byte(`"kept"`)))
				wantRecord(t, s, "torn", running(torn)) // its completion was never acknowledged
				// Zeros at the end of what was written look like free space
				// and are not counted.
				tornBytes := int64(len(bytes.TrimRight(whole[before:cut], "\x00")))
				want := journal.Recovery{Segments: 1, Records: 2, TornBytes: tornBytes}
				if diff := cmp.Diff(want, s.Recovery()); diff != "" {
					t.Fatalf("cut at %d: Recovery (-want +got):\n%s", cut, diff)
				}
				if _, off := journal.WriteOffset(s); off != before {
					t.Fatalf("cut at %d: the next write goes to %d, want %d", cut, off, before)
				}
				got, err := os.ReadFile(seg)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(damaged) || !bytes.Equal(got[:before], whole[:before]) || len(bytes.TrimRight(got[before:], "\x00")) != 0 {
					t.Fatalf("cut at %d: after Open the segment is %d bytes, want %d, holding the frames before %d and only zeros after them", cut, len(got), len(damaged), before)
				}
				// A shorter frame where the torn one was: nothing of the
				// torn one may be read after it.
				mustComplete(t, s, "torn", []byte(`"again"`))
				closeStore(t, s)
				s = open(t, d, opts)
				wantRecord(t, s, "torn", done(running(torn), []byte(`"again"`)))
				if r := s.Recovery(); r.TornBytes != 0 || r.CorruptFrames != 0 {
					t.Fatalf("cut at %d: second Open found damage: %+v", cut, r)
				}
				closeStore(t, s)
			}
		})
	}
}

// noRoom stands for a disk without room to fill a whole segment.
func noRoom(*os.File, int64) error {
	return fmt.Errorf("write: %w", syscall.ENOSPC)
}

// TestCorruptFrame damages one frame in the middle of a segment: Open
// skips exactly that frame and keeps the others.
func TestCorruptFrame(t *testing.T) {
	for _, tc := range []struct {
		name string
		at   int64 // offset in the damaged frame
	}{
		{"Magic", 0},
		{"Kind", 1},
		{"LengthHigh", 2},
		{"LengthLow", 5},
		{"Checksum", 8},
		{"CallID", 12},
		{"LastByte", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := storetest.NewClock(start)
			opts := journal.Options{Now: clock.Now}
			dir := t.TempDir()
			s := open(t, dir, opts)
			var bounds []int64 // where each claim's frame starts, and the end
			records := []store.Record{rec(clock, "a", time.Hour), rec(clock, "b", time.Hour), rec(clock, "c", time.Hour)}
			for _, r := range records {
				_, off := journal.WriteOffset(s)
				bounds = append(bounds, off)
				mustClaim(t, s, r)
			}
			_, off := journal.WriteOffset(s)
			bounds = append(bounds, off)
			closeStore(t, s)
			fileSize := size(t, newest(t, dir))

			at := bounds[1] + tc.at
			if tc.at < 0 {
				at = bounds[2] + tc.at
			}
			flip(t, newest(t, dir), at)
			s = open(t, dir, opts)
			wantRecord(t, s, "a", running(records[0]))
			wantGone(t, s, "b")
			wantRecord(t, s, "c", running(records[2]))
			want := journal.Recovery{Segments: 1, Records: 2, CorruptFrames: 1, SkippedBytes: bounds[2] - bounds[1]}
			if diff := cmp.Diff(want, s.Recovery()); diff != "" {
				t.Errorf("Recovery (-want +got):\n%s", diff)
			}
			if _, off := journal.WriteOffset(s); off != bounds[3] {
				t.Errorf("the next write goes to %d, want %d: damage before valid frames is not a torn tail", off, bounds[3])
			}
			if got := size(t, newest(t, dir)); got != fileSize {
				t.Errorf("segment is %d bytes after Open, want %d untouched", got, fileSize)
			}
		})
	}
}

// TestCorruptOlderSegment damages the last frame of a segment that is not
// the newest: that is corruption, never a torn write, and the file is left
// as it is.
func TestCorruptOlderSegment(t *testing.T) {
	clock := storetest.NewClock(start)
	opts := journal.Options{Now: clock.Now, SegmentSize: 1} // a segment per group
	dir := t.TempDir()
	s := open(t, dir, opts)
	a, b := rec(clock, "a", time.Hour), rec(clock, "b", time.Hour)
	mustClaim(t, s, a)
	mustClaim(t, s, b)
	closeStore(t, s)
	first := segments(t, dir)[0]
	firstSize := size(t, first)
	flip(t, first, firstSize-1)

	s = open(t, dir, opts)
	wantGone(t, s, "a")
	wantRecord(t, s, "b", running(b))
	if r := s.Recovery(); r.CorruptFrames != 1 || r.TornBytes != 0 || r.SkippedBytes != firstSize-16 {
		t.Errorf("Recovery = %+v; want 1 corrupt frame of %d bytes, nothing torn", r, firstSize-16)
	}
	if got := size(t, first); got != firstSize {
		t.Errorf("older segment is %d bytes after Open, want %d untouched", got, firstSize)
	}
}

// TestSegmentHeader covers segments whose header is missing or damaged.
func TestSegmentHeader(t *testing.T) {
	t.Run("TornNewest", func(t *testing.T) {
		for i := range int64(2 * 16) {
			// A segment created just before a crash, its header cut short:
			// appended to, or filled with zeros ahead (zeros after the cut).
			cut, free := i%16, i/16*(4<<10)
			clock := storetest.NewClock(start)
			opts := journal.Options{Now: clock.Now, SegmentSize: 4 << 10}
			dir := t.TempDir()
			s := open(t, dir, opts)
			a := rec(clock, "a", time.Hour)
			mustClaim(t, s, a)
			closeStore(t, s)
			torn := filepath.Join(dir, journal.SegmentName(2))
			header := append([]byte("OTCJRNL\x01salt+crc")[:cut], make([]byte, free)...)
			if err := os.WriteFile(torn, header, 0o600); err != nil {
				t.Fatal(err)
			}
			s = open(t, dir, opts)
			wantRecord(t, s, "a", running(a))
			if r := s.Recovery(); r.TornBytes != cut || r.CorruptFrames != 0 {
				t.Fatalf("cut at %d, %d bytes free: Recovery = %+v; want %d torn bytes", cut, free, r, cut)
			}
			if _, err := os.Stat(torn); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("cut at %d, %d bytes free: the torn segment is still there: %v", cut, free, err)
			}
			mustClaim(t, s, rec(clock, "b", time.Hour))
			closeStore(t, s)
		}
	})
	t.Run("Damaged", func(t *testing.T) {
		clock := storetest.NewClock(start)
		opts := journal.Options{Now: clock.Now, SegmentSize: 1}
		dir := t.TempDir()
		s := open(t, dir, opts)
		a, b := rec(clock, "a", time.Hour), rec(clock, "b", time.Hour)
		mustClaim(t, s, a)
		mustClaim(t, s, b)
		closeStore(t, s)
		first := segments(t, dir)[0]
		flip(t, first, 9) // in the salt: the checksum no longer holds
		s = open(t, dir, opts)
		wantGone(t, s, "a")
		wantRecord(t, s, "b", running(b))
		if r := s.Recovery(); r.CorruptFrames != 1 || r.SkippedBytes != size(t, first) {
			t.Errorf("Recovery = %+v; want the whole first segment skipped", r)
		}
		// Nothing in it can be read, so the first Sweep deletes it.
		if _, err := s.Sweep(context.Background(), clock.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(first); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the damaged segment survived a Sweep: %v", err)
		}
	})
	t.Run("NewerVersion", func(t *testing.T) {
		dir := t.TempDir()
		s := open(t, dir, journal.Options{})
		closeStore(t, s)
		path := newest(t, dir)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b[7] = journal.FormatVersion + 1
		binary.BigEndian.PutUint32(b[12:16], crc32.Checksum(b[:12], crc32.MakeTable(crc32.Castagnoli)))
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err = journal.Open(dir, journal.Options{})
		var verr *journal.VersionError
		if !errors.As(err, &verr) || verr.Version != journal.FormatVersion+1 {
			if s != nil {
				s.Close()
			}
			t.Fatalf("Open of a newer format: %v; want a *VersionError", err)
		}
		// The refusal left the files alone and the directory unlocked.
		if got, err := os.ReadFile(path); err != nil || string(got) != string(b) {
			t.Fatalf("the newer segment changed: %v", err)
		}
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		closeStore(t, open(t, dir, journal.Options{Timeout: 10 * time.Millisecond}))
	})
}

// flip inverts the byte at off in the file at path.
func flip(t *testing.T, path string, off int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[off] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
