package audit

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
)

// gateWriter records each Write, after waiting for a value on release, and
// fails the writes whose number (from 0) is in fail.
type gateWriter struct {
	release chan struct{}
	fail    map[int]bool
	mu      sync.Mutex
	writes  []string
}

func (w *gateWriter) Write(p []byte) (int, error) {
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(w.writes)
	w.writes = append(w.writes, string(p))
	if w.fail[n] {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// returned reports the results that arrived on done so far, without waiting.
func returned(done chan error) int {
	n := 0
	for {
		select {
		case <-done:
			n++
		default:
			return n
		}
	}
}

// Lines that arrive while a write is in progress go out together in the next
// write, and no caller returns before the write carrying its line returned.
func TestGroupWriterBatches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := &gateWriter{release: make(chan struct{}), fail: map[int]bool{1: true}}
		g := newGroupWriter(w)
		first := make(chan error, 1)
		go func() { first <- g.writeLine([]byte("first\n")) }()
		synctest.Wait() // the first line is being written
		done := make(chan error, 10)
		for i := range 10 {
			go func() { done <- g.writeLine(fmt.Appendf(nil, "line %d\n", i)) }()
		}
		synctest.Wait()
		if n := returned(first) + returned(done); n != 0 {
			t.Fatalf("%d callers returned before any write finished", n)
		}
		w.release <- struct{}{}
		if err := <-first; err != nil {
			t.Fatalf("first line: %v", err)
		}
		synctest.Wait()
		if n := returned(done); n != 0 {
			t.Fatalf("%d callers returned before the write of their batch", n)
		}
		w.release <- struct{}{} // the second write, of all ten lines, fails
		for range 10 {
			if err := <-done; err == nil || err.Error() != "disk full" {
				t.Errorf("a line of the failed batch got error %v, want disk full", err)
			}
		}
		if len(w.writes) != 2 {
			t.Fatalf("%d writes, want 2: %q", len(w.writes), w.writes)
		}
		lines := strings.SplitAfter(w.writes[1], "\n")
		lines = lines[:len(lines)-1]
		slices.Sort(lines)
		var want []string
		for i := range 10 {
			want = append(want, fmt.Sprintf("line %d\n", i))
		}
		slices.Sort(want)
		if diff := cmp.Diff(want, lines); diff != "" {
			t.Errorf("second write (-want +got):\n%s", diff)
		}

		// The writer works again: a lone line is written at once, alone.
		go func() { w.release <- struct{}{} }()
		if err := g.writeLine([]byte("again\n")); err != nil || w.writes[2] != "again\n" {
			t.Errorf("after the failure: err %v, writes %q", err, w.writes)
		}
	})
}

// A batch stops taking lines at maxBatch bytes; later lines wait for the
// next one, so one write stays bounded however many requests finish at once.
func TestGroupWriterBatchLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := &gateWriter{release: make(chan struct{})}
		g := newGroupWriter(w)
		done := make(chan error, 5)
		go func() { done <- g.writeLine([]byte("first\n")) }()
		synctest.Wait()
		big := bytes.Repeat([]byte("x"), maxBatch/3+1)
		for range 4 { // three fill a batch, the fourth needs the next
			go func() { done <- g.writeLine(big) }()
			synctest.Wait()
		}
		for range 3 {
			w.release <- struct{}{}
		}
		for range 5 {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		var sizes []int
		for _, wr := range w.writes {
			sizes = append(sizes, len(wr))
		}
		if diff := cmp.Diff([]int{len("first\n"), 3 * len(big), len(big)}, sizes); diff != "" {
			t.Errorf("write sizes (-want +got):\n%s", diff)
		}
	})
}

// lineWriter checks that every write holds whole lines, and counts them.
type lineWriter struct {
	mu    sync.Mutex
	lines map[string]int
	bad   []string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(p) == 0 || p[len(p)-1] != '\n' {
		w.bad = append(w.bad, string(p))
	}
	for _, line := range strings.SplitAfter(string(p), "\n") {
		if line != "" {
			w.lines[line]++
		}
	}
	return len(p), nil
}

func (w *lineWriter) count(line string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lines[line]
}

// Under real concurrency every line is written exactly once, whole, before
// its caller returns.
func TestGroupWriterConcurrent(t *testing.T) {
	w := &lineWriter{lines: map[string]int{}}
	g := newGroupWriter(w)
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			for j := range 200 {
				line := fmt.Sprintf("writer %d line %d\n", i, j)
				if err := g.writeLine([]byte(line)); err != nil {
					t.Error(err)
					return
				}
				if n := w.count(line); n != 1 {
					t.Errorf("%q written %d times when writeLine returned", line, n)
					return
				}
			}
		})
	}
	wg.Wait()
	if len(w.lines) != 32*200 || len(w.bad) != 0 {
		t.Errorf("%d distinct lines, want %d; writes not ending a line: %q", len(w.lines), 32*200, w.bad)
	}
}
