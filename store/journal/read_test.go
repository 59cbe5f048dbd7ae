package journal

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
)

// TestReadBack damages a Done record's frame after it was written (bit rot,
// or an index that points at the wrong place): reads report the record
// corrupt rather than answer with bytes that are not its response.
func TestReadBack(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, s *Store)
	}{
		{"ResponseByteFlipped", func(t *testing.T, s *Store) {
			b, err := os.ReadFile(s.wseg.path)
			if err != nil {
				t.Fatal(err)
			}
			i := bytes.Index(b, []byte(`"response of a"`))
			if i < 0 {
				t.Fatal("response not found in the segment")
			}
			if _, err := s.wseg.f.WriteAt([]byte{'R'}, int64(i+1)); err != nil {
				t.Fatal(err)
			}
		}},
		{"AnotherCallsFrame", func(t *testing.T, s *Store) {
			s.mu.Lock()
			defer s.mu.Unlock()
			a, b := s.index["a"], s.index["b"]
			a.off, a.size = b.off, b.size
		}},
		{"ItsClaimFrame", func(t *testing.T, s *Store) {
			b, err := os.ReadFile(s.wseg.path)
			if err != nil {
				t.Fatal(err)
			}
			claim, err := parseFrame(b[segmentHeaderLen:], s.wseg.salt) // a's, the first
			if err != nil {
				t.Fatal(err)
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			s.index["a"].off, s.index["a"].size = segmentHeaderLen, claim.size
		}},
		{"FileCutShort", func(t *testing.T, s *Store) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.index["a"].off += 1 << 20
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			s, err := Open(t.TempDir(), Options{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			for _, id := range []string{"a", "b"} {
				if _, _, err := s.Claim(ctx, store.Record{CallID: id, ExpiresAt: now.Add(time.Hour)}); err != nil {
					t.Fatal(err)
				}
				if err := s.Complete(ctx, id, []byte(`"response of `+id+`"`)); err != nil {
					t.Fatal(err)
				}
			}
			tc.damage(t, s)
			var ce *store.CorruptRecordError
			if _, err := s.Get(ctx, "a"); !errors.As(err, &ce) || ce.CallID != "a" {
				t.Fatalf("Get: %v; want a CorruptRecordError for a", err)
			}
			if _, _, err := s.Claim(ctx, store.Record{CallID: "a", ExpiresAt: now.Add(time.Hour)}); !errors.As(err, &ce) {
				t.Fatalf("Claim: %v; want a CorruptRecordError", err)
			}
			if err := s.Complete(ctx, "a", []byte(`2`)); !errors.As(err, &ce) {
				t.Fatalf("Complete: %v; want a CorruptRecordError", err)
			}
			if got, err := s.Get(ctx, "b"); err != nil || string(got.Response) != `"response of b"` {
				t.Fatalf("Get(b) = %q, %v; want its response", got.Response, err)
			}
		})
	}
}
