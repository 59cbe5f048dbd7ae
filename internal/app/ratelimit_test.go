package app

// Rate limits and the concurrency bound, through the whole chain.

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/otc-dev/otc/auth"
)

// checkRefusal checks the shape of a refusal: status, a positive
// Retry-After in seconds, and a JSON body with a message.
func checkRefusal(t *testing.T, r response, wantStatus int) {
	t.Helper()
	if r.status != wantStatus {
		t.Fatalf("status %d, body %s; want %d", r.status, r.body, wantStatus)
	}
	if n, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("Retry-After %q, want a positive number of seconds", r.header.Get("Retry-After"))
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if m := r.json(t); m["message"] == nil {
		t.Errorf("body %s has no message", r.body)
	}
}

// OTC: AUTH-18 — --rate-limit with --rate-burst: a client over its budget
// gets 429 with Retry-After; other clients keep theirs. The rate is per
// minute so that no token comes back while the test runs.
func TestClientRateLimit(t *testing.T) {
	t.Parallel()
	s := startServer(t, serveOptions{args: []string{"--rate-limit", "5/min", "--rate-burst", "5"}})
	for i := 1; i <= 5; i++ {
		if r := s.do(t, http.MethodGet, "/tools", "", apiKey(keyAlice)...); r.status != http.StatusOK {
			t.Fatalf("alice request %d within the burst: status %d, body %s", i, r.status, r.body)
		}
	}
	checkRefusal(t, s.do(t, http.MethodGet, "/tools", "", apiKey(keyAlice)...), http.StatusTooManyRequests)
	// A call counts against the same budget as a list.
	checkRefusal(t, s.do(t, http.MethodPost, "/tools/call",
		callBody(t, "Calculator.Add@1", map[string]any{"a": 1, "b": 2}, nil), apiKey(keyAlice)...), http.StatusTooManyRequests)

	// Bob is another client with his own budget.
	for i := 1; i <= 5; i++ {
		if r := s.do(t, http.MethodGet, "/tools", "", apiKey(keyBob)...); r.status != http.StatusOK {
			t.Fatalf("bob request %d while alice is limited: status %d, body %s", i, r.status, r.body)
		}
	}
	// A JWT client is keyed by its subject, not by the server's keys.
	if r := s.do(t, http.MethodGet, "/tools", "", bearer(mintJWT(t, "carol"))...); r.status != http.StatusOK {
		t.Fatalf("JWT client while alice is limited: status %d, body %s", r.status, r.body)
	}
	// /health is never limited (HEALTH-1).
	if r := s.do(t, http.MethodGet, "/health", ""); r.status != http.StatusOK {
		t.Fatalf("/health while alice is limited: status %d", r.status)
	}
}

// OTC: AUTH-18 — rate limits of single API keys and JWT audiences from the
// config file override --rate-limit.
func TestPerClientRateLimitFromConfigFile(t *testing.T) {
	t.Parallel()
	const keyCarol = "carol-key-Vb7Nm3Qx9Lk2Rt5Wp8Hc1Bd4Fj6Gs0"
	dir := t.TempDir()
	file := writeFile(t, dir, "otc.yaml", `
rate-limit: 100/min
api-keys:
  - name: carol
    key: `+auth.Digest(keyCarol)+`
    rate-limit: 2/min
audiences:
  - name: agents
    tools: ["*"]
    rate-limit: 1/min
`)
	s := startServer(t, serveOptions{configFile: file, dataDir: dir})

	list := func(header ...string) int { return s.do(t, http.MethodGet, "/tools", "", header...).status }
	for i := 1; i <= 2; i++ {
		if got := list(apiKey(keyCarol)...); got != http.StatusOK {
			t.Fatalf("carol request %d within her limit: status %d", i, got)
		}
	}
	checkRefusal(t, s.do(t, http.MethodGet, "/tools", "", apiKey(keyCarol)...), http.StatusTooManyRequests)

	// Alice has the file's rate-limit, 100/min.
	for i := 1; i <= 5; i++ {
		if got := list(apiKey(keyAlice)...); got != http.StatusOK {
			t.Fatalf("alice request %d: status %d", i, got)
		}
	}

	// A token for the audience "agents" has the audience's limit.
	tok, err := auth.MintToken([]byte(jwtSecret), auth.MintOptions{Subject: "bot", Audience: []string{"agents"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := list(bearer(tok)...); got != http.StatusOK {
		t.Fatalf("first request of the agents audience: status %d", got)
	}
	checkRefusal(t, s.do(t, http.MethodGet, "/tools", "", bearer(tok)...), http.StatusTooManyRequests)
}

// OTC: AUTH-18 — --auth-fail-limit: after the failed authentications it
// allows, a source address gets 429 even with a valid credential, without
// the credential being checked; another address is unaffected. The
// trusted proxy lets the test speak for a second address.
func TestAuthFailureLimit(t *testing.T) {
	t.Parallel()
	s := startServer(t, serveOptions{args: []string{"--auth-fail-limit", "3/min", "--trusted-proxies", "127.0.0.1/32"}})
	const guess = "guess-key-00000000000000000000000000000000"
	for i := 1; i <= 3; i++ {
		if r := s.do(t, http.MethodGet, "/tools", "", apiKey(guess)...); r.status != http.StatusUnauthorized {
			t.Fatalf("failed authentication %d: status %d, want 401", i, r.status)
		}
	}
	checkRefusal(t, s.do(t, http.MethodGet, "/tools", "", apiKey(keyAlice)...), http.StatusTooManyRequests)
	checkRefusal(t, s.do(t, http.MethodPost, "/tools/call",
		callBody(t, "Calculator.Add@1", map[string]any{"a": 1, "b": 2}, nil), bearer(mintJWT(t, "x"))...), http.StatusTooManyRequests)
	// Guessing stays refused.
	checkRefusal(t, s.do(t, http.MethodGet, "/tools", "", apiKey(guess)...), http.StatusTooManyRequests)

	other := append(apiKey(keyAlice), "X-Forwarded-For", "198.51.100.9")
	if r := s.do(t, http.MethodGet, "/tools", "", other...); r.status != http.StatusOK {
		t.Fatalf("valid key from another address: status %d, body %s; want 200", r.status, r.body)
	}
	// /health is never limited (HEALTH-1).
	if r := s.do(t, http.MethodGet, "/health", ""); r.status != http.StatusOK {
		t.Fatalf("/health from the locked-out address: status %d", r.status)
	}
}

// OTC: CALL-3 — --max-concurrent-calls: a call over the bound is refused at
// once with 400 "temporarily unavailable" and Retry-After, never queued;
// the call in flight completes.
func TestMaxConcurrentCalls(t *testing.T) {
	t.Parallel()
	s := startServer(t, serveOptions{args: []string{"--max-concurrent-calls", "1"}})
	const sleepID = "Demo.Sleep@1.0.0"
	first := make(chan response, 1)
	sleepBody := callBody(t, "Demo.Sleep", map[string]any{"ms": 1500}, nil)
	go func() {
		r, err := tryDo(s.client, http.MethodPost, s.url+"/tools/call", sleepBody, apiKey(keyAlice)...)
		if err != nil {
			t.Errorf("the first call: %v", err)
		}
		first <- r
	}()
	waitFor(t, 5*time.Second, "Demo.Sleep in flight", func() bool { return s.inFlight(t, sleepID) == 1 })

	r := s.do(t, http.MethodPost, "/tools/call", callBody(t, "Calculator.Add@1", map[string]any{"a": 1, "b": 2}, nil), apiKey(keyBob)...)
	checkRefusal(t, r, http.StatusBadRequest)
	if msg, _ := r.json(t)["message"].(string); !strings.Contains(msg, "temporarily unavailable") {
		t.Errorf("message %q, want it to say the server is temporarily unavailable", msg)
	}
	// Listing is not a call: it is served.
	if r := s.do(t, http.MethodGet, "/tools", "", apiKey(keyBob)...); r.status != http.StatusOK {
		t.Errorf("GET /tools during the call: status %d", r.status)
	}

	done := <-first
	if done.status != http.StatusOK {
		t.Fatalf("the first call: status %d, body %s", done.status, done.body)
	}
	if res, _ := done.json(t)["result"].(map[string]any); res["success"] != true {
		t.Fatalf("the first call did not succeed: %s", done.body)
	}
	// The slot is freed once the first call's handler returns, which may
	// be a moment after its client read the response.
	add := callBody(t, "Calculator.Add@1", map[string]any{"a": 1, "b": 2}, nil)
	waitFor(t, 5*time.Second, "the slot to be free again", func() bool {
		r := s.do(t, http.MethodPost, "/tools/call", add, apiKey(keyBob)...)
		if r.status != http.StatusOK && r.status != http.StatusBadRequest {
			t.Fatalf("a call after the first finished: status %d, body %s", r.status, r.body)
		}
		return r.status == http.StatusOK
	})
}
