package app

// The audit log and the metrics, through the whole chain: what they
// record, and that no credential, secret, token or input reaches them or
// the process log.

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc/auth"
)

// OTC: AUTH-18, REQ-5, CALL-5 — one audit record per authenticated
// request, per failed authentication and per rate-limited one, with who,
// from where, which tool and call, and how it ended; metrics for requests,
// calls, failures and limits; and nothing secret in the audit log, the
// process log or /metrics.
func TestAuditAndMetrics(t *testing.T) {
	t.Parallel()
	const (
		toolSecret   = "tool-secret-Hq8Zx3Vn6Lm1Rt4Wp7Kc0Bd5Fj2Gs9"
		authzToken   = "authz-token-Mn5Bv2Cx8Zl1Kj4Hg7Fd0Sa3Qw6Er9"
		inputMarker  = "doorbell-input-Qz7Wx2Ec5Rv8Tb1Yn4"
		guessKey     = "guess-key-Lp0Ok9Ij8Uh7Yg6Tf5Rd4Es3Wa2Zq1"
		wrongSecret  = "wrong-secret-Ux3Iy6To9Pa2Sd5Fg8Hj1Kl4Zx7"
		numberA      = 314159265
		numberB      = 271828182
		forwardedFor = "198.51.100.9"
	)
	dir := t.TempDir()
	auditFile := filepath.Join(dir, "audit.log")
	s := startServer(t, serveOptions{dataDir: dir, args: []string{
		"--audit-log", auditFile, "--auth-fail-limit", "2/min", "--trusted-proxies", "127.0.0.1/32",
	}})
	agentToken := mintJWT(t, "jwt-agent")
	wrongToken, err := auth.MintToken([]byte(wrongSecret), auth.MintOptions{Subject: "intruder"})
	if err != nil {
		t.Fatal(err)
	}

	type want struct {
		client, authMethod, sourceIP, path, toolID, callID, traceID, outcome string
		status                                                               int
		authFailure                                                          bool
	}
	steps := []struct {
		name   string
		method string
		path   string
		body   string
		header []string
		status int
		audit  *want // nil: no audit record
	}{
		{"health", http.MethodGet, "/health", "", nil, http.StatusOK, nil},
		{"list with a key", http.MethodGet, "/tools", "", apiKey(keyAlice), http.StatusOK,
			&want{client: "alice", authMethod: "api_key", sourceIP: "127.0.0.1", path: "GET /tools", outcome: "ok", status: 200}},
		{"call with a key", http.MethodPost, "/tools/call",
			callBody(t, "Calculator.Add@1", map[string]any{"a": numberA, "b": numberB}, map[string]any{"call_id": "audit-call-1", "trace_id": "audit-trace-1"}),
			apiKey(keyAlice), http.StatusOK,
			&want{client: "alice", authMethod: "api_key", sourceIP: "127.0.0.1", path: "POST /tools/call",
				toolID: "Calculator.Add@1.0.0", callID: "audit-call-1", traceID: "audit-trace-1", outcome: "success", status: 200}},
		{"call with a JWT and a tool secret", http.MethodPost, "/tools/call",
			callBody(t, "Demo.SecretFingerprint", nil, map[string]any{"call_id": "audit-call-2",
				"context": map[string]any{"secrets": []any{map[string]any{"id": "DEMO_SECRET", "value": toolSecret}}}}),
			bearer(agentToken), http.StatusOK,
			&want{client: "jwt-agent", authMethod: "jwt", sourceIP: "127.0.0.1", path: "POST /tools/call",
				toolID: "Demo.SecretFingerprint@1.0.0", callID: "audit-call-2", outcome: "success", status: 200}},
		{"call with an authorization token", http.MethodPost, "/tools/call",
			callBody(t, "Demo.WhoAmI", nil, map[string]any{"call_id": "audit-call-3",
				"context": map[string]any{"user_id": "user-42", "authorization": []any{map[string]any{"id": "demo", "token": authzToken}}}}),
			apiKey(keyBob), http.StatusOK,
			&want{client: "bob", authMethod: "api_key", sourceIP: "127.0.0.1", path: "POST /tools/call",
				toolID: "Demo.WhoAmI@1.0.0", callID: "audit-call-3", outcome: "success", status: 200}},
		{"call that fails in the tool", http.MethodPost, "/tools/call",
			callBody(t, "Doorbell.Ring", map[string]any{"doorbell_id": inputMarker}, map[string]any{"call_id": "audit-call-4"}),
			apiKey(keyAlice), http.StatusOK,
			&want{client: "alice", authMethod: "api_key", sourceIP: "127.0.0.1", path: "POST /tools/call",
				toolID: "Doorbell.Ring@0.1.0", callID: "audit-call-4", outcome: "tool_error", status: 200}},
		{"invalid input", http.MethodPost, "/tools/call",
			callBody(t, "Calculator.Add@1", map[string]any{"a": inputMarker, "b": numberB}, map[string]any{"call_id": "audit-call-5"}),
			apiKey(keyAlice), http.StatusUnprocessableEntity,
			&want{client: "alice", authMethod: "api_key", sourceIP: "127.0.0.1", path: "POST /tools/call",
				toolID: "Calculator.Add@1.0.0", callID: "audit-call-5", outcome: "invalid_input", status: 422}},
		{"wrong key", http.MethodGet, "/tools", "", append(apiKey(guessKey), "X-Forwarded-For", forwardedFor), http.StatusUnauthorized,
			&want{client: "anonymous", authMethod: "api_key", sourceIP: forwardedFor, path: "GET /tools", status: 401, authFailure: true}},
		{"JWT of another secret", http.MethodPost, "/tools/call",
			callBody(t, "Calculator.Add@1", map[string]any{"a": numberA, "b": numberB}, nil),
			append(bearer(wrongToken), "X-Forwarded-For", forwardedFor), http.StatusUnauthorized,
			&want{client: "anonymous", authMethod: "jwt", sourceIP: forwardedFor, path: "POST /tools/call", status: 401, authFailure: true}},
		{"locked out", http.MethodGet, "/tools", "", append(apiKey(keyAlice), "X-Forwarded-For", forwardedFor), http.StatusTooManyRequests,
			&want{client: "anonymous", sourceIP: forwardedFor, path: "GET /tools", outcome: "rate_limited", status: 429}},
		{"openapi", http.MethodGet, "/openapi.json", "", nil, http.StatusOK, nil},
	}
	var wantRecords []want
	for _, st := range steps {
		r := s.do(t, st.method, st.path, st.body, st.header...)
		if r.status != st.status {
			t.Fatalf("%s: status %d, body %s; want %d", st.name, r.status, r.body, st.status)
		}
		if st.audit != nil {
			wantRecords = append(wantRecords, *st.audit)
		}
	}
	metricsText := scrape(t, s.client, s.url)

	// Records are written after each response: stop the server so that all
	// are in the file.
	s.client.CloseIdleConnections()
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	var gotRecords []want
	for _, rec := range readAudit(t, auditFile) {
		str := func(k string) string { v, _ := rec[k].(string); return v }
		status, _ := rec["status"].(float64)
		w := want{client: str("client"), authMethod: str("auth_method"), sourceIP: str("source_ip"), path: str("path"),
			toolID: str("tool_id"), callID: str("call_id"), traceID: str("trace_id"), outcome: str("outcome"),
			status: int(status), authFailure: str("auth_failure") != ""}
		if w.authFailure {
			w.outcome = "" // the failure's outcome word is the authenticator's
		}
		gotRecords = append(gotRecords, w)
		if _, ok := rec["time"]; !ok {
			t.Errorf("audit record without time: %v", rec)
		}
	}
	if diff := cmp.Diff(wantRecords, gotRecords, cmp.AllowUnexported(want{})); diff != "" {
		t.Errorf("audit records (-want +got):\n%s", diff)
	}

	metrics := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"otc_http_requests_total", map[string]string{"route": "POST /tools/call", "code": "200"}, 4},
		{"otc_http_requests_total", map[string]string{"route": "GET /health", "code": "200"}, 1},
		{"otc_tool_calls_total", map[string]string{"tool": "Calculator.Add@1.0.0", "outcome": "success"}, 1},
		{"otc_tool_calls_total", map[string]string{"tool": "Demo.SecretFingerprint@1.0.0", "outcome": "success"}, 1},
		{"otc_tool_calls_total", map[string]string{"tool": "Doorbell.Ring@0.1.0", "outcome": "tool_error"}, 1},
		{"otc_tool_calls_in_flight", map[string]string{"tool": "Calculator.Add@1.0.0"}, 0},
		{"otc_auth_failures_total", map[string]string{"method": "api_key", "reason": "unknown_key"}, 1},
		{"otc_auth_failures_total", map[string]string{"method": "jwt", "reason": "bad_signature"}, 1},
		{"otc_rate_limited_total", map[string]string{"kind": "auth_failure"}, 1},
		{"otc_build_info", map[string]string{"goversion": "go1.27.3"}, 1},
	}
	for _, m := range metrics {
		got, ok := metricValue(metricsText, m.name, m.labels)
		if !ok || got != m.want {
			t.Errorf("%s%v = %v (found %v), want %v", m.name, m.labels, got, ok, m.want)
		}
	}

	auditBytes, err := os.ReadFile(auditFile)
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{
		"alice's API key": keyAlice, "bob's API key": keyBob, "the guessed API key": guessKey,
		"the JWT secret": jwtSecret, "the wrong JWT secret": wrongSecret,
		"the tool secret": toolSecret, "the authorization token": authzToken,
		"a string input": inputMarker, "a number input": "314159265", "another number input": "271828182",
	}
	for i, tok := range []string{agentToken, wrongToken} {
		secrets["JWT "+string(rune('A'+i))] = tok
		// A segment alone (the signature, the claims) is a leak too.
		for j, seg := range strings.Split(tok, ".") {
			if len(seg) > 16 {
				secrets["JWT "+string(rune('A'+i))+" segment "+string(rune('1'+j))] = seg
			}
		}
	}
	outputs := map[string]string{
		"audit log": string(auditBytes), "process log": s.stderr.String(), "metrics": metricsText, "standard output": s.stdout.String(),
	}
	for where, text := range outputs {
		for what, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Errorf("the %s contains %s", where, what)
			}
		}
	}
}

// OTC: AUTH-18 — where /metrics is served: the main listener by default,
// only the --metrics-addr listener with it, nowhere with --metrics=false.
func TestMetricsListener(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		args            []string
		mainStatus      int
		separateMetrics bool
	}{
		{"main listener", nil, http.StatusOK, false},
		{"separate listener", []string{"--metrics-addr", "127.0.0.1:0"}, http.StatusNotFound, true},
		{"off", []string{"--metrics=false"}, http.StatusNotFound, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, serveOptions{args: tt.args})
			r := s.do(t, http.MethodGet, "/metrics", "")
			if r.status != tt.mainStatus {
				t.Fatalf("GET /metrics on the main listener: status %d, want %d", r.status, tt.mainStatus)
			}
			if r.status == http.StatusOK && !strings.Contains(string(r.body), "otc_build_info") {
				t.Errorf("/metrics lacks otc_build_info:\n%s", r.body)
			}
			if len(s.app.listeners) != map[bool]int{false: 1, true: 2}[tt.separateMetrics] {
				t.Fatalf("%d listeners", len(s.app.listeners))
			}
			if !tt.separateMetrics {
				return
			}
			metricsURL := "http://" + s.app.listeners[1].addr
			// Traffic on the main listener shows on the metrics listener. A
			// request is counted when its handler returns, which for a long
			// response may be after the client read it.
			s.do(t, http.MethodGet, "/tools", "", apiKey(keyAlice)...)
			waitFor(t, 5*time.Second, "GET /tools counted on the metrics listener", func() bool {
				v, _ := metricValue(scrape(t, s.client, metricsURL), "otc_http_requests_total", map[string]string{"route": "GET /tools", "code": "200"})
				return v == 1
			})
			// The metrics listener serves nothing else.
			for _, path := range []string{"/tools", "/health"} {
				if r := doWith(t, s.client, http.MethodGet, metricsURL+path, "", apiKey(keyAlice)...); r.status != http.StatusNotFound {
					t.Errorf("GET %s on the metrics listener: status %d, want 404", path, r.status)
				}
			}
		})
	}
}
