package app

// Graceful drain when the serve context ends (SIGTERM): readiness fails at
// once, new calls are refused after --drain-grace, calls in flight get
// --shutdown-timeout.

import (
	"net"
	"net/http"
	"testing"
	"time"
)

// sleepCall starts a Demo.Sleep call of ms milliseconds on its own
// connection and returns the channel its response (or error) arrives on.
func (s *testServer) sleepCall(t *testing.T, ms int) <-chan callOutcome {
	t.Helper()
	body := callBody(t, "Demo.Sleep", map[string]any{"ms": ms}, nil)
	c := &http.Client{Transport: &http.Transport{}}
	out := make(chan callOutcome, 1)
	go func() {
		r, err := tryDo(c, http.MethodPost, s.url+"/tools/call", body, apiKey(keyAlice)...)
		out <- callOutcome{r, err}
	}()
	waitFor(t, 5*time.Second, "Demo.Sleep in flight", func() bool { return s.inFlight(t, "Demo.Sleep@1.0.0") == 1 })
	return out
}

type callOutcome struct {
	resp response
	err  error
}

// listenerClosed reports whether the main listener no longer accepts.
func (s *testServer) listenerClosed() bool {
	c, err := net.DialTimeout("tcp", s.addr, time.Second)
	if err != nil {
		return true
	}
	c.Close()
	return false
}

// OTC: HEALTH-2 — the drain: /health turns 503 at once; after the grace a
// new call on a connection already open is refused with 503 and
// Retry-After, or finds its connection closed; the call in flight
// completes; serve returns nil.
//
// With net/http underneath, the connection is what goes: after the grace
// http.Server.Shutdown closes idle keep-alive connections, and answers the
// requests it is still serving with Connection: close, so that a request
// pipelined behind them is never read.
func TestGracefulDrain(t *testing.T) {
	t.Parallel()
	s := startServer(t, serveOptions{args: []string{"--drain-grace", "300ms", "--shutdown-timeout", "5s"}})
	health := rawRequest("GET", "/health", nil, "")
	add := rawRequest("POST", "/tools/call", []string{"OTC-API-Key: " + keyAlice},
		callBody(t, "Calculator.Add@1", map[string]any{"a": 1, "b": 2}, nil))

	// A keep-alive connection that served a request before the drain.
	idle := dialRaw(t, s.addr)
	idle.send(health)
	if r, err := idle.read(5 * time.Second); err != nil || r.status != http.StatusOK {
		t.Fatalf("/health before the drain: status %d, err %v", r.status, err)
	}
	// A call in flight, with a second call pipelined behind it on the same
	// connection: the server reads that one only after the first is
	// answered, which is after the grace.
	busy := dialRaw(t, s.addr)
	busy.send(rawRequest("POST", "/tools/call", []string{"OTC-API-Key: " + keyAlice},
		callBody(t, "Demo.Sleep", map[string]any{"ms": 1500}, nil)) + add)
	waitFor(t, 5*time.Second, "Demo.Sleep in flight", func() bool { return s.inFlight(t, "Demo.Sleep@1.0.0") == 1 })

	start := time.Now()
	s.cancel() // SIGTERM

	// /health fails while the listener still accepts, that is within the
	// grace.
	var r response
	waitFor(t, 5*time.Second, "/health to answer 503", func() bool {
		var err error
		r, err = tryDo(s.client, http.MethodGet, s.url+"/health", "")
		if err != nil {
			t.Fatalf("/health during the grace: %v (the listener closed before /health failed)", err)
		}
		return r.status == http.StatusServiceUnavailable
	})
	checkRefusal(t, r, http.StatusServiceUnavailable)

	// After the grace the listener closes.
	waitFor(t, 5*time.Second, "the listener to close", s.listenerClosed)
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("the listener closed %v after SIGTERM, before the 300ms grace", d)
	}

	// A call now on the idle connection is refused, or finds it closed.
	if err := idle.trySend(add); err == nil {
		if resp, err := idle.read(5 * time.Second); err == nil {
			checkRefusal(t, resp, http.StatusServiceUnavailable)
		}
	}

	// The call in flight finishes with its result.
	got, err := busy.read(5 * time.Second)
	if err != nil {
		t.Fatalf("the call in flight: %v", err)
	}
	if got.status != http.StatusOK {
		t.Fatalf("the call in flight: status %d, body %s", got.status, got.body)
	}
	if res, _ := got.json(t)["result"].(map[string]any); res["success"] != true {
		t.Fatalf("the call in flight did not succeed: %s", got.body)
	}
	// The call pipelined behind it is refused, or its connection closed.
	if next, err := busy.read(5 * time.Second); err == nil {
		checkRefusal(t, next, http.StatusServiceUnavailable)
	}
	if err := s.stop(t); err != nil {
		t.Fatalf("serve returned %v, want nil", err)
	}
}

// OTC: HEALTH-2 — at --shutdown-timeout the calls still running are
// cancelled, and serve returns soon after, not when they would have ended.
func TestShutdownTimeoutCancelsCalls(t *testing.T) {
	t.Parallel()
	s := startServer(t, serveOptions{args: []string{"--drain-grace", "0s", "--shutdown-timeout", "200ms"}})
	inFlight := s.sleepCall(t, 30_000)

	start := time.Now()
	s.cancel()
	if err := s.stop(t); err != nil {
		t.Fatalf("serve returned %v, want nil", err)
	}
	// 200ms, then up to the server's two seconds for cancelled tools to
	// return; far from the 30 s the tool would sleep.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("serve returned %v after SIGTERM", d)
	}
	select {
	case got := <-inFlight:
		// Either the connection ended, or the tool's interruption was
		// answered as a failed call (CALL-2).
		if got.err == nil {
			if got.resp.status != http.StatusOK {
				t.Fatalf("the cancelled call: status %d, body %s", got.resp.status, got.resp.body)
			}
			if res, _ := got.resp.json(t)["result"].(map[string]any); res["success"] != false || res["error"] == nil {
				t.Fatalf("the cancelled call reported success: %s", got.resp.body)
			}
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the call in flight was not ended by the shutdown")
	}
}
