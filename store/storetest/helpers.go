package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/otc-dev/otc/store"
)

// recordOpts compare records as the server sees them: instants by Equal
// (stores need not keep a time's location), and a nil response as an empty
// one.
var recordOpts = cmp.Options{
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmpopts.EquateEmpty(),
}

// claim claims rec and fails the test unless the claim was won.
func claim(t *testing.T, s store.Store, rec store.Record) {
	t.Helper()
	existing, claimed, err := s.Claim(context.Background(), rec)
	if err != nil {
		t.Fatalf("Claim(%q): %v", rec.CallID, err)
	}
	if !claimed {
		t.Fatalf("Claim(%q) = existing %+v, want the claim", rec.CallID, existing)
	}
}

// wantGet fails the test unless Get(callID) returns want.
func wantGet(t *testing.T, s store.Store, callID string, want store.Record) {
	t.Helper()
	got, err := s.Get(context.Background(), callID)
	if err != nil {
		t.Fatalf("Get(%q): %v", callID, err)
	}
	if diff := cmp.Diff(want, got, recordOpts); diff != "" {
		t.Fatalf("Get(%q) mismatch (-want +got):\n%s", callID, diff)
	}
}

// wantErr fails the test unless err wraps target.
func wantErr(t *testing.T, op string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: error %v, want one wrapping %v", op, err, target)
	}
}

// wantCorrupt fails the test unless err is a *store.CorruptRecordError for
// callID.
func wantCorrupt(t *testing.T, op string, err error, callID string) {
	t.Helper()
	var ce *store.CorruptRecordError
	if !errors.As(err, &ce) {
		t.Fatalf("%s: error %v, want a *store.CorruptRecordError", op, err)
	}
	if ce.CallID != callID {
		t.Fatalf("%s: CorruptRecordError.CallID = %q, want %q", op, ce.CallID, callID)
	}
}

// done returns rec as Complete leaves it.
func done(rec store.Record, response []byte) store.Record {
	rec.State = store.Done
	rec.Response = response
	return rec
}
