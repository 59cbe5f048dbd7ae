package store

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// ErrNotRunning is returned by Complete and Release for a record that is no
// longer Running: the call is already Done, and its response stands.
var ErrNotRunning = errors.New("store: call record is not running")

// ErrInvalidRecord is returned (wrapped) by Claim for a record that no store
// can keep: no call id, an expiry that is not in the future, a response on a
// record that has not run yet. It is a bug of the caller, not of the store.
var ErrInvalidRecord = errors.New("store: invalid call record")

// MaxCallIDLen bounds the length of a call id in bytes. Stores use the id as
// (part of) a key, and every technology has a key size limit; this one is
// far below all of them and far above any real call id.
const MaxCallIDLen = 1024

// The range of times a store can keep: those with a UnixNano representation.
var (
	minTime = time.Unix(0, math.MinInt64+1)
	maxTime = time.Unix(0, math.MaxInt64)
)

// CheckClaim reports whether rec may be claimed at now, as every Store's
// Claim does before it writes anything. The error wraps ErrInvalidRecord.
// A State of zero is accepted and means Running.
func CheckClaim(rec Record, now time.Time) error {
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidRecord}, args...)...)
	}
	switch {
	case rec.CallID == "":
		return invalid("empty call id")
	case len(rec.CallID) > MaxCallIDLen:
		return invalid("call id longer than %d bytes", MaxCallIDLen)
	case rec.State != 0 && rec.State != Running:
		return invalid("a claimed record must be running, not %s", rec.State)
	case len(rec.Response) != 0:
		return invalid("a claimed record has no response yet")
	case !rec.ExpiresAt.After(now):
		return invalid("expiry %s is not after now (%s)", rec.ExpiresAt.Format(time.RFC3339Nano), now.Format(time.RFC3339Nano))
	}
	for _, t := range []struct {
		name string
		t    time.Time
	}{{"CreatedAt", rec.CreatedAt}, {"LeaseUntil", rec.LeaseUntil}, {"ExpiresAt", rec.ExpiresAt}} {
		if !t.t.IsZero() && (t.t.Before(minTime) || t.t.After(maxTime)) {
			return invalid("%s %s is out of range", t.name, t.t.Format(time.RFC3339))
		}
	}
	return nil
}

// Expired reports whether a record with this expiry is gone at now. A record
// lives until its ExpiresAt, exclusive: at ExpiresAt it is expired.
func Expired(expiresAt, now time.Time) bool {
	return !now.Before(expiresAt)
}
