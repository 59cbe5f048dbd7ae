package journal

import (
	"encoding/binary"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/internal/recordcodec"
)

// PlantCorrupt writes a completion of callID whose checksum fails, synced
// like any write, and points the index at it as a Done record expiring at
// expiresAt: a record damaged on disk after it was written.
func PlantCorrupt(s *Store, callID string, expiresAt time.Time) error {
	rec := store.Record{CallID: callID, State: store.Done, ExpiresAt: expiresAt}
	header := recordcodec.Encode(rec)
	s.mu.Lock()
	if err := s.writable(); err != nil {
		s.mu.Unlock()
		return err
	}
	g := s.open
	start := len(g.buf)
	g.buf = appendRecordFrame(g.buf, g.salt, kindComplete, callID, header, []byte(`{"planted":true}`))
	g.buf[start+frameHeaderLen-1] ^= 0xff // the checksum's last byte
	off, size := s.queued(g, start, recordcodec.UnixNano(expiresAt))
	s.mu.Unlock()
	<-g.done
	if g.err != nil {
		return g.err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.index[callID]; old != nil {
		s.drop(old)
	}
	e := newEntry(rec)
	e.seq, e.off, e.size = g.seq, off, size
	s.insert(e)
	return nil
}

// SetSyncHook makes the writer call hook between the write of each group
// and its sync; an error from hook stands for a failed sync.
func SetSyncHook(s *Store, hook func() error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.syncHook = hook
}

// IDs returns the call ids in the index, sorted, expired ones included
// until they are swept.
func IDs(s *Store) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.index))
	for id := range s.index {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// SegmentName exposes the naming of segment files.
var SegmentName = segmentName

// FuzzSalt is the salt of the segments SegmentOf builds.
const FuzzSalt = 0x0f1e2d3c

// SegmentOf returns a sound segment whose frames are given by in: a kind
// byte, a big-endian uint16 payload length, and the payload, repeated (the
// last payload may be cut short by the end of in). Each frame gets a valid
// checksum, so that a fuzzer's payloads reach the decoding past it.
func SegmentOf(in []byte) []byte {
	seg := appendSegmentHeader(nil, FuzzSalt)
	for len(in) >= 3 {
		k, n := in[0], min(int(binary.BigEndian.Uint16(in[1:3])), len(in)-3)
		start := len(seg)
		seg = append(seg, frameMagic, k, 0, 0, 0, 0, 0, 0, 0, 0)
		seg = append(seg, in[3:3+n]...)
		seg = sealFrame(seg, start, FuzzSalt)
		in = in[3+n:]
	}
	return seg
}

// FramesOf is the inverse of SegmentOf for a segment a store wrote: its
// frames in SegmentOf's input form, for seeds. Free space after them is
// left out.
func FramesOf(seg []byte) []byte {
	var out []byte
	walkFrames(seg, func(f frame, b []byte) {
		out = append(out, byte(f.kind))
		out = binary.BigEndian.AppendUint16(out, uint16(f.size-frameHeaderLen))
		out = append(out, b[frameHeaderLen:f.size]...)
	})
	return out
}

// FramesEnd returns where the frames of a segment a store wrote end, and
// its free space starts.
func FramesEnd(seg []byte) int {
	end := segmentHeaderLen
	walkFrames(seg, func(f frame, _ []byte) { end += f.size })
	return end
}

// walkFrames calls fn with each frame of a sound segment, and the bytes
// from its start on, up to the free space.
func walkFrames(seg []byte, fn func(f frame, b []byte)) {
	salt, err := parseSegmentHeader(seg, "")
	if err != nil {
		panic(err)
	}
	for pos := segmentHeaderLen; pos < len(seg) && written(seg[pos:]) > 0; {
		f, err := parseFrame(seg[pos:], salt)
		if err != nil {
			panic(err)
		}
		fn(f, seg[pos:])
		pos += f.size
	}
}

// SetFill makes the segments prepared until the test ends get filled by fn
// instead of with zeros: a full disk, or a failing one. Call it before
// Open.
func SetFill(tb testing.TB, fn func(f *os.File, size int64) error) {
	old := fill
	fill = fn
	tb.Cleanup(func() { fill = old })
}

// WriteOffset returns where the next group goes: its segment's sequence
// number and its offset there, the end of the frames written so far.
func WriteOffset(s *Store) (seq uint64, off int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open.seq, s.open.base + int64(len(s.open.buf))
}
