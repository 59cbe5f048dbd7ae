package journal

import (
	"bytes"
	"container/heap"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/internal/expiry"
	"github.com/otc-dev/otc/store/internal/recordcodec"
)

// replayer rebuilds the index from the segments, oldest first.
type replayer struct {
	s   *Store
	now int64
	// buf holds one segment's bytes at a time, reused for the next.
	buf []byte
	// interned keeps one copy of each owner and boot id: a few instances
	// own every record.
	interned map[string]string
}

// load replays the log into the index and opens the group that new frames
// join: at the end of the newest segment if it is sound and not full,
// otherwise at the start of a new one. It runs in Open, before the writer.
func (s *Store) load() error {
	seqs, err := listSegments(s.dir)
	if err != nil {
		return err
	}
	if err := removeNext(s.dir); err != nil { // prepared before a crash, never used
		return err
	}
	r := &replayer{s: s, now: clampNano(s.now()), interned: make(map[string]string)}
	var tail *segment // the newest segment, if frames can follow its last
	var tailSize int64
	for i, seq := range seqs {
		newest := i == len(seqs)-1
		seg, size, sound, err := r.segment(seq, newest)
		if err != nil {
			return err
		}
		if seg != nil {
			s.segs[seq] = seg
		}
		if newest && sound && size < s.segSize {
			tail, tailSize = seg, size
		}
	}
	if tail == nil {
		next := uint64(1)
		if len(seqs) > 0 {
			next = seqs[len(seqs)-1] + 1
		}
		if tail, err = createSegment(s.dir, next, newSalt(), s.segSize); err != nil {
			return err
		}
		s.segs[next] = tail
		tailSize = segmentHeaderLen
	}
	s.wseg, s.active = tail, tail.seq
	s.open = &group{seq: tail.seq, salt: tail.salt, base: tailSize, maxExp: math.MinInt64, done: make(chan struct{})}

	s.byExp = make(expiry.Heap[*entry], 0, len(s.index))
	for _, e := range s.index {
		e.heapIdx = len(s.byExp)
		s.byExp = append(s.byExp, e)
	}
	heap.Init(&s.byExp)
	s.recovery.Forgotten = s.bound()
	s.recovery.Segments = len(seqs)
	s.recovery.Records = len(s.index)
	return nil
}

// segment replays segment seq and returns it open, with its size after
// recovery. sound is false when its header is unreadable: its frames are
// lost, and it stays in the log only until Sweep deletes it. seg is nil for
// a newest segment that was cut short before its header was written, which
// is deleted.
func (r *replayer) segment(seq uint64, newest bool) (seg *segment, size int64, sound bool, err error) {
	path := filepath.Join(r.s.dir, segmentName(seq))
	flag := os.O_RDONLY
	if newest {
		flag = os.O_RDWR // to cut a torn tail, and append
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return nil, 0, false, fmt.Errorf("journal: open segment: %w", err)
	}
	data, err := r.read(f)
	if err != nil {
		f.Close()
		return nil, 0, false, fmt.Errorf("journal: read segment %s: %w", path, err)
	}
	salt, err := parseSegmentHeader(data, path)
	var verr *VersionError
	switch {
	case errors.As(err, &verr):
		f.Close()
		return nil, 0, false, err
	case err != nil && newest && written(data) < segmentHeaderLen:
		// Created, and perhaps filled with zeros, but cut short before
		// its header was synced: no frame in it was ever acknowledged.
		r.s.recovery.TornBytes += int64(written(data))
		f.Close()
		if err := os.Remove(path); err != nil {
			return nil, 0, false, fmt.Errorf("journal: remove torn segment: %w", err)
		}
		return nil, 0, false, syncDir(r.s.dir)
	case err != nil:
		r.s.recovery.CorruptFrames++
		r.s.recovery.SkippedBytes += int64(len(data))
		return &segment{seq: seq, path: path, f: f, maxExp: math.MinInt64}, int64(len(data)), false, nil
	}
	seg = &segment{seq: seq, path: path, f: f, salt: salt, maxExp: math.MinInt64}
	end, err := r.frames(seg, data, newest)
	if err != nil {
		f.Close()
		return nil, 0, false, err
	}
	return seg, end, true, nil
}

// read returns f's bytes, in r.buf.
func (r *replayer) read(f *os.File) ([]byte, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := int(info.Size())
	if cap(r.buf) < size {
		r.buf = make([]byte, size)
	}
	n, err := f.ReadAt(r.buf[:size], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return r.buf[:n], nil
}

// frames applies the frames of seg, whose bytes are data, and returns where
// its valid frames end. Zeros from there to the end of the file are free
// space, filled ahead and not yet used. Damage is skipped over up to the
// next valid frame; damage with no valid frame after it, in the newest
// segment, is a torn write, and is zeroed.
func (r *replayer) frames(seg *segment, data []byte, newest bool) (int64, error) {
	rec := &r.s.recovery
	pos := segmentHeaderLen
	for pos < len(data) {
		f, err := parseFrame(data[pos:], seg.salt)
		if err == nil {
			err = r.apply(seg, int64(pos), &f)
		}
		if err == nil {
			pos += f.size
			continue
		}
		if f.size > 0 { // intact, by its checksum, but meaningless
			rec.CorruptFrames++
			rec.SkippedBytes += int64(f.size)
			pos += f.size
			continue
		}
		end := pos + written(data[pos:])
		if end == pos {
			return int64(pos), nil // free space: no frame starts with a zero
		}
		// Not data[:end]: a frame may end in zeros.
		next := nextFrame(data, pos+1, seg.salt)
		if next < 0 && newest {
			rec.TornBytes += int64(end - pos)
			if err := zero(seg.f, data[pos:end], int64(pos)); err != nil {
				return 0, err
			}
			return int64(pos), nil
		}
		if next < 0 {
			next = end
		}
		rec.CorruptFrames++
		rec.SkippedBytes += int64(next - pos)
		pos = next
	}
	return int64(len(data)), nil
}

// written returns the length of data without the zeros at its end: the
// bytes of a segment that were ever written, as far as anyone can tell (a
// write whose last bytes were zeros cannot be told from free space, and
// needs no telling).
func written(data []byte) int {
	return len(bytes.TrimRight(data, "\x00"))
}

// nextFrame returns the offset of the first frame at or after from whose
// checksum holds, or -1.
func nextFrame(data []byte, from int, salt uint32) int {
	for from < len(data) {
		i := bytes.IndexByte(data[from:], frameMagic)
		if i < 0 {
			return -1
		}
		from += i
		if f, _ := parseFrame(data[from:], salt); f.size > 0 {
			return from
		}
		from++
	}
	return -1
}

// zero overwrites a torn tail, torn (f's bytes at off, in the replay
// buffer), with zeros, durably. The next group is written at off and may
// be shorter than what was torn there, and the torn bytes left after it
// would then be reported again at the next replay: as a torn tail, or as
// corruption once frames follow them. Zeros are free space. Truncating
// would serve as well, but would give up the space filled ahead.
func zero(f *os.File, torn []byte, off int64) error {
	clear(torn)
	if _, err := f.WriteAt(torn, off); err != nil {
		return fmt.Errorf("journal: zero torn tail of %s: %w", f.Name(), err)
	}
	if err := datasync(f); err != nil {
		return fmt.Errorf("journal: sync %s: %w", f.Name(), err)
	}
	return nil
}

// apply applies one intact frame at off in seg to the index. An error means
// its record does not decode; the frame is then skipped.
func (r *replayer) apply(seg *segment, off int64, f *frame) error {
	if f.kind == kindRelease {
		seg.maxExp = max(seg.maxExp, f.expiresAt)
		delete(r.s.index, string(f.callID))
		return nil
	}
	rec, err := recordcodec.Decode("", f.record[:len(f.record)-f.respLen])
	if err != nil {
		return err
	}
	want := store.Running
	if f.kind == kindComplete {
		want = store.Done
	}
	if rec.State != want || rec.ExpiresAt.IsZero() {
		return fmt.Errorf("%w: a %s record with expiry %v in a frame of kind %d", errFrame, rec.State, rec.ExpiresAt, f.kind)
	}
	expires := rec.ExpiresAt.UnixNano()
	seg.maxExp = max(seg.maxExp, expires)
	e := r.s.index[string(f.callID)]
	if r.now >= expires {
		if e != nil {
			delete(r.s.index, e.id)
		}
		return nil
	}
	if e == nil {
		e = &entry{id: string(f.callID)}
		r.s.index[e.id] = e
	}
	rec.CallID, rec.Owner, rec.OwnerBoot = e.id, r.intern(rec.Owner), r.intern(rec.OwnerBoot)
	*e = entryOf(rec)
	if rec.State == store.Done {
		e.seq, e.off, e.size = seg.seq, off, f.size
	}
	return nil
}

// intern returns the kept copy of s.
func (r *replayer) intern(s string) string {
	if kept, ok := r.interned[s]; ok {
		return kept
	}
	r.interned[s] = s
	return s
}
