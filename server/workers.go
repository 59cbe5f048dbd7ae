package server

import "sync/atomic"

// maxIdleWorkers bounds how many goroutines of the workers pool may wait
// for a call: enough for the concurrency of a busy server, few enough that
// their stacks (a few KiB each) do not matter.
const maxIdleWorkers = 128

// workers runs tool calls on goroutines that live on after a call, waiting
// for the next. A new goroutine per call starts with the smallest stack and
// grows it, a copy each time, as the tool decodes its input, on every
// call; a goroutine that has run a tool before keeps its grown stack. A
// call takes an idle goroutine if one is waiting and starts one otherwise,
// so calls never queue behind one another.
//
// Idle goroutines wait only while some call is in flight: when the server
// has nothing to do they all exit, so that an idle server holds no
// goroutines beyond those it had before its first call (a test's
// synctest bubble ends cleanly, Shutdown leaves nothing behind) and a
// burst leaves nothing behind. A Server used inside a synctest bubble must
// be created in it, as for anything else that keeps channels.
type workers struct {
	// jobs is unbuffered: a send succeeds only when an idle goroutine is
	// receiving, and then that goroutine runs the job at once.
	jobs  chan job
	idle  atomic.Int32
	drain *drain
}

func (w *workers) init(d *drain) {
	w.jobs = make(chan job)
	w.drain = d
}

// job is work for the pool: a *toolJob, or a jobFunc in tests.
type job interface{ run() }

// run runs f on an idle goroutine, or a new one.
func (w *workers) run(f job) {
	select {
	case w.jobs <- f:
	default:
		go w.loop(f)
	}
}

// loop runs f, then the jobs it receives, until the server is quiet or
// the pool has enough idle goroutines.
func (w *workers) loop(f job) {
	growStack()
	for {
		f.run()
		f = nil // drop the job's references while idle
		quiet := w.drain.busy()
		if quiet == nil {
			return
		}
		if w.idle.Add(1) > maxIdleWorkers {
			w.idle.Add(-1)
			return
		}
		select {
		case f = <-w.jobs:
			w.idle.Add(-1)
		case <-quiet:
			w.idle.Add(-1)
			return
		}
	}
}

// stackReserve is the stack a new pool goroutine makes room for before its
// first job: what decoding and validating a small input takes.
const stackReserve = 8 << 10

// growStack grows the calling goroutine's stack to hold stackReserve bytes
// at once, while the stack is shallow. Left to the tool, the stack would
// grow from the minimum in several steps, each copying and adjusting every
// frame of a deep call chain.
//
//go:noinline
func growStack() {
	var reserve [stackReserve]byte
	keep(reserve[:])
}

//go:noinline
func keep([]byte) {}
