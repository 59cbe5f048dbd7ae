package memory

import "github.com/otc-dev/otc/store"

// entry is one record and its position in the expiry heap. The position lets
// Release and Claim-over-expired remove it in O(log n) instead of leaving a
// stale heap entry behind for Sweep to skip.
type entry struct {
	rec   store.Record
	index int
}

// ExpiryNanos implements expiry.Item. Claim keeps ExpiresAt within the
// range of Unix nanoseconds (store.CheckClaim), where the order of the
// numbers is the order of the times.
func (e *entry) ExpiryNanos() int64 { return e.rec.ExpiresAt.UnixNano() }

// SetHeapIndex implements expiry.Item.
func (e *entry) SetHeapIndex(i int) { e.index = i }
