package journal

import (
	"math"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/internal/recordcodec"
)

// inflight is the write of an entry whose frame is not synced yet.
type inflight uint8

const (
	idle       inflight = iota
	claiming            // the claim is not durable: others wait
	completing          // the record reads Running until the completion is durable
	releasing           // the release is not durable: others wait
)

// entry is the index's view of one live record: every field but the
// response, which stays on disk in the frame at seq/off/size.
type entry struct {
	id, digest, owner, ownerBoot string
	// Times as recordcodec.UnixNano gives them: 0 for the zero time.
	created, lease, expires int64
	// Where a Done record's complete frame is.
	seq  uint64
	off  int64
	size int
	// heapIdx is the entry's position in the expiry heap, -1 once out.
	heapIdx int
	state   store.State
	write   inflight
}

// entryOf returns rec as the index holds it, out of the heap and with no
// write in flight. Claim and replay both build entries with it, so that the
// index keeps a record's fields one way.
func entryOf(rec store.Record) entry {
	return entry{
		id: rec.CallID, digest: rec.Digest, owner: rec.Owner, ownerBoot: rec.OwnerBoot,
		created: recordcodec.UnixNano(rec.CreatedAt), lease: recordcodec.UnixNano(rec.LeaseUntil), expires: recordcodec.UnixNano(rec.ExpiresAt),
		state: rec.State, heapIdx: -1,
	}
}

// newEntry returns a new entry of rec.
func newEntry(rec store.Record) *entry {
	e := entryOf(rec)
	return &e
}

// record returns the entry as a record, without the response.
func (e *entry) record() store.Record {
	return store.Record{
		CallID: e.id, Digest: e.digest, State: e.state, Owner: e.owner, OwnerBoot: e.ownerBoot,
		CreatedAt: recordcodec.FromUnixNano(e.created), LeaseUntil: recordcodec.FromUnixNano(e.lease), ExpiresAt: recordcodec.FromUnixNano(e.expires),
	}
}

// busy reports whether the entry's existence is in doubt: a claim or
// release of it is syncing, and others must wait to see how it ends.
func (e *entry) busy() bool { return e.write == claiming || e.write == releasing }

// expiredAt reports whether the entry is expired at now (Unix
// nanoseconds), as store.Expired does.
func (e *entry) expiredAt(now int64) bool { return now >= e.expires }

// clampNano returns t in Unix nanoseconds, saturated at the ends of int64
// (t.UnixNano is undefined beyond them): a clock reading far off is still
// ordered against every record time.
func clampNano(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// ExpiryNanos implements expiry.Item.
func (e *entry) ExpiryNanos() int64 { return e.expires }

// SetHeapIndex implements expiry.Item.
func (e *entry) SetHeapIndex(i int) { e.heapIdx = i }
