package client_test

// Tests against the real server package, with the examples toolkit and the
// auth package, over loopback HTTP.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/auth"
	"github.com/otc-dev/otc/client"
	"github.com/otc-dev/otc/server"
	"github.com/otc-dev/otc/toolkits/examples"
)

// realServer is a server.Server behind httptest, recording the call_id of
// every POST /tools/call it receives.
type realServer struct {
	*httptest.Server
	srv *server.Server

	mu      sync.Mutex
	callIDs []string
}

func (s *realServer) CallIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.callIDs...)
}

// newRealServer serves the examples toolkit and extra tools, behind the
// authentication of cfg when it is not nil.
func newRealServer(t *testing.T, cfg *auth.Config, extra ...*otc.Tool) *realServer {
	t.Helper()
	reg := otc.NewRegistry()
	if err := reg.Register(append(examples.Tools(examples.Options{InstanceID: "test"}), extra...)...); err != nil {
		t.Fatal(err)
	}
	opts := server.Options{Registry: reg}
	if cfg != nil {
		a, err := auth.New(*cfg)
		if err != nil {
			t.Fatal(err)
		}
		opts.Protect = a.Middleware
	}
	srv, err := server.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	rs := &realServer{srv: srv}
	h := srv.Handler()
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/tools/call" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var req otc.CallRequest
			_ = json.Unmarshal(body, &req)
			rs.mu.Lock()
			rs.callIDs = append(rs.callIDs, req.Request.CallID)
			rs.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(rs.Close)
	return rs
}

func newTestClient(t *testing.T, url string, opts *client.Options) *client.Client {
	t.Helper()
	c, err := client.New(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// OTC: HEALTH-1, LIST-1, CALL-2, VER-1, VER-2, VER-3
func TestRealServerWholePath(t *testing.T) {
	rs := newRealServer(t, nil)
	c := newTestClient(t, rs.URL, &client.Options{Clock: newFakeClock()})
	ctx := context.Background()
	if err := c.Health(ctx); err != nil {
		t.Fatalf("Health: %v", err)
	}
	tools, err := c.ListTools(ctx)
	if err != nil {
		t.Fatalf("ListTools: %v", err)
	}
	add, ok := client.FindTool(tools, "Calculator.Add@1")
	if !ok || add.ID != "Calculator.Add@1.0.0" || len(add.InputSchema.Parameters) == 0 {
		t.Fatalf("Calculator.Add@1 = %+v, %v", add, ok)
	}
	tests := []struct {
		toolID string
		input  any
		want   string
	}{
		{"Calculator.Add@1.0.0", map[string]float64{"a": 1, "b": 2}, "3"},
		{"Calculator.Add@1", json.RawMessage(`{"a": 0.5, "b": 2}`), "2.5"},
		{"System.GetTimestamp", nil, ""},
	}
	for _, tt := range tests {
		res, err := c.CallTool(ctx, tt.toolID, tt.input)
		if err != nil {
			t.Fatalf("CallTool(%s): %v", tt.toolID, err)
		}
		if !res.Success || res.CallID == "" || res.Attempts != 1 {
			t.Errorf("CallTool(%s) = %+v", tt.toolID, res)
		}
		if tt.want != "" && string(res.Value) != tt.want {
			t.Errorf("CallTool(%s) value = %s, want %s", tt.toolID, res.Value, tt.want)
		}
	}
}

// OTC: CALL-9 — a tool failure is a value, not a Go error.
func TestRealServerToolError(t *testing.T) {
	rs := newRealServer(t, nil)
	clock := newFakeClock()
	c := newTestClient(t, rs.URL, &client.Options{Clock: clock})
	res, err := c.CallTool(context.Background(), "Demo.Fail", map[string]string{"mode": "error"})
	if err != nil {
		t.Fatal(err)
	}
	want := &otc.ToolError{Message: "Demo.Fail failed, as asked.", DeveloperMessage: "Demo.Fail: mode error"}
	if diff := cmp.Diff(want, res.Error); diff != "" || res.Success || res.CanRetry() || res.Attempts != 1 {
		t.Errorf("result %+v; error (-want +got):\n%s", res, diff)
	}
	if len(clock.Waits()) != 0 {
		t.Errorf("waited %v for a failure that cannot be retried", clock.Waits())
	}
}

// flaky returns a tool that fails with can_retry until it has been called
// failures times, then succeeds.
func flaky(failures int) *otc.Tool {
	var mu sync.Mutex
	calls := 0
	return otc.MustNewTool(otc.ToolSpec{Toolkit: "Test", Name: "Flaky", Version: "1.0.0",
		Description: "Fails with can_retry a few times, then succeeds."},
		func(context.Context, otc.NoValue) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if calls <= failures {
				return 0, otc.RetryableError("Not yet.", 700*time.Millisecond, "Try again.")
			}
			return calls, nil
		})
}

// OTC: CALL-6, CALL-9 — a can_retry failure is retried after retry_after_ms
// with the same call_id.
func TestRealServerRetryKeepsCallID(t *testing.T) {
	rs := newRealServer(t, nil)
	clock := newFakeClock()
	c := newTestClient(t, rs.URL, &client.Options{Clock: clock})
	res, err := c.CallTool(context.Background(), "Doorbell.Ring", map[string]string{"doorbell_id": "nope"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Success || !res.CanRetry() || res.RetryAfter() != 500*time.Millisecond ||
		res.AdditionalPromptContent() != "ids: doorbell42,doorbell84" || res.Attempts != client.DefaultMaxAttempts {
		t.Errorf("result = %+v, want the retryable failure after %d attempts", res, client.DefaultMaxAttempts)
	}
	ids := rs.CallIDs()
	if len(ids) != client.DefaultMaxAttempts || ids[0] == "" || ids[0] != res.CallID {
		t.Fatalf("call_ids sent = %q, result call_id %q", ids, res.CallID)
	}
	for _, id := range ids {
		if id != ids[0] {
			t.Errorf("call_ids differ between attempts: %q", ids)
		}
	}
	if diff := cmp.Diff([]time.Duration{500 * time.Millisecond, 500 * time.Millisecond}, clock.Waits()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

// OTC: CALL-6, CALL-9 — the retry of a can_retry failure reaches a tool
// that has recovered.
func TestRealServerRetryReachesTool(t *testing.T) {
	rs := newRealServer(t, nil, flaky(1))
	c := newTestClient(t, rs.URL, &client.Options{Clock: newFakeClock()})
	res, err := c.CallTool(context.Background(), "Test.Flaky", nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := rs.CallIDs()
	if len(ids) < 2 || ids[0] != ids[1] {
		t.Fatalf("call_ids of the retried call = %q, want one id repeated", ids)
	}
	if !res.Success {
		t.Fatalf("the retry did not reach the tool: %+v after %d attempts", res.Error, res.Attempts)
	}
	if res.Attempts != 2 || string(res.Value) != "2" {
		t.Errorf("result = %+v, want the value 2 after 2 attempts", res)
	}
}

// OTC: CALL-6 — repeating a call_id returns the first response without
// running the tool again.
func TestRealServerIdempotency(t *testing.T) {
	rs := newRealServer(t, nil)
	c := newTestClient(t, rs.URL, nil)
	ctx := context.Background()
	first, err := c.CallTool(ctx, "Demo.Counter", nil, client.WithCallID("same-call"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CallTool(ctx, "Demo.Counter", nil, client.WithCallID("same-call"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.CallTool(ctx, "Demo.Counter", nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(first.Value) != string(again.Value) || string(first.Value) == string(other.Value) {
		t.Errorf("values %s, %s, %s: want the repeat equal to the first and a new call_id to differ",
			first.Value, again.Value, other.Value)
	}
}

// OTC: CALL-3, CALL-4, REQ-3, REQ-4
func TestRealServerErrors(t *testing.T) {
	rs := newRealServer(t, nil)
	c := newTestClient(t, rs.URL, nil)
	ctx := context.Background()

	_, err := c.CallTool(ctx, "Calculator.Add@1", map[string]any{"a": "one", "b": 2})
	var ve *client.ValidationError
	if !errors.As(err, &ve) || ve.ParameterErrors["a"] == "" {
		t.Errorf("invalid input: error %T %v, want *ValidationError about a", err, err)
	}
	_, err = c.CallTool(ctx, "Calculator.Nope", nil)
	var be *client.BadRequestError
	if !errors.As(err, &be) {
		t.Errorf("unknown tool: error %T %v, want *BadRequestError", err, err)
	}
	_, err = c.CallTool(ctx, "Demo.SecretFingerprint", nil)
	if !errors.As(err, &be) || be.MissingRequirements == nil || len(be.MissingRequirements.Secrets) != 1 {
		t.Errorf("missing secret: error %T %v, want *BadRequestError naming the secret", err, err)
	}
	res, err := c.CallTool(ctx, "Demo.SecretFingerprint", nil, client.WithSecret(be.MissingRequirements.Secrets[0].ID, "hunter2"))
	if err != nil || !res.Success {
		t.Errorf("with the secret: %+v, %v", res, err)
	}
	res, err = c.CallTool(ctx, "Demo.WhoAmI", nil, client.WithUserID("user-1"), client.WithAuthorization("demo", "tok"))
	if err != nil || !res.Success || !strings.Contains(string(res.Value), `"user_id":"user-1"`) {
		t.Errorf("WhoAmI with its user id and token: %+v, %v", res, err)
	}
	_, err = c.CallTool(ctx, "Demo.WhoAmI", nil, client.WithUserID("user-1"))
	if !errors.As(err, &be) || be.MissingRequirements == nil || len(be.MissingRequirements.Authorization) != 1 {
		t.Errorf("WhoAmI without its token: error %T %v, want *BadRequestError naming the authorization", err, err)
	}
}

// OTC: HEALTH-2 — a draining server is unhealthy, and its 503s are retried
// and then reported.
func TestRealServerDraining(t *testing.T) {
	rs := newRealServer(t, nil)
	rs.srv.StartDrain()
	clock := newFakeClock()
	c := newTestClient(t, rs.URL, &client.Options{Clock: clock})
	var se *client.StatusError
	if err := c.Health(context.Background()); !errors.As(err, &se) || se.StatusCode != 503 {
		t.Fatalf("Health = %v, want a 503 *StatusError", err)
	}
	_, err := c.CallTool(context.Background(), "Calculator.Add", map[string]int{"a": 1, "b": 1})
	if !errors.As(err, &se) || se.StatusCode != 503 {
		t.Fatalf("CallTool = %v, want a 503 *StatusError", err)
	}
	if n := len(rs.CallIDs()); n != client.DefaultMaxAttempts {
		t.Errorf("%d attempts, want %d", n, client.DefaultMaxAttempts)
	}
}

var (
	serverSecret = []byte("server-secret-0123456789abcdef0123456789")
	serverKey    = "server-api-key-0123456789abcdef0123456789"
)

// authConfig accepts an API key and JWTs, with time from clock.
func authConfig(t *testing.T, clock *fakeClock) *auth.Config {
	t.Helper()
	key, err := auth.NewAPIKey("agent", serverKey)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Config{
		Methods:    []auth.Method{auth.MethodAPIKey, auth.MethodJWT},
		APIKeys:    []auth.APIKey{key},
		JWTSecrets: [][]byte{serverSecret},
		Audiences:  []auth.Audience{{Name: "otcserver"}},
		Now:        clock.Now,
		Logger:     discardLogger(),
	}
}

// OTC: AUTH-3, AUTH-6, AUTH-8, AUTH-9, AUTH-12, AUTH-13, AUTH-17
func TestRealServerAuthentication(t *testing.T) {
	clock := newFakeClock()
	rs := newRealServer(t, authConfig(t, clock))
	tests := []struct {
		name     string
		opts     client.Options
		wantAuth bool // want a 401
	}{
		{name: "JWT", opts: client.Options{JWTSecret: serverSecret}},
		{name: "JWT with an allowed audience", opts: client.Options{JWTSecret: serverSecret, Audience: "otcserver", Subject: "agent-7"}},
		{name: "JWT preferred over a wrong key", opts: client.Options{JWTSecret: serverSecret, APIKey: "wrong"}},
		{name: "API key over loopback http", opts: client.Options{APIKey: serverKey}},
		{name: "JWT with another audience", opts: client.Options{JWTSecret: serverSecret, Audience: "someone-else"}, wantAuth: true},
		{name: "JWT with the wrong secret", opts: client.Options{JWTSecret: []byte("wrong-secret-0123456789abcdef0123456")}, wantAuth: true},
		{name: "wrong API key", opts: client.Options{APIKey: "wrong-key"}, wantAuth: true},
		{name: "no credentials", wantAuth: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Clock = clock
			c := newTestClient(t, rs.URL, &tt.opts)
			if err := c.Health(context.Background()); err != nil {
				t.Fatalf("Health needs no credentials (HEALTH-1): %v", err)
			}
			_, listErr := c.ListTools(context.Background())
			_, callErr := c.CallTool(context.Background(), "Calculator.Add@1", map[string]int{"a": 1, "b": 2})
			for _, err := range []error{listErr, callErr} {
				var ue *client.UnauthorizedError
				if got := errors.As(err, &ue); got != tt.wantAuth {
					t.Fatalf("error %v; want a 401: %v", err, tt.wantAuth)
				}
				if tt.wantAuth && len(ue.Challenges) == 0 {
					t.Errorf("401 without WWW-Authenticate challenges")
				}
				if !tt.wantAuth && err != nil {
					t.Fatal(err)
				}
				if err != nil && (strings.Contains(err.Error(), serverKey) || strings.Contains(err.Error(), "wrong-key")) {
					t.Errorf("error leaks a key: %v", err)
				}
			}
		})
	}
}

// OTC: AUTH-11, AUTH-14 — across a token's expiry the client mints a new one
// that the server accepts, while the old one is refused.
func TestRealServerTokenRenewal(t *testing.T) {
	clock := newFakeClock()
	rs := newRealServer(t, authConfig(t, clock))
	var seen []string
	capture := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.Header.Get("Authorization"))
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := newTestClient(t, rs.URL, &client.Options{JWTSecret: serverSecret, Clock: clock, HTTPClient: capture})
	ctx := context.Background()
	for i, step := range []time.Duration{0, 2 * time.Minute, 4 * time.Minute, 20 * time.Minute} {
		clock.Advance(step)
		if _, err := c.ListTools(ctx); err != nil {
			t.Fatalf("request %d, %s later: %v", i, step, err)
		}
	}
	if seen[0] != seen[1] || seen[1] == seen[2] || seen[2] == seen[3] {
		t.Errorf("tokens were not reused while fresh and renewed near expiry: %d distinct of 4", len(distinct(seen)))
	}
	// The first token, sent now, is expired: the renewal was needed.
	req, _ := http.NewRequest(http.MethodGet, rs.URL+"/tools", nil)
	req.Header.Set("Authorization", seen[0])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the expired first token got %d, want 401", resp.StatusCode)
	}
}

// A server that accepts each token once (RequireJTI) works with
// TokenPerRequest, and refuses the reused tokens of the default.
func TestRealServerReplayProtection(t *testing.T) {
	clock := newFakeClock()
	cfg := authConfig(t, clock)
	cfg.RequireJTI = true
	rs := newRealServer(t, cfg)
	ctx := context.Background()
	fresh := newTestClient(t, rs.URL, &client.Options{JWTSecret: serverSecret, TokenPerRequest: true, Clock: clock})
	for i := range 3 {
		if _, err := fresh.ListTools(ctx); err != nil {
			t.Fatalf("request %d with a fresh token: %v", i, err)
		}
	}
	reused := newTestClient(t, rs.URL, &client.Options{JWTSecret: serverSecret, Clock: clock})
	var ue *client.UnauthorizedError
	if _, err := reused.ListTools(ctx); !errors.As(err, &ue) {
		t.Errorf("a token without jti got %v, want a 401", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func distinct(s []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range s {
		m[v] = true
	}
	return m
}
