package server

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc"
)

// recordingObserver records CallObserver events.
type recordingObserver struct {
	mu     sync.Mutex
	events []string
}

func (o *recordingObserver) CallStarted(toolID string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, "start "+toolID)
}

func (o *recordingObserver) CallFinished(toolID, outcome string, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, "finish "+toolID+" "+outcome+" "+d.String())
}

func (o *recordingObserver) take() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	e := o.events
	o.events = nil
	return e
}

var _ CallObserver = (*recordingObserver)(nil)

// The deadline of a call: the tool's own, or the server's default.
func TestCallTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		obs := &recordingObserver{}
		s := newServer(t, Options{CallTimeout: 2 * time.Second, Observer: obs})
		start := time.Now()
		rec := post(s.Handler(), `{"request":{"tool_id":"Demo.Sleep","input":{"ms":60000}}}`)
		if elapsed := time.Since(start); elapsed != 2*time.Second {
			t.Errorf("answered after %v, want the 2s deadline", elapsed)
		}
		checkDocs(t, "POST", "/tools/call", rec)
		d := decode(t, rec)
		if d.Result.Success || d.Result.Error == nil || !strings.Contains(d.Result.Error.Message, "did not finish in time") || d.Result.Error.CanRetry {
			t.Errorf("want a timeout tool error, got %s", rec.Body)
		}
		if *d.Result.Duration != 2000 {
			t.Errorf("duration = %v ms, want 2000", *d.Result.Duration)
		}
		want := []string{"start Demo.Sleep@1.0.0", "finish Demo.Sleep@1.0.0 timeout 2s"}
		if diff := cmp.Diff(want, obs.take()); diff != "" {
			t.Errorf("observer (-want +got):\n%s", diff)
		}

		// Test.Stubborn ignores its context; its own 20ms deadline still
		// answers the client, and the tool finishes in the background.
		start = time.Now()
		rec = post(s.Handler(), `{"request":{"tool_id":"Test.Stubborn"}}`)
		if elapsed := time.Since(start); elapsed != 20*time.Millisecond {
			t.Errorf("stubborn tool answered after %v, want its 20ms deadline", elapsed)
		}
		if d := decode(t, rec); d.Result.Success {
			t.Errorf("stubborn tool: %s", rec.Body)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown did not see the abandoned tool return: %v", err)
		}
		if elapsed := time.Since(start); elapsed != 200*time.Millisecond {
			t.Errorf("Shutdown returned after %v, want when the stubborn tool returned (200ms)", elapsed)
		}
	})
}

// The tool's context ends when the client goes away.
func TestClientGoneCancelsTool(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		obs := &recordingObserver{}
		s := newServer(t, Options{Observer: obs})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			serve(s.Handler(), request{method: "POST", path: "/tools/call", ctx: ctx,
				body: `{"request":{"tool_id":"Demo.Sleep","input":{"ms":60000}}}`})
		}()
		time.Sleep(time.Second)
		cancel()
		<-done
		want := []string{"start Demo.Sleep@1.0.0", "finish Demo.Sleep@1.0.0 canceled 1s"}
		if diff := cmp.Diff(want, obs.take()); diff != "" {
			t.Errorf("observer (-want +got):\n%s", diff)
		}
	})
}

// Calls over a concurrency limit are refused at once, not queued.
func TestConcurrencyLimits(t *testing.T) {
	tests := []struct {
		name   string
		opts   Options
		first  string
		second string
	}{
		{"server limit", Options{MaxConcurrentCalls: 1},
			`{"request":{"tool_id":"Demo.Sleep","input":{"ms":1000}}}`, `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`},
		{"tool limit", Options{},
			`{"request":{"tool_id":"Test.Single","input":{"ms":1000}}}`, `{"request":{"tool_id":"Test.Single","input":{"ms":1}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newServer(t, tc.opts)
				done := make(chan struct{})
				go func() { post(s.Handler(), tc.first); close(done) }()
				synctest.Wait()
				start := time.Now()
				rec := post(s.Handler(), tc.second)
				if time.Since(start) != 0 {
					t.Error("the refused call waited")
				}
				if rec.Code != 400 || rec.Header().Get("Retry-After") != "1" || !strings.Contains(decode(t, rec).Message, "temporarily unavailable") {
					t.Errorf("over the limit: %d, Retry-After %q, %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
				}
				checkDocs(t, "POST", "/tools/call", rec)
				<-done
				if rec := post(s.Handler(), tc.second); rec.Code != 200 {
					t.Errorf("after the first call: %d %s", rec.Code, rec.Body)
				}
			})
		})
	}
}

// Observer outcomes for each way a call ends.
func TestObserverOutcomes(t *testing.T) {
	obs := &recordingObserver{}
	s := newServer(t, Options{Observer: obs, Now: fixedNow, ValidateOutput: true})
	tests := []struct {
		body string
		want []string
	}{
		{`{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`,
			[]string{"start Calculator.Add@1.0.0", "finish Calculator.Add@1.0.0 success 0s"}},
		{`{"request":{"tool_id":"Demo.Fail","input":{"mode":"error"}}}`,
			[]string{"start Demo.Fail@1.0.0", "finish Demo.Fail@1.0.0 tool_error 0s"}},
		{`{"request":{"tool_id":"Demo.Fail","input":{"mode":"panic"}}}`,
			[]string{"start Demo.Fail@1.0.0", "finish Demo.Fail@1.0.0 panic 0s"}},
		{`{"request":{"tool_id":"Test.BadOutput"}}`,
			[]string{"start Test.BadOutput@1.0.0", "finish Test.BadOutput@1.0.0 invalid_output 0s"}},
		{`{"request":{"call_id":"o","tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`,
			[]string{"start Calculator.Add@1.0.0", "finish Calculator.Add@1.0.0 success 0s"}},
		{`{"request":{"call_id":"o","tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`,
			[]string{"start Calculator.Add@1.0.0", "finish Calculator.Add@1.0.0 replayed 0s"}},
		// Refusals before a tool runs are not calls.
		{`{"request":{"tool_id":"Calculator.Add@1","input":{"a":"x"}}}`, nil},
		{`{"request":{"tool_id":"Nope.Nope"}}`, nil},
	}
	for _, tc := range tests {
		post(s.Handler(), tc.body)
		if diff := cmp.Diff(tc.want, obs.take()); diff != "" {
			t.Errorf("%s: observer (-want +got):\n%s", tc.body, diff)
		}
	}
}

// Each call is logged once, with its identifiers and outcome; a panic's
// stack and an output bug go into that one line.
func TestCallLog(t *testing.T) {
	logger, logs := newLogger()
	caller := &otc.Caller{Method: "jwt", Name: "agent-1"}
	s := newServer(t, Options{Logger: logger, Now: fixedNow, ValidateOutput: true})
	ctx := otc.WithCaller(context.Background(), caller)
	bodies := []string{
		`{"request":{"call_id":"c1","trace_id":"t1","tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`,
		`{"request":{"call_id":"c2","trace_id":"t2","tool_id":"Demo.Fail","input":{"mode":"panic"}}}`,
		`{"request":{"call_id":"c3","tool_id":"Test.BadOutput"}}`,
		`{"request":{"call_id":"c4","tool_id":"Calculator.Add@1","input":{"a":"x","b":2}}}`,
		`{"request":{"tool_id":`,
	}
	for _, b := range bodies {
		serve(s.Handler(), request{method: "POST", path: "/tools/call", body: b, ctx: ctx})
	}
	lines := logLines(t, logs)
	if len(lines) != len(bodies) {
		t.Fatalf("%d log lines for %d calls:\n%s", len(lines), len(bodies), logs)
	}
	pick := func(m map[string]any, keys ...string) map[string]any {
		out := map[string]any{}
		for _, k := range keys {
			if v, ok := m[k]; ok {
				out[k] = v
			}
		}
		return out
	}
	keys := []string{"msg", "level", "call_id", "trace_id", "tool_id", "caller", "outcome", "status", "duration_ms", "tool_bug", "code"}
	want := []map[string]any{
		{"msg": "call", "level": "INFO", "call_id": "c1", "trace_id": "t1", "tool_id": "Calculator.Add@1.0.0", "caller": "agent-1", "outcome": "success", "status": 200.0, "duration_ms": 0.0},
		{"msg": "call", "level": "ERROR", "call_id": "c2", "trace_id": "t2", "tool_id": "Demo.Fail@1.0.0", "caller": "agent-1", "outcome": "panic", "status": 200.0, "duration_ms": 0.0},
		{"msg": "call", "level": "ERROR", "call_id": "c3", "trace_id": "", "tool_id": "Test.BadOutput@1.0.0", "caller": "agent-1", "outcome": "invalid_output", "status": 200.0, "duration_ms": 0.0,
			"tool_bug": `otc: the output of Test.BadOutput@1.0.0 does not conform to its output schema: "n" must be an integer`},
		{"msg": "call", "level": "INFO", "call_id": "c4", "trace_id": "", "tool_id": "Calculator.Add@1.0.0", "caller": "agent-1", "outcome": "invalid_input", "status": 422.0, "duration_ms": 0.0, "code": "invalid_input"},
		{"msg": "call", "level": "INFO", "call_id": "", "trace_id": "", "tool_id": "", "caller": "agent-1", "outcome": "bad_request", "status": 400.0, "duration_ms": 0.0, "code": "bad_request"},
	}
	for i := range want {
		if diff := cmp.Diff(want[i], pick(lines[i], keys...)); diff != "" {
			t.Errorf("log line %d (-want +got):\n%s", i, diff)
		}
	}
	if stack, _ := lines[1]["stack"].(string); !strings.Contains(stack, "goroutine") {
		t.Errorf("the panic's stack is not logged: %v", lines[1])
	}
}
