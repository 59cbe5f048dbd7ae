package ratelimit_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/internal/reqinfo"
	"github.com/otc-dev/otc/ratelimit"
)

// recorder is an Observer that remembers what it was told.
type recorder struct {
	mu      sync.Mutex
	limited map[string]int
	failed  map[string]int
}

var _ ratelimit.Observer = (*recorder)(nil)

func newRecorder() *recorder {
	return &recorder{limited: map[string]int{}, failed: map[string]int{}}
}

func (r *recorder) RateLimited(kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.limited[kind]++
}

func (r *recorder) LimiterFailed(kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed[kind]++
}

// brokenLimiter fails every call, like a Redis limiter whose server is down.
type brokenLimiter struct{}

var errDown = errors.New("redis: connection refused")

func (brokenLimiter) Allow(context.Context, string, ratelimit.Rule) (ratelimit.Decision, error) {
	return ratelimit.Decision{}, errDown
}

func (brokenLimiter) Peek(context.Context, string, ratelimit.Rule) (ratelimit.Decision, error) {
	return ratelimit.Decision{}, errDown
}

// response is what a test client saw.
type response struct {
	Status     int
	RetryAfter string
	Message    string
}

// serve sends one request through h from remoteAddr, with ctx decorations
// applied first (as outer middleware would), and decodes the answer.
func serve(t *testing.T, h http.Handler, remoteAddr string, decorate func(context.Context) context.Context) response {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/tools/call", nil)
	r.RemoteAddr = remoteAddr
	if decorate != nil {
		r = r.WithContext(decorate(r.Context()))
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	res := response{Status: w.Code, RetryAfter: w.Header().Get("Retry-After")}
	if w.Code != http.StatusOK {
		var body otc.ServerErrorResponse
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("status %d with a body that is not JSON: %q", w.Code, w.Body)
		}
		res.Message = body.Message
	}
	return res
}

// withInfo returns a decoration that installs a reqinfo.Info with the
// given source address, as netguard.SourceAddress would.
func withInfo(clientIP string) func(context.Context) context.Context {
	return func(ctx context.Context) context.Context {
		ctx, info := reqinfo.New(ctx)
		info.ClientIP = clientIP
		return ctx
	}
}

// discardLogger returns a logger that writes into buf-less oblivion; tests
// that check logging pass their own.
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
