package server

import (
	"context"
	"encoding/json"
	"errors"
	"runtime/debug"
	"sync"
	"time"

	"github.com/otc-dev/otc"
)

// errCallTimeout is the cause of a call context whose deadline passed.
var errCallTimeout = errors.New("server: call deadline exceeded")

// toolOutcome is what the goroutine running a tool hands back.
type toolOutcome struct {
	value json.RawMessage
	err   error
	panic any
	stack []byte
}

// timeoutOf returns the deadline of one call of a tool: its own, or the
// server's default.
func (s *Server) timeoutOf(spec otc.ToolSpec) time.Duration {
	if spec.Timeout > 0 {
		return spec.Timeout
	}
	return s.opts.CallTimeout
}

// run runs c's tool and returns its CallToolResponse. It returns an error
// only when the tool did not run: a concurrency limit refused it, or a
// typed tool could not decode its validated input (422).
//
// The tool runs in a goroutine of its own (from s.workers) under a context
// that ends at the call's deadline, when the client goes away, or when
// Shutdown gives up waiting. When the context ends first the answer goes
// out at once, saying the outcome is unknown, and the tool is left to
// notice its context: a tool that ignores it cannot hold the request,
// though it keeps its concurrency slot until it returns. A panic is recovered into a failure
// with a generic message; the stack goes only to the log.
func (s *Server) run(ctx context.Context, c *call, x *exchange) (otc.CallToolResponse, error) {
	res := otc.CallToolResponse{CallID: c.info.CallID}
	toolID := c.tool.ID()
	if err := s.limits.acquire(toolID, c.spec.MaxConcurrent); err != nil {
		return res, err
	}
	if o := s.opts.Observer; o != nil {
		o.CallStarted(toolID)
	}

	// One context for the three ends of a call (deadline, client gone,
	// Shutdown): a cancel-with-cause context under the deadline's would
	// cost three allocations more on every call. A call cancelled by
	// Shutdown is told apart by stopped, below, not by the context's cause.
	timeout := s.timeoutOf(c.spec)
	callCtx, cancel := context.WithTimeoutCause(ctx, timeout, errCallTimeout)
	defer cancel()
	toolCtx := otc.NewCallContext(callCtx, c.info, c.secrets, c.tokens)

	start := s.now()
	job := newToolJob(s, c, toolCtx)
	done := job.done
	s.drain.hold()
	s.workers.run(job)

	var out toolOutcome
	finished, stopped := true, false
	select {
	case out = <-done:
	case <-callCtx.Done():
		out, finished = returnedBy(done)
	case <-s.drain.stop.Done():
		// Shutdown gave up waiting. Watched here rather than with
		// context.AfterFunc on every call: that registers each call with
		// the one context all calls share, under its lock. Once the tool
		// returned or its context ended, no one needs to watch any more.
		stopped = true
		cancel()
		out, finished = returnedBy(done)
	}
	if finished {
		// The tool has answered: nothing refers to the job any more. A job
		// whose tool may still send on done is left to the collector.
		job.recycle()
	}
	elapsed := s.now().Sub(start)
	res.Duration = durationMS(elapsed)

	var outcome string
	switch {
	case !finished || out.err != nil && callCtx.Err() != nil:
		// The tool failed after its context ended: whatever it says, it
		// failed because of that (and which of the two the select saw
		// first must not change the answer).
		cause := context.Cause(callCtx)
		if stopped {
			cause = context.Cause(s.drain.stop)
		}
		outcome, res.Error = interrupted(cause, timeout)
	case out.panic != nil:
		outcome = OutcomePanic
		x.stack = out.stack
		res.Error = &otc.ToolError{Message: otc.GenericToolErrorMessage, DeveloperMessage: "the tool panicked"}
	case out.err != nil:
		var e *otc.Error
		if errors.As(out.err, &e) && e.Code == otc.CodeInvalidInput {
			s.observeFinish(toolID, OutcomeInvalidInput, elapsed)
			return res, e
		}
		outcome, res.Error = OutcomeToolError, otc.AsToolError(out.err)
	default:
		if bug := s.checkOutput(c.tool, out.value); bug != "" {
			outcome, x.bug = OutcomeInvalidOutput, bug
			res.Error = &otc.ToolError{Message: otc.GenericToolErrorMessage,
				DeveloperMessage: "the tool returned an invalid value: a bug of the tool"}
		} else {
			outcome, res.Success, res.Value = OutcomeSuccess, true, out.value
		}
	}
	x.outcome = outcome
	s.observeFinish(toolID, outcome, elapsed)
	return res, nil
}

// toolJob is one call of a tool on a pool goroutine: what the goroutine
// needs, and the channel it answers on. Jobs are recycled (with their
// channel) once the tool's answer was received, so that a call allocates
// neither a closure nor a channel.
type toolJob struct {
	s     *Server
	tool  *otc.Tool
	ctx   context.Context
	input json.RawMessage
	limit int
	done  chan toolOutcome
}

// newToolJob takes a job from s's pool. The pool is the Server's own, not
// the package's: a channel belongs to the synctest bubble it was made in,
// and a Server used in a bubble is made in it.
func newToolJob(s *Server, c *call, ctx context.Context) *toolJob {
	j, _ := s.toolJobs.Get().(*toolJob)
	if j == nil {
		j = &toolJob{done: make(chan toolOutcome, 1)}
	}
	j.s, j.tool, j.ctx, j.input, j.limit = s, c.tool, ctx, c.input, c.spec.MaxConcurrent
	return j
}

// run runs the tool and sends its outcome on done, on a pool goroutine.
func (j *toolJob) run() {
	s := j.s
	defer s.drain.leave()
	defer s.limits.release(j.tool.ID(), j.limit)
	defer func() {
		if p := recover(); p != nil {
			j.done <- toolOutcome{panic: p, stack: debug.Stack()}
		}
	}()
	v, err := j.tool.Call(j.ctx, j.input)
	j.done <- toolOutcome{value: v, err: err}
}

// recycle returns j to the pool. Only the caller that received the tool's
// outcome may call it: the channel is empty and the tool has returned.
func (j *toolJob) recycle() {
	s := j.s
	*j = toolJob{done: j.done}
	s.toolJobs.Put(j)
}

// returnedBy returns what the tool sent on done, if it has: a tool that
// returned just as its context ended still counts.
func returnedBy(done <-chan toolOutcome) (toolOutcome, bool) {
	select {
	case out := <-done:
		return out, true
	default:
		return toolOutcome{}, false
	}
}

func (s *Server) observeFinish(toolID, outcome string, d time.Duration) {
	if o := s.opts.Observer; o != nil {
		o.CallFinished(toolID, outcome, d)
	}
}

// checkOutput returns why value is not an acceptable result of tool, or "".
// The reason names the problem, never the value: a value may echo the
// input or be derived from a secret.
func (s *Server) checkOutput(tool *otc.Tool, value json.RawMessage) string {
	if len(value) > 0 && !json.Valid(value) {
		return "the tool returned invalid JSON"
	}
	if s.opts.ValidateOutput {
		if err := tool.ValidateOutput(value); err != nil {
			// An *otc.OutputError names the offending properties and rules,
			// never the value, so it may be logged.
			var oe *otc.OutputError
			if errors.As(err, &oe) {
				return oe.Error()
			}
			return "the tool's value does not match its output_schema"
		}
	}
	return ""
}

// interrupted describes a call whose context ended before its tool
// returned. Its effects are unknown, so it may not be retried blindly.
func interrupted(cause error, timeout time.Duration) (string, *otc.ToolError) {
	switch {
	case errors.Is(cause, errCallTimeout):
		return OutcomeTimeout, &otc.ToolError{
			Message:          "The tool did not finish in time; whether it took effect is unknown.",
			DeveloperMessage: "the call's deadline of " + timeout.String() + " passed"}
	case errors.Is(cause, errServerStopping):
		return OutcomeCanceled, &otc.ToolError{
			Message:          "The server shut down before the tool finished; whether it took effect is unknown.",
			DeveloperMessage: "cancelled by server shutdown"}
	}
	return OutcomeCanceled, &otc.ToolError{
		Message:          "The call was cancelled before the tool finished; whether it took effect is unknown.",
		DeveloperMessage: "the client went away"}
}

// bufferPool recycles response buffers of the call path. Buffers that grew
// large are dropped so that one big response does not pin its memory.
var bufferPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func getBuffer() *[]byte { return bufferPool.Get().(*[]byte) }

func putBuffer(b *[]byte) {
	if cap(*b) <= 64<<10 {
		bufferPool.Put(b)
	}
}
