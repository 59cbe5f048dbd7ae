package examples

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/otc-dev/otc"
)

// The Demo tools in this file show how the server runs tools: deadlines and
// cancellation (Sleep), failures and panics (Fail), and idempotency
// (Counter).

// SleepInput is the input of Demo.Sleep.
type SleepInput struct {
	MS int `json:"ms" jsonschema:"description=How long to sleep\\, in milliseconds (0 to 60000).,minimum=0,maximum=60000"`
}

// Slept is the output of Demo.Sleep.
type Slept struct {
	SleptMS int `json:"slept_ms" jsonschema:"description=How long the tool slept\\, in milliseconds."`
}

func sleep() *otc.Tool {
	return otc.MustNewTool(otc.ToolSpec{
		Toolkit: "Demo", Name: "Sleep", Version: "1.0.0",
		Description: "Sleeps for a number of milliseconds, then returns. Stops early with an error when the call is cancelled or times out.",
	}, func(ctx context.Context, in SleepInput) (Slept, error) {
		t := time.NewTimer(time.Duration(in.MS) * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
			return Slept{SleptMS: in.MS}, nil
		case <-ctx.Done():
			// A tool error for whoever reads it with otc.AsToolError, that
			// also wraps the context's error, so that a server can tell an
			// interrupted call from a failed one (errors.Is).
			te := &otc.ToolError{
				Message:          "The sleep was interrupted before it finished.",
				DeveloperMessage: "Demo.Sleep: " + context.Cause(ctx).Error(),
			}
			return Slept{}, fmt.Errorf("%w: %w", te, ctx.Err())
		}
	})
}

// FailInput is the input of Demo.Fail.
type FailInput struct {
	Mode string `json:"mode" jsonschema_description:"How to fail: error (a tool error that cannot be retried), retryable (a tool error that can be retried), or panic (the tool panics)." jsonschema:"enum=error,enum=retryable,enum=panic"`
}

func fail() *otc.Tool {
	return otc.MustNewTool(otc.ToolSpec{
		Toolkit: "Demo", Name: "Fail", Version: "1.0.0",
		Description: "Always fails, in the way asked for: a tool error, a retryable tool error, or a panic. Use it to see how failures are reported.",
	}, func(_ context.Context, in FailInput) (otc.NoValue, error) {
		switch in.Mode {
		case "error":
			return otc.NoValue{}, &otc.ToolError{
				Message:          "Demo.Fail failed, as asked.",
				DeveloperMessage: "Demo.Fail: mode error",
			}
		case "retryable":
			return otc.NoValue{}, otc.RetryableError("Demo.Fail failed, as asked; a retry may succeed.",
				time.Second, "Demo.Fail with mode retryable fails on every attempt.")
		case "panic":
			panic("Demo.Fail: mode panic")
		}
		return otc.NoValue{}, otc.NewToolError("Unknown mode: use error, retryable or panic.")
	})
}

// Count is the output of Demo.Counter.
type Count struct {
	Count    int64  `json:"count" jsonschema:"description=How many times this server instance has run the tool\\, this call included."`
	Instance string `json:"instance" jsonschema:"description=The id of the server instance that ran the tool."`
}

// counter counts its runs. Calling it twice with the same call_id shows
// idempotency: the repeat gets the first response, with the same count,
// because the tool does not run again (CALL-6).
func counter(instance string) *otc.Tool {
	var n atomic.Int64
	return otc.MustNewTool(otc.ToolSpec{
		Toolkit: "Demo", Name: "Counter", Version: "1.0.0",
		Description: "Counts how many times it has run on this server instance and names the instance. Repeating a call_id returns the first result without running the tool again.",
	}, func(context.Context, otc.NoValue) (Count, error) {
		return Count{Count: n.Add(1), Instance: instance}, nil
	})
}
