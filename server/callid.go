package server

import (
	"encoding/binary"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
)

// newCallID names a call that came without a call_id: a UUIDv7 (RFC 9562
// §5.7), which sorts by time in logs: 48 bits of Unix milliseconds from
// now, then 74 random bits.
//
// The random bits come from math/rand/v2's generator (ChaCha8, seeded by
// the runtime from the system's entropy, per thread, without a lock or a
// system call). A server-made call id is a name, never a secret or a key:
// it is not recorded (only a client's call_id is, CALL-6), so it needs to
// be unique, not unpredictable. github.com/google/uuid's NewV7, used
// before, read crypto/rand and took a global lock on every call, and cost
// two allocations where this costs one, the string (its String method
// formats into a stack array).
func newCallID(now time.Time) string {
	var u [16]byte
	binary.BigEndian.PutUint64(u[0:8], uint64(now.UnixMilli())<<16|rand.Uint64()&0xffff)
	binary.BigEndian.PutUint64(u[8:16], rand.Uint64())
	u[6] = 0x70 | u[6]&0x0f // version 7
	u[8] = 0x80 | u[8]&0x3f // variant 10 (RFC 9562)

	return uuid.UUID(u).String()
}
