package bolt

import (
	"encoding/binary"
	"time"
)

// expiryKeyLen is the length of an expiry key before its call id.
const expiryKeyLen = 8

// signBit flips an int64's sign so that its unsigned big-endian bytes sort
// in the int64's order, times before the epoch included.
const signBit = 1 << 63

// expiryKey returns the key of callID's entry in the expiry bucket: the
// expiry in nanoseconds, big-endian so that keys sort like instants.
func expiryKey(expiresAtNano int64, callID []byte) []byte {
	k := make([]byte, expiryKeyLen, expiryKeyLen+len(callID))
	binary.BigEndian.PutUint64(k, uint64(expiresAtNano)^signBit)
	return append(k, callID...)
}

// expiryKeyOf is expiryKey for a record's fields.
func expiryKeyOf(expiresAt time.Time, callID string) []byte {
	return expiryKey(expiresAt.UnixNano(), []byte(callID))
}

// parseExpiryKey splits an expiry key. ok is false for a key too short to be
// one, which Sweep then deletes.
func parseExpiryKey(k []byte) (expiresAtNano int64, callID []byte, ok bool) {
	if len(k) <= expiryKeyLen {
		return 0, nil, false
	}
	return int64(binary.BigEndian.Uint64(k) ^ signBit), k[expiryKeyLen:], true
}
