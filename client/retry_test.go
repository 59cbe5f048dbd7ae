package client_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/client"
)

// callIDs returns the call_id of every recorded request.
func callIDs(reqs []recorded) []string {
	ids := make([]string, len(reqs))
	for i, r := range reqs {
		ids[i] = r.Body.Request.CallID
	}
	return ids
}

// OTC: CALL-6, CALL-9 — a can_retry tool error is retried after its
// retry_after_ms with the same call_id.
func TestRetryToolErrorKeepsCallID(t *testing.T) {
	tests := []struct {
		name   string
		opts   []client.CallOption
		wantID string // empty: any generated id
	}{
		{name: "generated call_id"},
		{name: "caller's call_id", opts: []client.CallOption{client.WithCallID("call-42")}, wantID: "call-42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			srv := rec.serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n < 3 {
					toolFailure(w, "srv-id", otc.RetryableError("Busy.", 1500*time.Millisecond, "try again"))
					return
				}
				success(w, "srv-id", 3)
			})
			clock := newFakeClock()
			c, err := client.New(srv.URL, &client.Options{Clock: clock})
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.CallTool(context.Background(), "Math.Add", map[string]int{"a": 1, "b": 2}, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Success || res.Attempts != 3 || string(res.Value) != "3" {
				t.Errorf("result = %+v, want success with value 3 after 3 attempts", res)
			}
			ids := callIDs(rec.Requests())
			if ids[0] == "" || (tt.wantID != "" && ids[0] != tt.wantID) {
				t.Fatalf("call_id = %q, want %q (or a generated one)", ids[0], tt.wantID)
			}
			if diff := cmp.Diff([]string{ids[0], ids[0], ids[0]}, ids); diff != "" {
				t.Errorf("call_ids differ between attempts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]time.Duration{1500 * time.Millisecond, 1500 * time.Millisecond}, clock.Waits()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRetryLimits(t *testing.T) {
	retryable := func(_ int, w http.ResponseWriter, _ *http.Request) {
		toolFailure(w, "c", otc.RetryableError("Busy.", 0, "wait"))
	}
	tests := []struct {
		name         string
		policy       *client.RetryPolicy
		opts         []client.CallOption
		answer       func(int, http.ResponseWriter, *http.Request)
		wantAttempts int
		wantWaits    int
		wantCallID   bool // whether the request carried a call_id
	}{
		{name: "attempts are bounded; the last failure is the result", answer: retryable,
			policy: &client.RetryPolicy{MaxAttempts: 4}, wantAttempts: 4, wantWaits: 3, wantCallID: true},
		{name: "a tool error without can_retry is not retried", answer: func(_ int, w http.ResponseWriter, _ *http.Request) {
			toolFailure(w, "c", otc.NewToolError("No."))
		}, wantAttempts: 1, wantCallID: true},
		{name: "retry_after_ms beyond MaxDelay is left to the caller", answer: func(_ int, w http.ResponseWriter, _ *http.Request) {
			toolFailure(w, "c", otc.RetryableError("Busy.", time.Minute, ""))
		}, wantAttempts: 1, wantCallID: true},
		// OTC: CALL-6 — without retries the client sends no call_id and
		// the server's one is reported.
		{name: "retries off", answer: retryable, policy: &client.RetryPolicy{MaxAttempts: 1}, wantAttempts: 1},
		{name: "WithoutRetry", answer: retryable, opts: []client.CallOption{client.WithoutRetry()}, wantAttempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			srv := rec.serve(t, tt.answer)
			clock := newFakeClock()
			c, err := client.New(srv.URL, &client.Options{Clock: clock, Retry: tt.policy})
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.CallTool(context.Background(), "Math.Add", nil, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if res.Success || res.Error == nil {
				t.Fatalf("result = %+v, want the tool's failure as a value", res)
			}
			if res.Attempts != tt.wantAttempts || len(rec.Requests()) != tt.wantAttempts {
				t.Errorf("attempts = %d, requests = %d, want %d", res.Attempts, len(rec.Requests()), tt.wantAttempts)
			}
			if got := len(clock.Waits()); got != tt.wantWaits {
				t.Errorf("waits = %v, want %d", clock.Waits(), tt.wantWaits)
			}
			sent := rec.Requests()[0].Body.Request.CallID
			if (sent != "") != tt.wantCallID {
				t.Errorf("sent call_id %q, want one: %v", sent, tt.wantCallID)
			}
			if res.CallID == "" {
				t.Error("result has no call_id")
			}
			if !tt.wantCallID && res.CallID != "c" {
				t.Errorf("CallID = %q, want the server's", res.CallID)
			}
		})
	}
}

// Connection failures and 502/503/504 answers are retried with jittered
// backoff, or after the server's Retry-After.
func TestRetryUnavailable(t *testing.T) {
	dropConnection := func(w http.ResponseWriter) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}
	tests := []struct {
		name    string
		fail    func(w http.ResponseWriter)
		checkWt func(t *testing.T, waits []time.Duration)
	}{
		{name: "503 with Retry-After", fail: func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "2")
			writeJSON(w, 503, otc.ServerErrorResponse{Message: "Draining."})
		}, checkWt: func(t *testing.T, waits []time.Duration) {
			if diff := cmp.Diff([]time.Duration{2 * time.Second, 2 * time.Second}, waits); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		}},
		{name: "502 without Retry-After", fail: func(w http.ResponseWriter) {
			w.WriteHeader(502)
		}, checkWt: checkBackoff},
		{name: "504", fail: func(w http.ResponseWriter) { w.WriteHeader(504) }, checkWt: checkBackoff},
		{name: "connection dropped", fail: dropConnection, checkWt: checkBackoff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			srv := rec.serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n%3 != 0 {
					tt.fail(w)
					return
				}
				if r.URL.Path == "/tools" {
					listOK(n, w, r)
					return
				}
				success(w, "x", "ok")
			})
			clock := newFakeClock()
			c, err := client.New(srv.URL, &client.Options{Clock: clock,
				Retry: &client.RetryPolicy{BaseDelay: 100 * time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.CallTool(context.Background(), "Math.Add", nil)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Success || res.Attempts != 3 {
				t.Errorf("result = %+v, want success after 3 attempts", res)
			}
			ids := callIDs(rec.Requests())
			if ids[0] == "" || ids[1] != ids[0] || ids[2] != ids[0] {
				t.Errorf("call_ids = %q, want one id repeated", ids)
			}
			tt.checkWt(t, clock.Waits())

			// GET /tools is retried alike.
			if _, err := c.ListTools(context.Background()); err != nil {
				t.Fatalf("ListTools: %v", err)
			}
			if n := len(rec.Requests()); n != 6 {
				t.Errorf("%d requests, want 6", n)
			}
		})
	}
}

// checkBackoff checks two waits of jittered exponential backoff from a base
// of 100ms: the first within [50ms, 100ms], the second within [100ms, 200ms].
func checkBackoff(t *testing.T, waits []time.Duration) {
	t.Helper()
	if len(waits) != 2 {
		t.Fatalf("waits = %v, want 2", waits)
	}
	for i, bounds := range [][2]time.Duration{{50 * time.Millisecond, 100 * time.Millisecond}, {100 * time.Millisecond, 200 * time.Millisecond}} {
		if waits[i] < bounds[0] || waits[i] > bounds[1] {
			t.Errorf("wait %d = %s, want within %s", i, waits[i], bounds)
		}
	}
}

func TestRetryUnavailableExhausted(t *testing.T) {
	var rec recorder
	srv := rec.serve(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 503, otc.ServerErrorResponse{Message: "Draining."})
	})
	c, err := client.New(srv.URL, &client.Options{Clock: newFakeClock()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CallTool(context.Background(), "Math.Add", nil)
	var se *client.StatusError
	if !errors.As(err, &se) || se.StatusCode != 503 {
		t.Fatalf("error %T %v, want *StatusError 503", err, err)
	}
	if n := len(rec.Requests()); n != client.DefaultMaxAttempts {
		t.Errorf("%d requests, want %d", n, client.DefaultMaxAttempts)
	}
}

// blockingClock never fires: a wait on it ends only with the context.
type blockingClock struct{ waited chan time.Duration }

func (blockingClock) Now() time.Time { return time.Now() }
func (b blockingClock) After(d time.Duration) <-chan time.Time {
	b.waited <- d
	return nil
}

func TestCancellation(t *testing.T) {
	t.Run("during a request", func(t *testing.T) {
		var rec recorder
		release := make(chan struct{})
		held := make(chan struct{}, 1)
		t.Cleanup(func() { close(release) })
		srv := rec.serve(t, func(_ int, w http.ResponseWriter, r *http.Request) {
			held <- struct{}{}
			select {
			case <-r.Context().Done():
			case <-release:
			}
		})
		c, err := client.New(srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-held // the server holds the request
			cancel()
		}()
		_, err = c.CallTool(ctx, "Math.Add", nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
		var te *client.TransportError
		if errors.As(err, &te) {
			t.Errorf("cancellation reported as a transport error: %v", err)
		}
		if n := len(rec.Requests()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
	t.Run("during a retry wait", func(t *testing.T) {
		var rec recorder
		srv := rec.serve(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			toolFailure(w, "c", otc.RetryableError("Busy.", time.Second, ""))
		})
		clock := blockingClock{waited: make(chan time.Duration, 1)}
		c, err := client.New(srv.URL, &client.Options{Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-clock.waited
			cancel()
		}()
		_, err = c.CallTool(ctx, "Math.Add", nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
		if n := len(rec.Requests()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
	t.Run("a wait past the deadline returns the result in hand", func(t *testing.T) {
		var rec recorder
		srv := rec.serve(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			toolFailure(w, "c", otc.RetryableError("Busy.", 5*time.Second, ""))
		})
		clock := newFakeClock()
		c, err := client.New(srv.URL, &client.Options{Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		ctx2, cancel2 := context.WithDeadline(ctx, time.Now().Add(2*time.Second))
		defer cancel2()
		res, err := c.CallTool(ctx2, "Math.Add", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !res.CanRetry() || res.RetryAfter() != 5*time.Second || len(clock.Waits()) != 0 {
			t.Errorf("result = %+v, waits %v; want the retryable failure at once", res, clock.Waits())
		}
	})
}
