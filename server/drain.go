package server

import (
	"context"
	"sync"
	"time"

	"github.com/otc-dev/otc"
)

// shutdownCancelWait is how long Shutdown waits, after cancelling the
// calls still running, for them to return. A tool that ignores its context
// is then left behind: the process is about to exit anyway.
const shutdownCancelWait = 2 * time.Second

// drainRetryAfter is the Retry-After of calls refused while draining: by
// then another instance should be taking them.
const drainRetryAfter = time.Second

// drain tracks the calls in flight and the server's way out of service.
type drain struct {
	grace time.Duration

	// stop is cancelled by Shutdown once its context is done; every tool
	// call's context derives from it.
	stop       context.Context
	cancelStop context.CancelCauseFunc

	mu      sync.Mutex
	started time.Time // zero until StartDrain
	closed  bool      // Shutdown was called: refuse every new call
	active  int       // admitted calls and running tool goroutines
	idle    chan struct{}
	// quiet is closed, and set to nil, when active drops to zero: the
	// idle goroutines of the workers pool wait on it, so that they live
	// only while the server is busy (see workers).
	quiet chan struct{}
}

func (d *drain) init(grace time.Duration) {
	d.grace = grace
	d.stop, d.cancelStop = context.WithCancelCause(context.Background())
}

func (d *drain) start(now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started.IsZero() {
		d.started = now
	}
}

// draining reports whether /health should answer 503.
func (d *drain) draining() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closed || !d.started.IsZero()
}

// enter admits a new call, unless the server no longer takes calls. Every
// successful enter must be matched by one leave.
func (d *drain) enter(now time.Time) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed || !d.started.IsZero() && now.Sub(d.started) >= d.grace {
		return &otc.Error{Code: otc.CodeShuttingDown, Message: "The server is shutting down; try again.",
			RetryAfter: drainRetryAfter}
	}
	d.active++
	return nil
}

// hold counts one more unit of work (a tool goroutine) of an admitted
// call, so that Shutdown also waits for tools abandoned at their deadline.
func (d *drain) hold() {
	d.mu.Lock()
	d.active++
	d.mu.Unlock()
}

func (d *drain) leave() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.active--
	if d.active == 0 && d.idle != nil {
		close(d.idle)
		d.idle = nil
	}
	if d.active == 0 && d.quiet != nil {
		close(d.quiet)
		d.quiet = nil
	}
}

// busy returns a channel closed when no call is in flight any more, or nil
// when at most one is now: most likely the call of the tool that just
// returned, whose client, if it calls again, does so after it is done.
func (d *drain) busy() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.active <= 1 {
		return nil
	}
	if d.quiet == nil {
		d.quiet = make(chan struct{})
	}
	return d.quiet
}

// waitIdle waits until no call is in flight or ctx is done.
func (d *drain) waitIdle(ctx context.Context) error {
	d.mu.Lock()
	if d.active == 0 {
		d.mu.Unlock()
		return nil
	}
	if d.idle == nil {
		d.idle = make(chan struct{})
	}
	idle := d.idle
	d.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (d *drain) shutdown(ctx context.Context) error {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	err := d.waitIdle(ctx)
	d.cancelStop(errServerStopping)
	if err == nil {
		return nil
	}
	wait, cancel := context.WithTimeout(context.Background(), shutdownCancelWait)
	defer cancel()
	_ = d.waitIdle(wait)
	return err
}
