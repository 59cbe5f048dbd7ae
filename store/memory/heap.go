package memory

import "github.com/otc-dev/otc/store"

// entry is one record and its position in the expiry heap. The position lets
// Release and Claim-over-expired remove it in O(log n) instead of leaving a
// stale heap entry behind for Sweep to skip.
type entry struct {
	rec   store.Record
	index int
}

// expiryHeap orders entries by ExpiresAt, soonest first; it implements
// container/heap.Interface.
type expiryHeap []*entry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].rec.ExpiresAt.Before(h[j].rec.ExpiresAt) }

func (h expiryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *expiryHeap) Push(x any) {
	e := x.(*entry)
	e.index = len(*h)
	*h = append(*h, e)
}

func (h *expiryHeap) Pop() any {
	old := *h
	n := len(old)
	e := old[n-1]
	old[n-1] = nil // let the record be collected
	*h = old[:n-1]
	e.index = -1
	return e
}
