package journal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/otc-dev/otc/store"
)

// sweepChunk caps the entries one hold of the lock removes, so that a large
// sweep lets calls through between chunks.
const sweepChunk = 4096

// Sweep implements store.Store. It removes the records expired at now from
// the index, soonest first off the expiry heap, and then deletes every
// segment but the newest whose frames all describe expired records. A
// record whose frame is damaged goes like any other: the index, not the
// frame, knows its expiry. The frames of a swept record stay on disk until
// their segment goes, and a reopened store drops them again as expired
// (unless its clock was set back before now in the meantime).
func (s *Store) Sweep(ctx context.Context, now time.Time) (int, error) {
	nowNano := clampNano(now)
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		s.mu.Lock()
		if err := s.readable(); err != nil {
			s.mu.Unlock()
			return total, err
		}
		n := 0
		for n < sweepChunk && len(s.byExp) > 0 && s.byExp[0].expiredAt(nowNano) {
			s.drop(s.byExp[0])
			n++
		}
		total += n
		if n < sweepChunk {
			break // s.mu stays held for the segments
		}
		s.mu.Unlock()
	}
	var dead []*segment
	for seq, seg := range s.segs {
		if seq != s.active && nowNano >= seg.maxExp {
			delete(s.segs, seq)
			dead = append(dead, seg)
		}
	}
	retry := s.condemned
	s.condemned = nil
	s.mu.Unlock()
	return total, s.deleteSegments(dead, retry)
}

// deleteSegments closes and removes dead segments, and retries the removal
// of the files in retry. Files that cannot be removed are kept for the next
// Sweep: they hold only expired records, and a reopened store would replay
// and drop them.
func (s *Store) deleteSegments(dead []*segment, retry []string) error {
	if len(dead) == 0 && len(retry) == 0 {
		return nil
	}
	s.filesMu.Lock() // no read is using these files
	for _, seg := range dead {
		seg.f.Close() // read-only, or fully synced: nothing to lose
		retry = append(retry, seg.path)
	}
	s.filesMu.Unlock()
	var failed []string
	var errs []error
	for _, path := range retry {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			failed = append(failed, path)
			errs = append(errs, err)
		}
	}
	if err := syncDir(s.dir); err != nil {
		errs = append(errs, err)
	}
	if len(failed) > 0 {
		s.mu.Lock()
		s.condemned = append(s.condemned, failed...)
		s.mu.Unlock()
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("journal sweep: delete expired segments: %w: %w", store.ErrUnavailable, err)
	}
	return nil
}
