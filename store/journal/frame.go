package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/otc-dev/otc/store"
)

// kind says what a frame does to its call id's record.
type kind byte

const (
	kindClaim    kind = 1 // a new Running record
	kindComplete kind = 2 // the record Done, with its response
	kindRelease  kind = 3 // the record deleted
)

const (
	// frameMagic starts every frame. It is never a byte of UTF-8 text, so
	// that a scan for the next frame through JSON responses stops rarely.
	frameMagic = 0xF7
	// frameHeaderLen is magic, kind, length and checksum.
	frameHeaderLen = 1 + 1 + 4 + 4
	// MaxPayload bounds a frame's payload. A length read from disk above it
	// is damage, never an allocation; a write above it is refused.
	MaxPayload = 64 << 20
)

// castagnoli is CRC-32C, which CPUs compute in hardware.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errFrame is wrapped by every error about a frame's bytes.
var errFrame = errors.New("malformed frame")

// errIncomplete reports bytes that end before the frame they start does.
var errIncomplete = fmt.Errorf("%w: incomplete", errFrame)

// frame is a parsed frame. Its slices alias the bytes it was parsed from.
type frame struct {
	kind   kind
	callID []byte
	// record is the recordcodec encoding (claim, complete); its last
	// respLen bytes are the response.
	record  []byte
	respLen int
	// expiresAt is a release's tombstone expiry, in Unix nanoseconds.
	expiresAt int64
	// size is the frame's length on disk, header included.
	size int
}

// response returns the frame's response bytes.
func (f *frame) response() []byte { return f.record[len(f.record)-f.respLen:] }

// recordPayloadLen is the payload length of a claim or complete frame.
func recordPayloadLen(callID string, header, response []byte) int {
	return uvarintLen(uint64(len(callID))) + len(callID) +
		uvarintLen(uint64(len(response))) + len(header) + len(response)
}

// appendRecordFrame appends a claim or complete frame to b. header is the
// record's recordcodec encoding without the response; the encoding with it
// is header followed by response, so the response is copied once, straight
// into b.
func appendRecordFrame(b []byte, salt uint32, k kind, callID string, header, response []byte) []byte {
	start := len(b)
	b = append(b, frameMagic, byte(k), 0, 0, 0, 0, 0, 0, 0, 0)
	b = binary.AppendUvarint(b, uint64(len(callID)))
	b = append(b, callID...)
	b = binary.AppendUvarint(b, uint64(len(response)))
	b = append(b, header...)
	b = append(b, response...)
	return sealFrame(b, start, salt)
}

// releasePayloadLen is the payload length of a release frame.
func releasePayloadLen(callID string) int {
	return uvarintLen(uint64(len(callID))) + len(callID) + 8
}

// appendReleaseFrame appends a release (tombstone) frame to b.
func appendReleaseFrame(b []byte, salt uint32, callID string, expiresAt int64) []byte {
	start := len(b)
	b = append(b, frameMagic, byte(kindRelease), 0, 0, 0, 0, 0, 0, 0, 0)
	b = binary.AppendUvarint(b, uint64(len(callID)))
	b = append(b, callID...)
	b = binary.BigEndian.AppendUint64(b, uint64(expiresAt))
	return sealFrame(b, start, salt)
}

// sealFrame fills in the length and checksum of the frame at b[start:].
func sealFrame(b []byte, start int, salt uint32) []byte {
	h := b[start : start+frameHeaderLen]
	binary.BigEndian.PutUint32(h[2:6], uint32(len(b)-start-frameHeaderLen))
	binary.BigEndian.PutUint32(h[6:10], frameSum(salt, h[1:6], b[start+frameHeaderLen:]))
	return b
}

// frameSum is a frame's checksum: CRC-32C of kind, length and payload,
// starting from the segment's salt.
func frameSum(salt uint32, kindAndLength, payload []byte) uint32 {
	return crc32.Update(crc32.Update(salt, castagnoli, kindAndLength), castagnoli, payload)
}

// parseFrame parses the frame at the start of b, checked against salt. It
// returns errIncomplete when b ends inside the frame, and another error
// wrapping errFrame when the bytes are not a frame. A frame whose checksum
// holds but whose payload does not parse is returned with its size and an
// error, so that a reader can step over exactly that frame.
func parseFrame(b []byte, salt uint32) (frame, error) {
	if len(b) < frameHeaderLen {
		return frame{}, errIncomplete
	}
	if b[0] != frameMagic {
		return frame{}, fmt.Errorf("%w: bad magic byte %#x", errFrame, b[0])
	}
	k := kind(b[1])
	if k < kindClaim || k > kindRelease {
		return frame{}, fmt.Errorf("%w: unknown kind %d", errFrame, k)
	}
	n := binary.BigEndian.Uint32(b[2:6])
	if n > MaxPayload {
		return frame{}, fmt.Errorf("%w: payload length %d above the limit", errFrame, n)
	}
	if uint64(len(b)-frameHeaderLen) < uint64(n) {
		return frame{}, errIncomplete
	}
	payload := b[frameHeaderLen : frameHeaderLen+int(n)]
	if frameSum(salt, b[1:6], payload) != binary.BigEndian.Uint32(b[6:10]) {
		return frame{}, fmt.Errorf("%w: checksum mismatch", errFrame)
	}
	f := frame{kind: k, size: frameHeaderLen + int(n)}
	return f, f.parsePayload(payload)
}

// parsePayload fills f from a payload whose checksum held.
func (f *frame) parsePayload(p []byte) error {
	idLen, size := binary.Uvarint(p)
	if size <= 0 || idLen == 0 || idLen > store.MaxCallIDLen || idLen > uint64(len(p)-size) {
		return fmt.Errorf("%w: bad call id length", errFrame)
	}
	f.callID = p[size : size+int(idLen)]
	p = p[size+int(idLen):]
	if f.kind == kindRelease {
		if len(p) != 8 {
			return fmt.Errorf("%w: release of %d bytes, want 8", errFrame, len(p))
		}
		f.expiresAt = int64(binary.BigEndian.Uint64(p))
		return nil
	}
	respLen, size := binary.Uvarint(p)
	if size <= 0 || respLen > uint64(len(p)-size) {
		return fmt.Errorf("%w: bad response length", errFrame)
	}
	f.record = p[size:]
	f.respLen = int(respLen)
	if f.kind == kindClaim && f.respLen != 0 {
		return fmt.Errorf("%w: a claim with a response", errFrame)
	}
	return nil
}

// uvarintLen is the length of n's uvarint encoding.
func uvarintLen(n uint64) int {
	l := 1
	for ; n >= 0x80; n >>= 7 {
		l++
	}
	return l
}
