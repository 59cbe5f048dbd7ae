package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/otc-dev/otc/bench/internal/load"
	"github.com/otc-dev/otc/bench/internal/procfs"
)

// cpuWindow samples the CPU time of the server process and of the generator
// (this process) at the start and end of the measured window, so that CPU
// per request covers exactly the requests that were measured.
type cpuWindow struct {
	pid  int
	done chan struct{}
	// Valid once done is closed; ok is false if /proc could not be read.
	server, generator time.Duration
	ok                bool
}

func newCPUWindow(pid int) *cpuWindow { return &cpuWindow{pid: pid, done: make(chan struct{})} }

// observe is a load.Options.Window: it samples at start and at end, from a
// goroutine of its own.
func (c *cpuWindow) observe(start, end time.Time) {
	go func() {
		defer close(c.done)
		time.Sleep(time.Until(start))
		s0, err1 := procfs.CPUTime(c.pid)
		g0, err2 := procfs.CPUTime(os.Getpid())
		time.Sleep(time.Until(end))
		s1, err3 := procfs.CPUTime(c.pid)
		g1, err4 := procfs.CPUTime(os.Getpid())
		if err1 == nil && err2 == nil && err3 == nil && err4 == nil {
			c.server, c.generator, c.ok = s1-s0, g1-g0, true
		}
	}()
}

// perRequest waits for the end sample and returns the CPU per request of
// the server and the generator, in microseconds (0 when unknown).
func (c *cpuWindow) perRequest(ctx context.Context, requests uint64) (server, generator float64) {
	select {
	case <-c.done:
	case <-ctx.Done():
		return 0, 0
	}
	if !c.ok || requests == 0 {
		return 0, 0
	}
	return us(c.server) / float64(requests), us(c.generator) / float64(requests)
}

// runTarget starts t's server, drives the load against it and stops it. A
// server that died during the run fails the target, whatever was measured.
func (h *harness) runTarget(ctx context.Context, t target) (res TargetResult) {
	res = TargetResult{Name: t.name, Label: t.label}
	spec, err := h.processSpec(t)
	if err != nil {
		res.Failure = err.Error()
		return res
	}
	p, err := startProcess(spec)
	if err != nil {
		res.Failure = err.Error()
		return res
	}
	defer func() {
		if err := p.stop(); err != nil && res.Failure == "" {
			res.Failure = err.Error()
		}
	}()
	startup, err := p.waitReady(ctx, h.cfg.readyTimeout)
	if err != nil {
		res.Failure = err.Error()
		return res
	}
	res.StartupMS = float64(startup) / float64(time.Millisecond)

	// A server that dies ends its run at once; the deferred stop reports it.
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-p.exited:
			cancel()
		case <-lctx.Done():
		}
	}()
	cpu := newCPUWindow(p.pid())
	lr, err := load.Run(lctx, load.Options{
		Addr:        p.addr,
		Concurrency: h.cfg.concurrency,
		Warmup:      h.cfg.warmup,
		Duration:    h.cfg.duration,
		Timeout:     h.cfg.timeout,
		NewBuilder:  h.newBuilder(t, p.addr),
		Check:       h.check(t),
		Window:      cpu.observe,
	})
	if err != nil {
		if ctx.Err() != nil {
			res.Failure = fmt.Sprintf("load: %v", err)
		}
		return res
	}
	res.Requests = lr.Requests
	res.RPS = lr.RPS()
	res.P50US = us(lr.Latency.Quantile(0.50))
	res.P90US = us(lr.Latency.Quantile(0.90))
	res.P99US = us(lr.Latency.Quantile(0.99))
	res.MaxUS = us(lr.Latency.Max())
	res.Errors = lr.Errors
	res.ErrorSamples = lr.ErrorSamples
	res.ServerCPUUS, res.GeneratorCPUUS = cpu.perRequest(ctx, lr.Requests)
	if lr.Requests == 0 && lr.Errors == 0 {
		res.Failure = "no request completed"
	}
	return res
}
