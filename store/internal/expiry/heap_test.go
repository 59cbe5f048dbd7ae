package expiry

import (
	"container/heap"
	"math/rand/v2"
	"slices"
	"testing"
)

type item struct {
	exp int64
	idx int
}

func (i *item) ExpiryNanos() int64 { return i.exp }
func (i *item) SetHeapIndex(n int) { i.idx = n }

// The heap yields items soonest first, keeps every item's position right
// (so that Remove takes out the item asked for), and marks popped items.
func TestHeap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var h Heap[*item]
	var all []*item
	for range 500 {
		it := &item{exp: r.Int64N(1000)}
		heap.Push(&h, it)
		all = append(all, it)
	}
	for i, it := range h {
		if it.idx != i {
			t.Fatalf("item at %d records index %d", i, it.idx)
		}
	}
	// Remove a third of them by their recorded positions.
	removed := map[*item]bool{}
	for _, it := range all[:len(all)/3] {
		if got := heap.Remove(&h, it.idx).(*item); got != it {
			t.Fatalf("Remove(%d) took out another item", it.idx)
		}
		if it.idx != -1 {
			t.Fatalf("a removed item records index %d, want -1", it.idx)
		}
		removed[it] = true
	}
	var want []int64
	for _, it := range all {
		if !removed[it] {
			want = append(want, it.exp)
		}
	}
	slices.Sort(want)
	var got []int64
	for h.Len() > 0 {
		got = append(got, heap.Pop(&h).(*item).exp)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("popped %v, want %v", got, want)
	}
}
