// Package recordcodec encodes call records for the stores that keep bytes
// (store/bolt, store/redis, store/journal). The format is binary, versioned and compact:
//
//	offset 0   version   1 byte, 1 for this format
//	offset 1   state     1 byte, store.Running (1) or store.Done (2)
//	           Digest    uvarint length, then the bytes
//	           Owner     uvarint length, then the bytes
//	           OwnerBoot uvarint length, then the bytes
//	           CreatedAt, LeaseUntil, ExpiresAt
//	                     8 bytes each, big-endian int64 Unix nanoseconds;
//	                     0 stands for the zero time.Time
//	           Response  all remaining bytes (none while Running)
//
// The call id is not part of the value: it is the key. The response comes
// last and without a length so that Redis can complete a record in a Lua
// script by appending it and flipping the state byte, without parsing the
// rest. A new layout gets a new version byte; decoders refuse versions they
// do not know rather than guess.
//
// Decoding is strict (non-minimal varints, unknown states, a Running record
// with a response are errors), so that every accepted value has exactly one
// encoding.
package recordcodec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/otc-dev/otc/store"
)

// Version is the format version this package writes.
const Version = 1

// Offsets of the fixed header, which the Redis scripts read too.
const (
	VersionOffset = 0
	StateOffset   = 1
)

// ErrFormat is wrapped by every decoding error.
var ErrFormat = errors.New("malformed call record")

// Encode returns rec's encoding. rec.CallID is not encoded. Times must be
// representable as Unix nanoseconds (store.CheckClaim sees to it).
func Encode(rec store.Record) []byte {
	n := 2 + 3*binary.MaxVarintLen64 + len(rec.Digest) + len(rec.Owner) + len(rec.OwnerBoot) + 3*8 + len(rec.Response)
	b := make([]byte, 0, n)
	b = append(b, Version, byte(rec.State))
	for _, s := range []string{rec.Digest, rec.Owner, rec.OwnerBoot} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, t := range []time.Time{rec.CreatedAt, rec.LeaseUntil, rec.ExpiresAt} {
		b = binary.BigEndian.AppendUint64(b, uint64(UnixNano(t)))
	}
	return append(b, rec.Response...)
}

// Decode decodes b as the record of callID. Its errors wrap ErrFormat; the
// stores turn them into *store.CorruptRecordError. The returned Response
// does not alias b.
func Decode(callID string, b []byte) (store.Record, error) {
	d := decoder{b: b}
	rec := store.Record{CallID: callID}
	if len(b) < 2 {
		return store.Record{}, fmt.Errorf("%w: %d bytes, shorter than the header", ErrFormat, len(b))
	}
	if b[VersionOffset] != Version {
		return store.Record{}, fmt.Errorf("%w: unknown format version %d", ErrFormat, b[VersionOffset])
	}
	rec.State = store.State(b[StateOffset])
	if rec.State != store.Running && rec.State != store.Done {
		return store.Record{}, fmt.Errorf("%w: unknown state %d", ErrFormat, b[StateOffset])
	}
	d.b = b[2:]
	rec.Digest = d.string("digest")
	rec.Owner = d.string("owner")
	rec.OwnerBoot = d.string("owner boot")
	rec.CreatedAt = d.time("created-at")
	rec.LeaseUntil = d.time("lease-until")
	rec.ExpiresAt = d.time("expires-at")
	if d.err != nil {
		return store.Record{}, d.err
	}
	if len(d.b) > 0 {
		if rec.State == store.Running {
			return store.Record{}, fmt.Errorf("%w: a running record with %d response bytes", ErrFormat, len(d.b))
		}
		rec.Response = append([]byte(nil), d.b...)
	}
	return rec, nil
}

// decoder reads fields in order, keeping the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) string(field string) string {
	if d.err != nil {
		return ""
	}
	n, size := binary.Uvarint(d.b)
	switch {
	case size <= 0:
		d.err = fmt.Errorf("%w: bad length of %s", ErrFormat, field)
	case size != uvarintLen(n):
		d.err = fmt.Errorf("%w: non-minimal length of %s", ErrFormat, field)
	case n > uint64(len(d.b)-size):
		d.err = fmt.Errorf("%w: %s of %d bytes overruns the record", ErrFormat, field, n)
	}
	if d.err != nil {
		return ""
	}
	s := string(d.b[size : size+int(n)])
	d.b = d.b[size+int(n):]
	return s
}

func (d *decoder) time(field string) time.Time {
	if d.err != nil {
		return time.Time{}
	}
	if len(d.b) < 8 {
		d.err = fmt.Errorf("%w: %s truncated", ErrFormat, field)
		return time.Time{}
	}
	ns := int64(binary.BigEndian.Uint64(d.b))
	d.b = d.b[8:]
	return FromUnixNano(ns)
}

// UnixNano returns t as the format stores it: Unix nanoseconds, 0 for the
// zero time. store/journal keeps its index's times the same way.
func UnixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// FromUnixNano is the inverse of UnixNano: 0 is the zero time, and any
// other value a UTC time.
func FromUnixNano(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

// uvarintLen is the length of n's minimal uvarint encoding.
func uvarintLen(n uint64) int {
	var buf [binary.MaxVarintLen64]byte
	return binary.PutUvarint(buf[:], n)
}
