package journal_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/journal"
	"github.com/otc-dev/otc/store/storetest"
)

// openTemp opens a store in a fresh directory that the test closes.
func openTemp(t *testing.T, opts journal.Options) *journal.Store {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "journal"), opts)
}

// corrupt plants a completion whose frame fails its checksum.
func corrupt(t *testing.T, s store.Store, callID string, expiresAt time.Time) {
	t.Helper()
	if err := journal.PlantCorrupt(s.(*journal.Store), callID, expiresAt); err != nil {
		t.Fatal(err)
	}
}

// OTC: CALL-6
func TestSuite(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts journal.Options
	}{
		{"Default", journal.Options{}},
		// Every group starts a segment, so that the suite's sweeps delete
		// segment files as well as index entries.
		{"TinySegments", journal.Options{SegmentSize: 1}},
		// Every frame is a group of its own.
		{"TinyBatches", journal.Options{MaxBatchBytes: 1}},
		// Segments grow by appends, as on a disk without room to fill them.
		{"Unfilled", journal.Options{SegmentSize: 64 << 10}},
		// A bound just above the suite's largest case (OddCallIDs keeps 11
		// records, and checks that each kept its own): the suite must pass
		// through the bounded claim path unchanged. Forgetting and refusing
		// are TestMaxRecords'.
		{"SmallIndex", journal.Options{MaxRecords: 16}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "Unfilled" {
				journal.SetFill(t, noRoom)
			}
			storetest.Run(t, storetest.Config{
				New: func(t *testing.T, now func() time.Time) store.Store {
					opts := tc.opts
					opts.Now = now
					return openTemp(t, opts)
				},
				Corrupt: corrupt,
			})
		})
	}
}

func TestOpenLockedFails(t *testing.T) {
	dir := t.TempDir()
	first := open(t, dir, journal.Options{})
	// flock locks belong to open files, so a second Open in this process
	// meets the lock exactly as another process would.
	const timeout = 100 * time.Millisecond
	began := time.Now()
	second, err := journal.Open(dir, journal.Options{Timeout: timeout})
	if err == nil {
		second.Close()
		t.Fatal("second Open of a held directory succeeded")
	}
	if !errors.Is(err, journal.ErrLocked) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("second Open: %v; want ErrLocked, naming the directory", err)
	}
	if waited := time.Since(began); waited < timeout {
		t.Fatalf("second Open gave up after %s, before its timeout of %s", waited, timeout)
	}
	closeStore(t, first)
	third := open(t, dir, journal.Options{Timeout: timeout})
	closeStore(t, third)
}

func TestFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "journal")
	s := open(t, dir, journal.Options{})
	mustClaim(t, s, rec(storetest.NewClock(time.Now()), "a", time.Hour))
	for _, path := range append([]string{filepath.Join(dir, "LOCK")}, segments(t, dir)...) {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != journal.FileMode {
			t.Errorf("%s: mode %v, want %v", filepath.Base(path), got, journal.FileMode)
		}
	}
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != journal.DirMode {
		t.Errorf("directory mode %v, want %v", got, journal.DirMode)
	}
}

func TestOpenNotADirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := journal.Open(path, journal.Options{Timeout: 10 * time.Millisecond})
	if err == nil {
		s.Close()
		t.Fatal("Open of a file succeeded")
	}
	if !strings.Contains(err.Error(), path) {
		t.Fatalf("Open error %q does not name the path", err)
	}
}
