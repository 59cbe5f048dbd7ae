package bolt_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.etcd.io/bbolt"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/bolt"
	"github.com/otc-dev/otc/store/storetest"
)

// openTemp opens a store in a fresh file that the test closes.
func openTemp(t *testing.T, opts bolt.Options) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(filepath.Join(t.TempDir(), "calls.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// corrupt plants bytes that no version of the format decodes.
func corrupt(t *testing.T, s store.Store, callID string, expiresAt time.Time) {
	t.Helper()
	if err := bolt.PutRaw(s.(*bolt.Store), callID, []byte("\xffnot a record"), expiresAt); err != nil {
		t.Fatal(err)
	}
}

// OTC: CALL-6
func TestSuite(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts bolt.Options
	}{
		{"Batch", bolt.Options{}},
		{"NoBatch", bolt.Options{NoBatch: true}},
		{"TinySweepChunks", bolt.Options{SweepChunk: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
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

func TestReopenKeepsRecords(t *testing.T) {
	clock := storetest.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	path := filepath.Join(t.TempDir(), "calls.db")
	ctx := context.Background()
	s, err := bolt.Open(path, bolt.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	done := store.Record{CallID: "done", Digest: "d1", Owner: "i", OwnerBoot: "b",
		CreatedAt: clock.Now(), LeaseUntil: clock.Now().Add(time.Minute), ExpiresAt: clock.Now().Add(time.Hour)}
	running := store.Record{CallID: "running", Digest: "d2", ExpiresAt: clock.Now().Add(time.Minute)}
	for _, rec := range []store.Record{done, running} {
		if _, _, err := s.Claim(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Complete(ctx, "done", []byte(`{"success":true}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = bolt.Open(path, bolt.Options{Now: clock.Now})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, err := s.Get(ctx, "done")
	if err != nil {
		t.Fatal(err)
	}
	done.State, done.Response = store.Done, []byte(`{"success":true}`)
	if diff := cmp.Diff(done, got, cmp.Comparer(time.Time.Equal)); diff != "" {
		t.Fatalf("record after reopen (-want +got):\n%s", diff)
	}
	// The expiry index survived too: a sweep finds the running record.
	n, err := s.Sweep(ctx, clock.Now().Add(2*time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("Sweep after reopen = %d, %v; want 1, nil", n, err)
	}
}

func TestOpenLockedFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "calls.db")
	first, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	// flock locks belong to open files, so a second Open in this process
	// meets the lock exactly as another process would.
	second, err := bolt.Open(path, bolt.Options{Timeout: 50 * time.Millisecond})
	if err == nil {
		second.Close()
		t.Fatal("second Open of a held file succeeded")
	}
	if !errors.Is(err, bbolt.ErrTimeout) || !strings.Contains(err.Error(), "another process holds the file") {
		t.Fatalf("second Open: %v; want a timeout that names the cause", err)
	}
}

func TestFileMode(t *testing.T) {
	s := openTemp(t, bolt.Options{})
	info, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o600 {
		t.Fatalf("file mode = %v, want 0600", got)
	}
}

func TestOpenNotABoltFile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content []byte
	}{
		{"Text", []byte("this is not a database\n")},
		{"PageOfGarbage", []byte(strings.Repeat("\xde\xad\xbe\xef", 4096))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "calls.db")
			if err := os.WriteFile(path, tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := bolt.Open(path, bolt.Options{Timeout: 50 * time.Millisecond})
			if err == nil {
				s.Close()
				t.Fatal("Open of a non-bolt file succeeded")
			}
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("Open error %q does not name the file", err)
			}
		})
	}
}

func TestSweepDeletesExpiredCorruptRecord(t *testing.T) {
	clock := storetest.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s := openTemp(t, bolt.Options{Now: clock.Now})
	ctx := context.Background()
	if err := bolt.PutRaw(s, "bad", []byte{1, 9}, clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	var ce *store.CorruptRecordError
	if _, err := s.Get(ctx, "bad"); !errors.As(err, &ce) {
		t.Fatalf("Get: %v, want a CorruptRecordError", err)
	}
	clock.Advance(time.Minute)
	if n, err := s.Sweep(ctx, clock.Now()); err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v; want 1, nil", n, err)
	}
	if _, err := s.Get(ctx, "bad"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after Sweep: %v, want ErrNotFound", err)
	}
	if _, claimed, err := s.Claim(ctx, store.Record{CallID: "bad", ExpiresAt: clock.Now().Add(time.Hour)}); err != nil || !claimed {
		t.Fatalf("Claim after Sweep = claimed %v, err %v", claimed, err)
	}
}

func TestSweepStaleIndexEntries(t *testing.T) {
	clock := storetest.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s := openTemp(t, bolt.Options{Now: clock.Now})
	ctx := context.Background()
	past := clock.Now().Add(-time.Second).UnixNano()
	for _, key := range [][]byte{
		{1, 2, 3},                            // too short to be an index key
		bolt.ExpiryKey(past, []byte("gone")), // its record is gone
	} {
		if err := bolt.PutRawExpiryKey(s, key); err != nil {
			t.Fatal(err)
		}
	}
	// A live record whose old index entry was left behind keeps living.
	if _, _, err := s.Claim(ctx, store.Record{CallID: "live", ExpiresAt: clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := bolt.PutRawExpiryKey(s, bolt.ExpiryKey(past, []byte("live"))); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Sweep(ctx, clock.Now()); err != nil || n != 0 {
		t.Fatalf("Sweep = %d, %v; want 0 (only stale entries), nil", n, err)
	}
	if got := bolt.ExpiryLen(s); got != 1 {
		t.Fatalf("index entries after Sweep = %d, want 1 (the live record's)", got)
	}
	if _, err := s.Get(ctx, "live"); err != nil {
		t.Fatalf("Get(live): %v", err)
	}
}

func TestSweepManyChunks(t *testing.T) {
	clock := storetest.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s := openTemp(t, bolt.Options{Now: clock.Now, SweepChunk: 7})
	ctx := context.Background()
	const n = 50
	for i := range n {
		rec := store.Record{CallID: strings.Repeat("k", i+1), ExpiresAt: clock.Now().Add(time.Duration(i+1) * time.Second)}
		if _, _, err := s.Claim(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.Sweep(ctx, clock.Now().Add(40*time.Second)); err != nil || got != 40 {
		t.Fatalf("Sweep = %d, %v; want 40, nil", got, err)
	}
	if got := bolt.ExpiryLen(s); got != n-40 {
		t.Fatalf("index entries = %d, want %d", got, n-40)
	}
}

// TestBeforeTheEpoch checks the index order for instants before 1970, which
// a misread clock could produce: they must still sort first.
func TestBeforeTheEpoch(t *testing.T) {
	clock := storetest.NewClock(time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC))
	s := openTemp(t, bolt.Options{Now: clock.Now})
	ctx := context.Background()
	for i, ttl := range []time.Duration{time.Minute, 20 * 365 * 24 * time.Hour} { // 1960 and after 1970
		rec := store.Record{CallID: string(rune('a' + i)), ExpiresAt: clock.Now().Add(ttl)}
		if _, _, err := s.Claim(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.Sweep(ctx, clock.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v; want 1, nil", n, err)
	}
	if _, err := s.Get(ctx, "b"); err != nil {
		t.Fatalf("Get(b): %v", err)
	}
}
