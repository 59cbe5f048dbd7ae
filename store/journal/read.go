package journal

import (
	"errors"
	"fmt"
	"io"

	"github.com/otc-dev/otc/store"
)

// readUnlock returns e's record. A Running record comes from the index; a
// Done record's response is read back from its frame, without s.mu, so that
// a large read holds up nobody. s.mu is held, and readUnlock releases it.
func (s *Store) readUnlock(e *entry) (store.Record, error) {
	rec := e.record()
	if e.state != store.Done {
		s.mu.Unlock()
		return rec, nil
	}
	seg, off, size := s.segs[e.seq], e.off, e.size
	// Taken before s.mu is let go: Sweep takes s.mu to choose the segments
	// it closes, so the segment stays open until the read is done.
	s.filesMu.RLock()
	s.mu.Unlock()
	defer s.filesMu.RUnlock()
	response, err := readResponse(seg, off, size, rec.CallID)
	if err != nil {
		return store.Record{}, err
	}
	rec.Response = response
	return rec, nil
}

// readResponse reads the complete frame of callID at off in seg and returns
// its response. A frame that is not there, or not intact, is a
// *store.CorruptRecordError; a failure to read is store.ErrUnavailable.
func readResponse(seg *segment, off int64, size int, callID string) ([]byte, error) {
	corrupt := func(err error) error {
		return fmt.Errorf("journal: %w", &store.CorruptRecordError{CallID: callID, Err: err})
	}
	if seg == nil {
		return nil, corrupt(errors.New("its segment is gone"))
	}
	buf := make([]byte, size)
	if _, err := seg.f.ReadAt(buf, off); errors.Is(err, io.EOF) {
		return nil, corrupt(fmt.Errorf("%s ends before the record's frame at %d: %w", seg.path, off, err))
	} else if err != nil {
		return nil, fmt.Errorf("journal: read %s: %w: %w", seg.path, store.ErrUnavailable, err)
	}
	f, err := parseFrame(buf, seg.salt)
	switch {
	case err != nil:
	case f.size != size || f.kind != kindComplete:
		err = fmt.Errorf("%w: not the record's completion", errFrame)
	case string(f.callID) != callID:
		err = fmt.Errorf("%w: the frame is another call's", errFrame)
	}
	if err != nil {
		return nil, corrupt(fmt.Errorf("frame at %d of %s: %w", off, seg.path, err))
	}
	return f.response(), nil
}
