package journal_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/journal"
	"github.com/otc-dev/otc/store/storetest"
)

// start is the fake clocks' start, far from the zero time and the epoch.
var start = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// recordOpts compare records as storetest does: instants by Equal, a nil
// response as an empty one.
var recordOpts = cmp.Options{cmp.Comparer(time.Time.Equal), cmpopts.EquateEmpty()}

// open opens the store in dir and fails the test if it cannot.
func open(t *testing.T, dir string, opts journal.Options) *journal.Store {
	t.Helper()
	s, err := journal.Open(dir, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// closeStore closes s and fails the test if that fails.
func closeStore(t *testing.T, s *journal.Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// rec returns a claimable record for id, living ttl from clock's now.
func rec(clock *storetest.Clock, id string, ttl time.Duration) store.Record {
	now := clock.Now()
	return store.Record{CallID: id, Digest: "digest-" + id, Owner: "instance-a", OwnerBoot: "boot-1",
		CreatedAt: now, LeaseUntil: now.Add(30 * time.Second), ExpiresAt: now.Add(ttl)}
}

// mustClaim claims r and fails the test unless the claim was won.
func mustClaim(t *testing.T, s store.Store, r store.Record) {
	t.Helper()
	existing, claimed, err := s.Claim(context.Background(), r)
	if err != nil || !claimed {
		t.Fatalf("Claim(%q) = existing %+v, claimed %v, err %v; want the claim", r.CallID, existing, claimed, err)
	}
}

// mustComplete completes id and fails the test if that fails.
func mustComplete(t *testing.T, s store.Store, id string, response []byte) {
	t.Helper()
	if err := s.Complete(context.Background(), id, response); err != nil {
		t.Fatalf("Complete(%q): %v", id, err)
	}
}

// wantRecord fails the test unless Get(id) returns want.
func wantRecord(t *testing.T, s store.Store, id string, want store.Record) {
	t.Helper()
	got, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get(%q): %v", id, err)
	}
	// Responses apart: cmp.Diff walks megabytes a byte at a time.
	if !bytes.Equal(want.Response, got.Response) {
		t.Fatalf("Get(%q).Response = %d bytes %.40q, want %d bytes %.40q", id, len(got.Response), got.Response, len(want.Response), want.Response)
	}
	want.Response, got.Response = nil, nil
	if diff := cmp.Diff(want, got, recordOpts); diff != "" {
		t.Fatalf("Get(%q) mismatch (-want +got):\n%s", id, diff)
	}
}

// wantGone fails the test unless Get(id) is store.ErrNotFound.
func wantGone(t *testing.T, s store.Store, id string) {
	t.Helper()
	if got, err := s.Get(context.Background(), id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(%q) = %+v, %v; want store.ErrNotFound", id, got, err)
	}
}

// done returns r as Complete leaves it.
func done(r store.Record, response []byte) store.Record {
	r.State = store.Done
	r.Response = response
	return r
}

// running returns r as Claim stores it.
func running(r store.Record) store.Record {
	r.State = store.Running
	return r
}

// segments returns the paths of dir's segment files, in order.
func segments(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.seg"))
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// newest returns the path of dir's newest segment.
func newest(t *testing.T, dir string) string {
	t.Helper()
	paths := segments(t, dir)
	if len(paths) == 0 {
		t.Fatalf("no segment in %s", dir)
	}
	return paths[len(paths)-1]
}

// size returns the size of the file at path.
func size(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

// copyDir copies the regular files of src into a new directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// bigResponse returns n bytes that are not all alike, so that a response
// read back from the wrong place shows.
func bigResponse(n int) []byte {
	b := bytes.Repeat([]byte("0123456789abcdef"), n/16+1)[:n]
	b[n-1] = 0xff
	return b
}
