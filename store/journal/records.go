package journal

import (
	"context"
	"fmt"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/internal/recordcodec"
)

// Claim implements store.Store. A repeat of a live call is answered from the
// index (and, for a Done record, its frame); only a new claim writes.
func (s *Store) Claim(ctx context.Context, rec store.Record) (store.Record, bool, error) {
	return s.claim(ctx, rec, true)
}

// ClaimVolatile is Claim without the claim's write: a new record is Running
// in this process's memory only, at once, until Complete writes the whole
// record (or Release a tombstone, as after Claim). The call then waits for
// one sync instead of two. A crash before the completion is durable leaves
// no trace of the call, so a retry with its call_id runs it again, where
// after Claim the retry would learn that the outcome is unknown. This is for
// calls that may run twice: the server uses it for tools declared
// idempotent (otc.ToolSpec.Idempotent). Repeats, conflicts and limits are
// as for Claim.
func (s *Store) ClaimVolatile(ctx context.Context, rec store.Record) (store.Record, bool, error) {
	return s.claim(ctx, rec, false)
}

// claim is Claim, which makes a new record durable before it returns, and
// ClaimVolatile, which does not write it.
func (s *Store) claim(ctx context.Context, rec store.Record, durable bool) (store.Record, bool, error) {
	nowTime := s.now()
	if err := store.CheckClaim(rec, nowTime); err != nil {
		return store.Record{}, false, err
	}
	if err := ctx.Err(); err != nil {
		return store.Record{}, false, err
	}
	rec.State = store.Running
	rec.Response = nil
	header := recordcodec.Encode(rec)
	n := frameHeaderLen + recordPayloadLen(rec.CallID, header, nil)
	if n-frameHeaderLen > MaxPayload {
		return store.Record{}, false, fmt.Errorf("journal claim: %w: a record of %d bytes, above the journal's limit of %d", store.ErrInvalidRecord, n, MaxPayload)
	}
	now := clampNano(nowTime)

	s.mu.Lock()
	var e *entry
	for {
		var err error
		if e, err = s.settled(rec.CallID); err != nil {
			s.mu.Unlock()
			return store.Record{}, false, err
		}
		if e != nil && !e.expiredAt(now) {
			existing, err := s.readUnlock(e)
			return existing, false, err
		}
		if err := s.writable(); err != nil {
			s.mu.Unlock()
			return store.Record{}, false, err
		}
		if durable && !s.hasRoom(n) {
			s.cond.Wait()
			continue
		}
		// An expired e is replaced, which takes no more room.
		if e == nil && len(s.index) >= s.maxRecs {
			if err := s.makeRoom(now); err != nil {
				s.mu.Unlock()
				return store.Record{}, false, err
			}
		}
		break
	}
	if e != nil {
		s.drop(e) // expired, not swept yet
	}
	e = newEntry(rec)
	if !durable {
		s.insert(e)
		s.mu.Unlock()
		return store.Record{}, true, nil
	}
	e.write = claiming
	s.insert(e)
	g := s.open
	start := len(g.buf)
	g.buf = appendRecordFrame(g.buf, g.salt, kindClaim, rec.CallID, header, nil)
	s.queued(g, start, e.expires)
	s.mu.Unlock()

	<-g.done
	s.mu.Lock()
	e.write = idle
	if g.err != nil {
		s.drop(e)
	}
	s.cond.Broadcast() // claims and reads of this id waiting for the outcome
	s.mu.Unlock()
	if g.err != nil {
		return store.Record{}, false, writeFailed("claim", g.err)
	}
	return store.Record{}, true, nil
}

// Complete implements store.Store. A response longer than about MaxPayload
// is refused with an error wrapping store.ErrInvalidRecord.
func (s *Store) Complete(ctx context.Context, callID string, response []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e, err := s.lockRunning(callID, clampNano(s.now()), frameHeaderLen+len(callID)+len(response)+64)
	if err != nil {
		return err
	}
	rec := e.record()
	rec.State = store.Done
	header := recordcodec.Encode(rec) // the response follows it in the frame
	if n := recordPayloadLen(callID, header, response); n > MaxPayload {
		s.mu.Unlock()
		return fmt.Errorf("journal complete: %w: a response of %d bytes, above the journal's limit of %d", store.ErrInvalidRecord, len(response), MaxPayload)
	}
	e.write = completing // reads see Running until the completion is durable
	g := s.open
	start := len(g.buf)
	g.buf = appendRecordFrame(g.buf, g.salt, kindComplete, callID, header, response)
	off, size := s.queued(g, start, e.expires)
	s.mu.Unlock()

	<-g.done
	s.mu.Lock()
	e.write = idle
	if g.err == nil {
		e.state, e.seq, e.off, e.size = store.Done, g.seq, off, size
	}
	s.mu.Unlock()
	if g.err != nil {
		return writeFailed("complete", g.err)
	}
	return nil
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, callID string) (store.Record, error) {
	if err := ctx.Err(); err != nil {
		return store.Record{}, err
	}
	now := clampNano(s.now())
	s.mu.Lock()
	e, err := s.settled(callID)
	if err != nil {
		s.mu.Unlock()
		return store.Record{}, err
	}
	if e == nil || e.expiredAt(now) {
		s.mu.Unlock()
		return store.Record{}, store.ErrNotFound
	}
	return s.readUnlock(e)
}

// Release implements store.Store.
func (s *Store) Release(ctx context.Context, callID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e, err := s.lockRunning(callID, clampNano(s.now()), frameHeaderLen+releasePayloadLen(callID))
	if err != nil {
		return err
	}
	e.write = releasing // others wait: the record may or may not survive
	g := s.open
	start := len(g.buf)
	g.buf = appendReleaseFrame(g.buf, g.salt, callID, e.expires)
	s.queued(g, start, e.expires)
	s.mu.Unlock()

	<-g.done
	s.mu.Lock()
	e.write = idle
	if g.err == nil {
		s.drop(e)
	}
	s.cond.Broadcast()
	s.mu.Unlock()
	if g.err != nil {
		return writeFailed("release", g.err)
	}
	return nil
}

// settled returns callID's entry, nil if there is none, once no claim or
// release of it is in flight: the outcome of those is not known until
// their sync ends, and must not be guessed. s.mu is held (and released
// while waiting).
func (s *Store) settled(callID string) (*entry, error) {
	for {
		if err := s.readable(); err != nil {
			return nil, err
		}
		e := s.index[callID]
		if e == nil || !e.busy() {
			return e, nil
		}
		s.cond.Wait()
	}
}

// lockRunning locks s.mu and returns callID's entry when Complete or Release
// may change it at now: a live Running record with no completion in
// flight, and room in the open group for a frame of about need bytes.
// Otherwise s.mu is unlocked and the error says why: store.ErrNotFound,
// store.ErrNotRunning (or the *store.CorruptRecordError of a Done record
// whose frame is damaged, as the other stores report it), or the store's
// unavailability.
func (s *Store) lockRunning(callID string, now int64, need int) (*entry, error) {
	s.mu.Lock()
	for {
		e, err := s.settled(callID)
		switch {
		case err != nil:
		case e == nil || e.expiredAt(now):
			err = store.ErrNotFound
		case e.state == store.Done:
			if _, err := s.readUnlock(e); err != nil {
				return nil, err
			}
			return nil, store.ErrNotRunning
		case e.write == completing:
			err = store.ErrNotRunning // the first response stands
		default:
			err = s.writable()
		}
		if err != nil {
			s.mu.Unlock()
			return nil, err
		}
		if s.hasRoom(need) {
			return e, nil
		}
		s.cond.Wait()
	}
}
