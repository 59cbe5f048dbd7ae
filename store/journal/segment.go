package journal

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"slices"
	"strconv"
	"strings"
)

const (
	// FormatVersion is the segment format this package writes and reads.
	FormatVersion = 1
	// segmentHeaderLen is magic, version, salt and checksum.
	segmentHeaderLen = 7 + 1 + 4 + 4
	segmentExt       = ".seg"
	// seqDigits is the width of a segment's sequence number in its name,
	// enough for any uint64, so that names sort like numbers.
	seqDigits = 20
)

var segmentMagic = []byte("OTCJRNL")

// errHeader reports a segment header that is damaged or missing.
var errHeader = errors.New("bad segment header")

// VersionError reports a segment written in a format this build does not
// know, by a newer version of this package. Open refuses it rather than
// guess, and leaves the files alone.
type VersionError struct {
	Path    string
	Version byte
}

// Error names the segment and both versions.
func (e *VersionError) Error() string {
	return fmt.Sprintf("journal: segment %s has format version %d; this build reads version %d", e.Path, e.Version, FormatVersion)
}

// segment is one segment file, open for as long as it is part of the log.
type segment struct {
	seq  uint64
	path string
	f    *os.File
	salt uint32
	// maxExp is the latest ExpiresAt (Unix nanoseconds) of any frame in
	// the segment, math.MinInt64 for none; once it has passed, every frame
	// describes an expired record and the file can go. Guarded by
	// Store.mu.
	maxExp int64
}

// segmentName returns the file name of segment seq.
func segmentName(seq uint64) string {
	s := strconv.FormatUint(seq, 10)
	return strings.Repeat("0", seqDigits-len(s)) + s + segmentExt
}

// parseSegmentName returns the sequence number in a segment's file name.
func parseSegmentName(name string) (uint64, bool) {
	digits, ok := strings.CutSuffix(name, segmentExt)
	if !ok || len(digits) != seqDigits || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	seq, err := strconv.ParseUint(digits, 10, 64)
	return seq, err == nil
}

// listSegments returns the sequence numbers of dir's segments, in order.
func listSegments(dir string) ([]uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("journal: list %s: %w", dir, err)
	}
	var seqs []uint64
	for _, e := range entries {
		if seq, ok := parseSegmentName(e.Name()); ok && e.Type().IsRegular() {
			seqs = append(seqs, seq)
		}
	}
	slices.Sort(seqs)
	return seqs, nil
}

// appendSegmentHeader appends a header with salt to b.
func appendSegmentHeader(b []byte, salt uint32) []byte {
	start := len(b)
	b = append(b, segmentMagic...)
	b = append(b, FormatVersion)
	b = binary.BigEndian.AppendUint32(b, salt)
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b[start:], castagnoli))
}

// parseSegmentHeader returns the salt in a segment's header. A header that
// is short or damaged is an error wrapping errHeader; a sound header of
// another version is a *VersionError.
func parseSegmentHeader(b []byte, path string) (uint32, error) {
	if len(b) < segmentHeaderLen {
		return 0, fmt.Errorf("%w: %d bytes", errHeader, len(b))
	}
	h := b[:segmentHeaderLen]
	if string(h[:len(segmentMagic)]) != string(segmentMagic) {
		return 0, fmt.Errorf("%w: not a journal segment", errHeader)
	}
	if crc32.Checksum(h[:12], castagnoli) != binary.BigEndian.Uint32(h[12:]) {
		return 0, fmt.Errorf("%w: checksum mismatch", errHeader)
	}
	if v := h[len(segmentMagic)]; v != FormatVersion {
		return 0, &VersionError{Path: path, Version: v}
	}
	return binary.BigEndian.Uint32(h[8:12]), nil
}

// newSalt returns a random salt. The salt need not be secret from the
// machine, only unpredictable to whoever supplies the responses.
func newSalt() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand crashes the program instead)
	return binary.BigEndian.Uint32(b[:])
}

// syncDir fsyncs directory dir, so that files created or removed in it stay
// so after a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("journal: sync directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("journal: sync directory %s: %w", dir, err)
	}
	return nil
}
