// Package load is the closed-loop HTTP/1.1 load generator of the benchmark
// harness. Each of a fixed number of workers owns one keep-alive TCP
// connection and sends its next request as soon as the previous response has
// been read, so the offered load adapts to the server: requests per second
// and latency are two views of the same closed loop.
//
// Requests are prebuilt byte strings written straight to the connection, and
// responses are read by a minimal parser (status line, framing headers,
// body). Compared with net/http's client this spends several times less CPU
// per request in the generator, which on a machine with few cores is CPU the
// server under test gets instead. Correctness of each response is checked by
// a caller-supplied function.
package load

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// Builder writes the requests of one connection.
type Builder interface {
	// AppendRequest appends the complete bytes of the next HTTP/1.1 request
	// (request line, headers, body) to b and returns the extended slice.
	AppendRequest(b []byte) []byte
}

// Static is a Builder that sends the same request every time.
type Static []byte

// AppendRequest appends s.
func (s Static) AppendRequest(b []byte) []byte { return append(b, s...) }

var _ Builder = Static(nil)

// CheckFunc decides whether a response is a correct answer to req. full is
// true during warm-up, where a check may afford to decode the whole body;
// during the measured window it should be cheap, since it runs in the
// generator's share of the CPU. A non-nil error counts the request as an
// error and reopens the connection.
type CheckFunc func(req []byte, resp *Response, full bool) error

// Options configure a run. The zero value of each field has the meaning its
// comment gives.
type Options struct {
	// Addr is the server's host:port. Required.
	Addr string
	// Concurrency is the number of workers, each with one connection.
	// Zero means 32.
	Concurrency int
	// Warmup is run before the measured window; its requests are checked
	// (fully) but not measured. Zero means no warm-up.
	Warmup time.Duration
	// Duration is the measured window. Zero means 10 s.
	Duration time.Duration
	// Timeout bounds one request, from the first byte written to the last
	// byte read. Zero means 10 s.
	Timeout time.Duration
	// NewBuilder returns the request builder of a new connection of worker
	// w; it is called again whenever the worker reconnects, so it is where
	// per-connection credentials are minted. Required.
	NewBuilder func(worker int) (Builder, error)
	// Check validates each response. Nil accepts any 2xx status.
	Check CheckFunc
	// Dial opens a connection. Nil uses a net.Dialer with a 5 s timeout.
	Dial func(ctx context.Context, addr string) (net.Conn, error)
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// Window, when not nil, is called once with the bounds of the measured
	// window as soon as they are known (before any worker starts), so that a
	// caller can sample server-side counters at the same instants.
	Window func(start, end time.Time)
}

// Result is the outcome of a run.
type Result struct {
	// Requests is the number of correct responses completed inside the
	// measured window.
	Requests uint64
	// Errors counts failed or wrong responses, in the warm-up and in the
	// measured window alike.
	Errors uint64
	// ErrorSamples holds up to five distinct error messages.
	ErrorSamples []string
	// Elapsed is the length of the measured window.
	Elapsed time.Duration
	// Latency holds the latencies of the measured requests.
	Latency *Histogram
	// Reconnects counts connections opened beyond the first of each worker.
	Reconnects uint64
}

// RPS returns the measured requests per second.
func (r *Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// maxErrorSamples bounds Result.ErrorSamples.
const maxErrorSamples = 5

// Run drives the load described by o and returns when the measured window
// has ended (or ctx is done, in which case it returns ctx's error along with
// what was measured so far).
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Addr == "" || o.NewBuilder == nil {
		return nil, errors.New("load: Addr and NewBuilder are required")
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 32
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Check == nil {
		o.Check = func(_ []byte, r *Response, _ bool) error {
			if r.Status/100 != 2 {
				return fmt.Errorf("status %d", r.Status)
			}
			return nil
		}
	}
	if o.Dial == nil {
		d := &net.Dialer{Timeout: 5 * time.Second}
		o.Dial = func(ctx context.Context, addr string) (net.Conn, error) {
			return d.DialContext(ctx, "tcp", addr)
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}

	begin := o.Now()
	measureAt := begin.Add(o.Warmup)
	stopAt := measureAt.Add(o.Duration)
	if o.Window != nil {
		o.Window(measureAt, stopAt)
	}

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := make([]*worker, o.Concurrency)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{id: i, o: &o, measureAt: measureAt, stopAt: stopAt}
		workers[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(ctx)
		}()
	}

	// At the end of the window, or on cancellation, unblock every worker
	// that waits on the network: whatever it is waiting for no longer counts.
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	timer := time.NewTimer(stopAt.Sub(o.Now()))
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
	case <-ctx.Done():
	}
	cancel()
	for _, w := range workers {
		w.interrupt()
	}
	<-done

	res := &Result{Elapsed: o.Duration, Latency: new(Histogram)}
	seen := map[string]bool{}
	for _, w := range workers {
		res.Requests += w.requests
		res.Errors += w.errors
		res.Reconnects += w.reconnects
		res.Latency.Merge(&w.hist)
		for _, s := range w.samples {
			if !seen[s] && len(res.ErrorSamples) < maxErrorSamples {
				seen[s] = true
				res.ErrorSamples = append(res.ErrorSamples, s)
			}
		}
	}
	if now := o.Now(); now.Before(stopAt) {
		// Cancelled early: the window is what actually ran.
		res.Elapsed = max(now.Sub(measureAt), 0)
	}
	return res, parent.Err()
}

// worker is one closed loop: one connection, one request in flight.
type worker struct {
	id                int
	o                 *Options
	measureAt, stopAt time.Time

	mu   sync.Mutex // guards conn against interrupt
	conn net.Conn

	hist       Histogram
	requests   uint64
	errors     uint64
	reconnects uint64
	samples    []string
}

func (w *worker) run(ctx context.Context) {
	var (
		br      *bufio.Reader
		builder Builder
		req     []byte
		body    []byte
		dialed  bool
	)
	for ctx.Err() == nil {
		if w.current() == nil {
			conn, err := w.o.Dial(ctx, w.o.Addr)
			if err == nil {
				builder, err = w.o.NewBuilder(w.id)
				if err != nil {
					conn.Close()
				}
			}
			if err != nil {
				if ctx.Err() != nil || !w.o.Now().Before(w.stopAt) {
					return
				}
				w.fail(fmt.Errorf("connect: %w", err))
				// A refused connection fails at once; pause so that a dead
				// server does not turn the worker into a busy loop.
				select {
				case <-ctx.Done():
				case <-time.After(10 * time.Millisecond):
				}
				continue
			}
			if dialed {
				w.reconnects++
			}
			dialed = true
			if !w.setConn(conn) {
				return // interrupted while dialling
			}
			if br == nil {
				br = bufio.NewReaderSize(conn, 16<<10)
			} else {
				br.Reset(conn)
			}
		}
		conn := w.current()

		req = builder.AppendRequest(req[:0])
		start := w.o.Now()
		_ = conn.SetDeadline(start.Add(w.o.Timeout))
		var resp Response
		_, err := conn.Write(req)
		if err == nil {
			resp, body, err = ReadResponse(br, false, body)
		}
		end := w.o.Now()
		if !end.Before(w.stopAt) || ctx.Err() != nil {
			w.closeConn()
			return // finished after the window: not counted either way
		}
		measuring := !end.Before(w.measureAt)
		if err == nil {
			if cerr := w.o.Check(req, &resp, !measuring); cerr != nil {
				err = fmt.Errorf("status %d: %w", resp.Status, cerr)
			}
		}
		if err != nil {
			w.fail(err)
			w.closeConn()
			continue
		}
		if measuring {
			w.hist.Record(end.Sub(start))
			w.requests++
		}
		if resp.Close {
			w.closeConn()
		}
	}
	w.closeConn()
}

func (w *worker) fail(err error) {
	w.errors++
	if len(w.samples) < maxErrorSamples {
		w.samples = append(w.samples, err.Error())
	}
}

func (w *worker) current() net.Conn {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.conn
}

// setConn installs c unless the run is over (stopAt passed and interrupt
// ran), in which case it closes c and returns false.
func (w *worker) setConn(c net.Conn) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn == closedConn {
		c.Close()
		return false
	}
	w.conn = c
	return true
}

func (w *worker) closeConn() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn != nil && w.conn != closedConn {
		w.conn.Close()
		w.conn = nil
	}
}

// interrupt closes the worker's connection, failing any read or write in
// progress, and keeps it from installing a new one.
func (w *worker) interrupt() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn != nil && w.conn != closedConn {
		w.conn.Close()
	}
	w.conn = closedConn
}

// closedConn marks a worker whose run is over.
var closedConn net.Conn = &net.TCPConn{}
