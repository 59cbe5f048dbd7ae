// Package store defines where a tool server keeps its call records: the
// idempotency records behind call_id (CALL-6). The server process stays
// stateless; a Store holds the state. Implementations live in packages named
// for their technology (store/memory, store/bolt, store/redis), and every
// one of them passes the shared suite in store/storetest.
package store

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// State is where a recorded call stands.
type State uint8

const (
	// Running: an instance has claimed the call and is running the tool.
	Running State = 1
	// Done: the call finished; Response holds its result.
	Done State = 2
)

// String returns "running" or "done".
func (s State) String() string {
	switch s {
	case Running:
		return "running"
	case Done:
		return "done"
	}
	return "unknown"
}

// Record is the stored trace of one client-supplied call_id. It holds a
// digest of the request, never its secrets, tokens or input (REQ-5).
type Record struct {
	CallID string
	// Digest identifies the request (tool id, resolved version, canonical
	// input, context digest) so that a reuse of the call_id for another
	// request is detected. It is an opaque hex string.
	Digest string
	State  State
	// Owner is the instance id that claimed the call, and OwnerBoot a random
	// id of that instance's process, so that a restarted instance can tell
	// a call its previous process left running (outcome unknown).
	Owner     string
	OwnerBoot string
	// Response is the CallToolResponse JSON (the "result" object), stored
	// once the call is Done and returned byte-for-byte to repeats.
	Response []byte
	// CreatedAt is when the call was claimed.
	CreatedAt time.Time
	// LeaseUntil bounds how long a Running record is believed to be alive:
	// after it, waiters stop waiting and report an unknown outcome.
	LeaseUntil time.Time
	// ExpiresAt is when the record may be deleted (call retention).
	ExpiresAt time.Time
}

// Store keeps call records. Implementations are safe for concurrent use, and
// across processes where the technology allows it (Redis).
type Store interface {
	// Claim atomically creates rec (State Running) unless a record for
	// rec.CallID exists and has not expired. It returns claimed=true when
	// rec was stored, otherwise the existing record and claimed=false.
	// A record that CheckClaim refuses is an error wrapping
	// ErrInvalidRecord.
	Claim(ctx context.Context, rec Record) (existing Record, claimed bool, err error)
	// Complete marks the claimed call Done with its response. The record
	// keeps its ExpiresAt. It returns ErrNotFound if the record is gone,
	// and ErrNotRunning if it is already Done (the first response stands).
	Complete(ctx context.Context, callID string, response []byte) error
	// Get returns the record for callID, or ErrNotFound (also for an
	// expired record that was not swept yet).
	Get(ctx context.Context, callID string) (Record, error)
	// Release deletes a Running record whose call never started (the
	// request was rejected after the claim), so a retry can run it. It
	// returns ErrNotFound if the record is gone, and ErrNotRunning if it is
	// Done (a finished call's response is never released).
	Release(ctx context.Context, callID string) error
	// Sweep deletes records that expired before now and returns how many.
	// Stores whose technology expires keys itself may return 0.
	Sweep(ctx context.Context, now time.Time) (int, error)
	// Ping reports whether the store can serve requests (HEALTH-2).
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}

// ErrNotFound is returned for a call_id that has no live record.
var ErrNotFound = errors.New("store: call record not found")

// ErrUnavailable wraps failures to reach the store; the server answers them
// with "temporarily unavailable" and a Retry-After.
var ErrUnavailable = errors.New("store: unavailable")

// CorruptRecordError reports a record that could not be decoded. Stores
// return it from Get and Claim (wrapped) and skip such records in Sweep.
type CorruptRecordError struct {
	CallID string
	Err    error
}

func (e *CorruptRecordError) Error() string {
	// Quoted: a call id is client input and may hold line breaks.
	return "store: corrupt call record " + strconv.Quote(e.CallID) + ": " + e.Err.Error()
}

// Unwrap returns the decoding error.
func (e *CorruptRecordError) Unwrap() error { return e.Err }
