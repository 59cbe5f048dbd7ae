package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
)

func testOddCallIDs(t *testing.T, _ Config, e *env) {
	ctx := context.Background()
	for i, id := range oddCallIDs {
		rec := e.record(id, "digest", longTTL)
		claim(t, e.s, rec)
		response := []byte(`{"n":` + strings.Repeat("1", i+1) + `}`)
		if err := e.s.Complete(ctx, id, response); err != nil {
			t.Fatalf("Complete(%q): %v", id, err)
		}
		wantGet(t, e.s, id, done(rec, response))
	}
	// Each id kept its own record: none overwrote another.
	for i, id := range oddCallIDs {
		got, err := e.s.Get(ctx, id)
		if err != nil {
			t.Fatalf("Get(%q): %v", id, err)
		}
		if want := `{"n":` + strings.Repeat("1", i+1) + `}`; string(got.Response) != want {
			t.Fatalf("Get(%q).Response = %q, want %q", id, got.Response, want)
		}
	}
	// A prefix of an odd id is another id.
	_, err := e.s.Get(ctx, "a/b")
	wantErr(t, "Get of a prefix of a stored id", err, store.ErrNotFound)
}

func testInvalidClaims(t *testing.T, _ Config, e *env) {
	for _, tc := range []struct {
		name   string
		mutate func(*store.Record)
	}{
		{"EmptyCallID", func(r *store.Record) { r.CallID = "" }},
		{"CallIDTooLong", func(r *store.Record) { r.CallID = strings.Repeat("x", store.MaxCallIDLen+1) }},
		{"ExpiresNow", func(r *store.Record) { r.ExpiresAt = e.now() }},
		{"ExpiredAlready", func(r *store.Record) { r.ExpiresAt = e.now().Add(-time.Second) }},
		{"ZeroExpiry", func(r *store.Record) { r.ExpiresAt = time.Time{} }},
		{"StateDone", func(r *store.Record) { r.State = store.Done }},
		{"ResponseBeforeRun", func(r *store.Record) { r.Response = []byte(`{}`) }},
		{"CreatedOutOfRange", func(r *store.Record) { r.CreatedAt = time.Date(1066, 10, 14, 0, 0, 0, 0, time.UTC) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.record("call-"+tc.name, "digest", longTTL)
			tc.mutate(&rec)
			_, claimed, err := e.s.Claim(context.Background(), rec)
			if claimed {
				t.Fatalf("Claim of an invalid record was won")
			}
			wantErr(t, "Claim", err, store.ErrInvalidRecord)
			if rec.CallID != "" {
				_, err := e.s.Get(context.Background(), rec.CallID)
				wantErr(t, "Get after an invalid Claim", err, store.ErrNotFound)
			}
		})
	}
}
