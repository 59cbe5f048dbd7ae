package client_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/otc-dev/otc"
)

// fakeClock is a Clock whose time moves only when told to, or when the
// client waits: After advances the time by the wait and fires at once, and
// records the wait so that tests can check what the client waited for.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits = append(f.waits, d)
	f.now = f.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- f.now
	return ch
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func (f *fakeClock) Waits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

// recorded is one request as a test server saw it.
type recorded struct {
	Method, Path string
	Header       http.Header
	Body         otc.CallRequest
	RawBody      []byte
}

// recorder is a test server that records requests and answers them with a
// function of the attempt number (1 for the first request).
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

func (r *recorder) Requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

// serve starts a loopback server whose handler is answer(n, w, req).
func (r *recorder) serve(t *testing.T, answer func(n int, w http.ResponseWriter, req *http.Request)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		raw, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(raw))
		rec := recorded{Method: req.Method, Path: req.URL.Path, Header: req.Header.Clone(), RawBody: raw}
		_ = json.Unmarshal(raw, &rec.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, rec)
		n := len(r.reqs)
		r.mu.Unlock()
		answer(n, w, req)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// writeJSON writes v as a JSON answer with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// success answers a call with a successful result carrying value.
func success(w http.ResponseWriter, callID string, value any) {
	b, _ := json.Marshal(value)
	writeJSON(w, http.StatusOK, otc.CallResponse{Schema: otc.SchemaOTC, Result: otc.CallToolResponse{
		CallID: callID, Duration: 1.5, Success: true, Value: b}})
}

// toolFailure answers a call with a tool error.
func toolFailure(w http.ResponseWriter, callID string, te *otc.ToolError) {
	writeJSON(w, http.StatusOK, otc.CallResponse{Schema: otc.SchemaOTC, Result: otc.CallToolResponse{
		CallID: callID, Duration: 2, Success: false, Error: te}})
}

// discardLogger drops log lines, so that expected refusals do not clutter
// the test output.
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
