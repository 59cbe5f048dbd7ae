package journal_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/journal"
)

// fuzzNow is the fuzz target's fixed clock.
var fuzzNow = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// FuzzOpen replays arbitrary bytes as the only segment of a log. Open must
// not panic, must not allocate far beyond the input's size whatever its
// length fields say, and must leave a log that a second Open reads the same
// way with no further repair. Seeds (testdata/fuzz/FuzzOpen and below) are
// real segments: claims, completions, releases and expired records, whole,
// torn and damaged, filled ahead (zeros after the frames) and appended.
func FuzzOpen(f *testing.F) {
	valid := seedSegment(f) // filled with zeros ahead: free space after the frames
	end := journal.FramesEnd(valid)
	appended := valid[:end] // as on a disk without room to fill a segment
	f.Add(valid)
	f.Add(appended)
	f.Add(appended[:end-3])
	tornInFree := bytes.Clone(valid)
	clear(tornInFree[end-3 : end])
	f.Add(tornInFree)
	damaged := bytes.Clone(appended)
	damaged[end/2] ^= 0x40
	f.Add(damaged)
	f.Add(valid[:16])
	fresh := bytes.Clone(valid)
	clear(fresh[16:])
	f.Add(fresh)
	f.Add(make([]byte, len(valid))) // filled, the header never written
	f.Add([]byte{})
	f.Fuzz(replayTwice)
}

// FuzzReplay is FuzzOpen with frames whose checksums hold (see
// journal.SegmentOf), so that fuzzed payloads reach the decoding of call
// ids, records and tombstones, and the index built from them.
func FuzzReplay(f *testing.F) {
	f.Add(journal.FramesOf(seedSegment(f)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, frames []byte) { replayTwice(t, journal.SegmentOf(frames)) })
}

// replayTwice opens a log whose only segment is data, closes it, opens it
// again, and checks what FuzzOpen promises.
func replayTwice(t *testing.T, data []byte) {
	dir := t.TempDir()
	path := filepath.Join(dir, journal.SegmentName(1))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	opts := journal.Options{Now: func() time.Time { return fuzzNow }, SegmentSize: 4 << 10}

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s, err := journal.Open(dir, opts)
	runtime.ReadMemStats(&after)
	var verr *journal.VersionError
	if errors.As(err, &verr) {
		return // a newer format is refused, not guessed at
	}
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if grew, limit := after.TotalAlloc-before.TotalAlloc, 64*uint64(len(data))+4<<20; grew > limit {
		t.Errorf("Open of %d bytes allocated %d bytes, more than %d", len(data), grew, limit)
	}
	first, firstRecovery := snapshot(t, s), s.Recovery()
	closeStore(t, s)
	sizes := fileSizes(t, dir)

	s, err = journal.Open(dir, opts)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer s.Close()
	second, secondRecovery := snapshot(t, s), s.Recovery()
	if diff := cmp.Diff(first, second, recordOpts); diff != "" {
		t.Errorf("records differ between the first and the second Open (-first +second):\n%s", diff)
	}
	want := firstRecovery
	want.TornBytes = 0 // cut off the first time
	want.Segments = len(sizes)
	if diff := cmp.Diff(want, secondRecovery); diff != "" {
		t.Errorf("second Open's Recovery (-want +got):\n%s\nfirst: %+v", diff, firstRecovery)
	}
	if diff := cmp.Diff(sizes, fileSizes(t, dir)); diff != "" {
		t.Errorf("the second Open changed files (-before +after):\n%s", diff)
	}
}

// snapshot returns every record in s's index, read through Get.
func snapshot(t *testing.T, s *journal.Store) map[string]store.Record {
	t.Helper()
	records := make(map[string]store.Record)
	for _, id := range journal.IDs(s) {
		r, err := s.Get(context.Background(), id)
		if err != nil {
			t.Fatalf("Get(%q) of a replayed record: %v", id, err)
		}
		records[id] = r
	}
	return records
}

// fileSizes returns the size of each segment file in dir.
func fileSizes(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	sizes := make(map[string]int64)
	for _, path := range segments(t, dir) {
		sizes[filepath.Base(path)] = size(t, path)
	}
	return sizes
}

// seedSegment returns the bytes of a segment written by a store: claims,
// completions, a release, and records that are expired at fuzzNow.
func seedSegment(tb testing.TB) []byte {
	tb.Helper()
	dir := tb.TempDir()
	ctx := context.Background()
	now := fuzzNow.Add(-time.Hour)
	s, err := journal.Open(dir, journal.Options{Now: func() time.Time { return now }, SegmentSize: 2 << 10})
	if err != nil {
		tb.Fatal(err)
	}
	for i, ttl := range []time.Duration{2 * time.Hour, 2 * time.Hour, time.Minute, 2 * time.Hour} {
		id := string(rune('a' + i))
		r := store.Record{CallID: id, Digest: "digest", Owner: "i", OwnerBoot: "b", CreatedAt: now, LeaseUntil: now.Add(time.Minute), ExpiresAt: now.Add(ttl)}
		if _, _, err := s.Claim(ctx, r); err != nil {
			tb.Fatal(err)
		}
	}
	for _, id := range []string{"a", "c"} {
		if err := s.Complete(ctx, id, []byte(`{"success":true,"id":"`+id+`"}`)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := s.Release(ctx, "b"); err != nil {
		tb.Fatal(err)
	}
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, journal.SegmentName(2))); err == nil {
		tb.Fatal("the seed's frames did not fit in one segment")
	}
	data, err := os.ReadFile(filepath.Join(dir, journal.SegmentName(1)))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
