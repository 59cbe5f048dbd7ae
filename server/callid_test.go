package server

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

// OTC: CALL-6 — a call without a call_id gets one the server makes: a
// UUIDv7 whose time is the call's, unique across calls.
func TestNewCallID(t *testing.T) {
	now := time.Date(2026, time.December, 4, 22, 30, 0, 123_000_000, time.UTC)
	seen := make(map[string]bool)
	for range 10_000 {
		s := newCallID(now)
		id, err := uuid.Parse(s)
		if err != nil {
			t.Fatalf("newCallID() = %q, not a UUID: %v", s, err)
		}
		if id.String() != s {
			t.Fatalf("newCallID() = %q, not in canonical form %q", s, id.String())
		}
		if id.Version() != 7 || id.Variant() != uuid.RFC4122 {
			t.Fatalf("newCallID() = %q: version %d, variant %v; want 7, RFC 4122", s, id.Version(), id.Variant())
		}
		sec, nsec := id.Time().UnixTime()
		if got := time.Unix(sec, nsec); !got.Equal(now.Truncate(time.Millisecond)) {
			t.Fatalf("newCallID() = %q holds time %v, want %v", s, got, now.Truncate(time.Millisecond))
		}
		if seen[s] {
			t.Fatalf("newCallID() repeated %q", s)
		}
		seen[s] = true
	}
}

func BenchmarkNewCallID(b *testing.B) {
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		_ = newCallID(now)
	}
}
