package server

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// OTC: HEALTH-2: draining turns /health to 503 at once, refuses new calls
// after the grace period, and lets calls in flight finish.
func TestDrain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServer(t, Options{DrainGrace: 5 * time.Second})
		h := s.Handler()
		inFlight := make(chan string)
		go func() {
			inFlight <- post(h, `{"request":{"tool_id":"Demo.Sleep","input":{"ms":8000}}}`).Body.String()
		}()
		synctest.Wait()

		s.StartDrain()
		if rec := serve(h, request{method: "GET", path: "/health"}); rec.Code != 503 {
			t.Errorf("health while draining: %d", rec.Code)
		}
		// Within the grace period calls are still taken.
		if rec := post(h, `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`); rec.Code != 200 {
			t.Errorf("call within the grace period: %d %s", rec.Code, rec.Body)
		}
		time.Sleep(5 * time.Second)
		rec := post(h, `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`)
		if rec.Code != 503 || rec.Header().Get("Retry-After") != "1" {
			t.Errorf("call after the grace period: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
		}
		checkDocs(t, "POST", "/tools/call", rec)
		// GET /tools is not a call: it is still served.
		if rec := serve(h, request{method: "GET", path: "/tools"}); rec.Code != 200 {
			t.Errorf("GET /tools while draining: %d", rec.Code)
		}

		start := time.Now()
		if err := s.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if waited := time.Since(start); waited != 3*time.Second {
			t.Errorf("Shutdown returned after %v, want when the call in flight finished (3s)", waited)
		}
		if body := <-inFlight; !strings.Contains(body, `"slept_ms":8000`) {
			t.Errorf("the call in flight did not finish: %s", body)
		}
	})
}

// Shutdown gives up waiting when its context ends: it cancels the calls
// still running, which answer that the server shut down.
func TestShutdownCancels(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		obs := &recordingObserver{}
		s := newServer(t, Options{Observer: obs})
		inFlight := make(chan decoded)
		go func() {
			inFlight <- decode(t, post(s.Handler(), `{"request":{"tool_id":"Demo.Sleep","input":{"ms":60000}}}`))
		}()
		synctest.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Shutdown = %v, want the context's deadline error", err)
		}
		d := <-inFlight
		if d.Result.Success || d.Result.Error == nil || !strings.Contains(d.Result.Error.Message, "shut down") {
			t.Errorf("cancelled call: %+v", d.Result)
		}
		// Once shut down, calls are refused at once, whatever the grace.
		if rec := post(s.Handler(), `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`); rec.Code != 503 {
			t.Errorf("call after Shutdown: %d", rec.Code)
		}
		if rec := serve(s.Handler(), request{method: "GET", path: "/health"}); rec.Code != 503 {
			t.Errorf("health after Shutdown: %d", rec.Code)
		}
	})
}

// A zero DrainGrace refuses new calls as soon as draining starts.
func TestDrainWithoutGrace(t *testing.T) {
	s := newServer(t, Options{})
	s.StartDrain()
	if rec := post(s.Handler(), `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`); rec.Code != 503 {
		t.Errorf("call: %d", rec.Code)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown of an idle server: %v", err)
	}
}
