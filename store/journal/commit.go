package journal

import (
	"fmt"
	"math"

	"github.com/otc-dev/otc/store"
)

// group is a run of frames written with one pwrite and synced with one
// fdatasync (group commit). Writers encode their frames straight into the
// open group's buffer, under Store.mu; the writer goroutine takes the
// whole group when the previous one is synced, so a group is what queued
// during the previous sync, with no timer.
//
// Where a group lands is fixed when it opens, right after the group
// before it, or at the start of the next segment once that one is full:
// a frame's offset on disk is known as it is encoded, and the index can
// point at it.
type group struct {
	seq    uint64 // the segment it goes to
	salt   uint32 // that segment's salt
	base   int64  // its offset in that segment
	buf    []byte
	maxExp int64 // the latest ExpiresAt of its frames
	// done is closed once the group is synced (err nil) or has failed.
	done chan struct{}
	err  error
}

// nextGroup returns the group that follows g in the log. s.mu is held.
func (s *Store) nextGroup(g *group) *group {
	next := &group{seq: g.seq, salt: g.salt, base: g.base + int64(len(g.buf)),
		buf: s.spare, maxExp: math.MinInt64, done: make(chan struct{})}
	s.spare = nil
	if next.base >= s.segSize {
		next.seq, next.salt, next.base = g.seq+1, newSalt(), segmentHeaderLen
	}
	return next
}

// hasRoom reports whether a frame of about n bytes may join the open group
// now. s.mu is held.
func (s *Store) hasRoom(n int) bool {
	l := len(s.open.buf)
	return l == 0 || l+n <= s.maxBatch
}

// queued accounts for a frame just appended to g's buffer at start: the
// group's expiry, and a wake-up for the writer if the frame is the group's
// first. It returns the frame's offset in its segment and its size.
// s.mu is held.
func (s *Store) queued(g *group, start int, expires int64) (off int64, size int) {
	g.maxExp = max(g.maxExp, expires)
	if start == 0 {
		s.wake()
	}
	return g.base + int64(start), len(g.buf) - start
}

// wake tells the writer that there may be a group to write.
func (s *Store) wake() {
	select {
	case s.kick <- struct{}{}:
	default: // a wake-up is pending already
	}
}

// writeLoop is the writer goroutine: it writes each group in turn until
// the store closes and the last group is written.
func (s *Store) writeLoop() {
	defer close(s.done)
	for {
		s.mu.Lock()
		for len(s.open.buf) == 0 {
			if s.closing {
				s.mu.Unlock()
				return
			}
			s.mu.Unlock()
			<-s.kick
			s.mu.Lock()
		}
		g := s.open
		s.open = s.nextGroup(g)
		s.cond.Broadcast() // the new group has room
		err, hook := s.failed, s.syncHook
		s.mu.Unlock()

		if err == nil {
			err = s.commit(g, hook)
		}

		s.mu.Lock()
		if err != nil && s.failed == nil {
			s.failed = err
		}
		if err == nil {
			seg := s.segs[g.seq]
			seg.maxExp = max(seg.maxExp, g.maxExp)
		}
		if cap(g.buf) <= 2*s.maxBatch { // a huge buffer is not kept
			s.spare = g.buf[:0]
		}
		g.buf = nil
		s.mu.Unlock()
		g.err = err
		close(g.done)
	}
}

// commit writes g at its offset and syncs it, first starting its segment if
// g is the first group of a new one, and then has the next segment
// prepared if this one is filling up. hook, for tests, runs between the
// write and the sync, and its error stands for a failed sync.
func (s *Store) commit(g *group, hook func() error) error {
	if g.seq != s.wseg.seq {
		seg, err := s.roll(g.seq, g.salt)
		if err != nil {
			return err
		}
		s.mu.Lock()
		s.segs[seg.seq] = seg
		s.active = seg.seq
		s.mu.Unlock()
		s.wseg = seg
	}
	if _, err := s.wseg.f.WriteAt(g.buf, g.base); err != nil {
		return fmt.Errorf("journal: write %s: %w", s.wseg.path, err)
	}
	if hook != nil {
		if err := hook(); err != nil {
			return err
		}
	}
	if err := datasync(s.wseg.f); err != nil {
		return fmt.Errorf("journal: sync %s: %w", s.wseg.path, err)
	}
	s.prepareNext(g.base + int64(len(g.buf)))
	return nil
}

// writeFailed wraps the failure of a caller's group.
func writeFailed(op string, err error) error {
	return fmt.Errorf("journal %s: %w: %w", op, store.ErrUnavailable, err)
}
