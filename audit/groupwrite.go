package audit

import (
	"io"
	"sync"
)

// groupWriter writes lines to an io.Writer with group commit: the lines of
// requests that finish while a write is in progress are gathered into one
// batch, and one of those requests writes the whole batch with a single
// Write once the write in progress is done. Each caller still returns only
// after the Write holding its line returned, with that Write's error, so a
// record is never acknowledged before it reached the writer (no loss on a
// crash beyond what the writer itself buffers), and nothing is queued that
// a caller is not waiting for.
//
// Under load this turns one write system call per request into one per
// batch; a lone request writes at once, as before. Rejected: a background
// goroutine with a buffered channel, which either loses records on a crash
// (when requests do not wait) or costs two goroutine hand-offs per record
// (when they do).
type groupWriter struct {
	w io.Writer

	mu      sync.Mutex
	writing bool      // a batch is being written; its writer holds no lock
	pending *batch    // lines waiting for the next write, or nil
	free    *batch    // a written batch no caller refers to any more, for reuse
	room    sync.Cond // signalled when a full pending batch starts being written
}

// batch is the lines of one Write. Its fields are guarded by groupWriter.mu.
type batch struct {
	lines []byte
	refs  int // callers whose line is in it and who have not returned yet
	done  bool
	err   error
	// cond is signalled (Broadcast) when the batch was written, and
	// (Signal) when the write before it finished, to wake one of its
	// callers to write it.
	cond sync.Cond
}

// Bounds on a batch: maxBatch stops lines being added to a batch (callers
// wait for the next one), so that one Write stays reasonably small however
// many requests finish at once; maxKeep is the largest buffer kept for
// reuse, so that one burst does not pin memory for good.
const (
	maxBatch = 256 << 10
	maxKeep  = 64 << 10
)

func newGroupWriter(w io.Writer) *groupWriter {
	g := &groupWriter{w: w}
	g.room.L = &g.mu
	return g
}

// writeLine writes line (which it does not keep) in the next batch and
// returns the error of the Write that carried it.
func (g *groupWriter) writeLine(line []byte) error {
	g.mu.Lock()
	for g.pending != nil && len(g.pending.lines) >= maxBatch {
		g.room.Wait()
	}
	b := g.pending
	if b == nil {
		b = g.newBatch()
		g.pending = b
	}
	b.lines = append(b.lines, line...)
	b.refs++
	for g.writing && !b.done {
		b.cond.Wait()
	}
	if !b.done {
		// Nothing is being written and this batch is still pending: write
		// it, with the lines other callers added while they waited.
		g.pending = nil
		g.writing = true
		g.room.Broadcast()
		g.mu.Unlock()
		_, err := g.w.Write(b.lines)
		g.mu.Lock()
		b.done, b.err = true, err
		g.writing = false
		b.cond.Broadcast()
		if g.pending != nil {
			// Hand the next batch to one of its callers.
			g.pending.cond.Signal()
		}
	}
	err := b.err
	b.refs--
	if b.refs == 0 {
		g.recycle(b)
	}
	g.mu.Unlock()
	return err
}

// newBatch returns an empty batch, reusing a written one when there is
// one. It is called with g.mu held.
func (g *groupWriter) newBatch() *batch {
	b := g.free
	if b == nil {
		b = &batch{}
		b.cond.L = &g.mu
		return b
	}
	g.free = nil
	return b
}

// recycle keeps b, which no caller refers to any more, for the next batch.
// It is called with g.mu held.
func (g *groupWriter) recycle(b *batch) {
	if cap(b.lines) > maxKeep {
		b.lines = nil
	}
	b.lines, b.done, b.err = b.lines[:0], false, nil
	g.free = b
}
