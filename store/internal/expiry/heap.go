// Package expiry orders records by expiry for the stores that keep an
// index in memory (store/memory, store/journal), so that Sweep finds the
// expired ones at the top of a heap instead of scanning them all.
package expiry

// Item is an element of a Heap: its expiry, and the slot where the heap
// keeps its position, so that an item can be removed in O(log n) (with
// container/heap.Remove) rather than left behind for Sweep to skip.
type Item interface {
	// ExpiryNanos is the item's expiry in Unix nanoseconds.
	ExpiryNanos() int64
	// SetHeapIndex records the item's position in the heap, -1 once out.
	SetHeapIndex(i int)
}

// Heap orders items by expiry, soonest first. It implements
// container/heap.Interface; use it through container/heap.
type Heap[T Item] []T

// Len implements sort.Interface.
func (h Heap[T]) Len() int { return len(h) }

// Less implements sort.Interface: the sooner expiry first.
func (h Heap[T]) Less(i, j int) bool { return h[i].ExpiryNanos() < h[j].ExpiryNanos() }

// Swap implements sort.Interface and keeps the items' positions.
func (h Heap[T]) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].SetHeapIndex(i)
	h[j].SetHeapIndex(j)
}

// Push implements container/heap.Interface; x must be a T.
func (h *Heap[T]) Push(x any) {
	item := x.(T)
	item.SetHeapIndex(len(*h))
	*h = append(*h, item)
}

// Pop implements container/heap.Interface.
func (h *Heap[T]) Pop() any {
	old := *h
	n := len(old)
	item := old[n-1]
	var zero T
	old[n-1] = zero // let the item be collected
	*h = old[:n-1]
	item.SetHeapIndex(-1)
	return item
}
