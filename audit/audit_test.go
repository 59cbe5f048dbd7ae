package audit_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/audit"
	"github.com/otc-dev/otc/internal/reqinfo"
	"github.com/otc-dev/otc/netguard"
)

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// stepClock returns t0, then later times 250ms apart, so that every
// request in these tests takes 250ms.
func stepClock() func() time.Time {
	var mu sync.Mutex
	n := 0
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		n++
		return t0.Add(time.Duration(n-1) * 250 * time.Millisecond)
	}
}

// fakeServer stands in for the layers inside the audit middleware:
// authentication on /tools and /tools/call (API key "good-key" is client
// "alice"; anything else fails), and a call handler that records ids.
func fakeServer() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {})
	protected := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			info := reqinfo.From(r.Context())
			switch key := r.Header.Get("OTC-API-Key"); key {
			case "good-key":
				c := &otc.Caller{Method: "api_key", Name: "alice"}
				info.Caller = c
				h(w, r.WithContext(otc.WithCaller(r.Context(), c)))
			case "":
				info.AuthMethod, info.AuthFailure = "api_key", "missing"
				w.WriteHeader(http.StatusUnauthorized)
			default:
				info.AuthMethod, info.AuthFailure = "api_key", "unknown_key"
				w.WriteHeader(http.StatusUnauthorized)
			}
		}
	}
	mux.HandleFunc("GET /tools", protected(func(w http.ResponseWriter, r *http.Request) {}))
	mux.HandleFunc("POST /tools/call", protected(func(w http.ResponseWriter, r *http.Request) {
		var req otc.CallRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		info := reqinfo.From(r.Context())
		info.ToolID = req.Request.ToolID + "@1.0.0"
		info.CallID, info.TraceID = req.Request.CallID, req.Request.TraceID
		info.Outcome = "success"
	}))
	return mux
}

// chain is the front of the server's chain: request info, source address,
// then the audit middleware.
func chain(l *audit.Logger, next http.Handler) http.Handler {
	return netguard.RequestInfo(netguard.SourceAddress(nil)(l.Middleware(next)))
}

func records(t *testing.T, out *bytes.Buffer) []map[string]any {
	t.Helper()
	var recs []map[string]any
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("audit line is not JSON: %q", sc.Text())
		}
		recs = append(recs, m)
	}
	return recs
}

// OTC: CALL-7 (trace_id carried into the logs), AUTH-18
func TestMiddleware(t *testing.T) {
	callBody := `{"request":{"tool_id":"Calculator.Add","call_id":"c-1","trace_id":"tr-9","input":{"a":1,"b":2}}}`
	tests := []struct {
		name   string
		opts   audit.Options
		method string
		target string
		key    string
		body   string
		want   map[string]any // nil: no record
	}{
		{name: "authenticated call", method: "POST", target: "/tools/call", key: "good-key", body: callBody,
			want: map[string]any{"time": "2026-03-04T05:06:07Z", "msg": "audit", "client": "alice",
				"auth_method": "api_key", "source_ip": "192.0.2.10", "method": "POST", "path": "POST /tools/call",
				"tool_id": "Calculator.Add@1.0.0", "call_id": "c-1", "trace_id": "tr-9",
				"outcome": "success", "status": 200.0, "duration_ms": 250.0}},
		{name: "authenticated list", method: "GET", target: "/tools", key: "good-key",
			want: map[string]any{"time": "2026-03-04T05:06:07Z", "msg": "audit", "client": "alice",
				"auth_method": "api_key", "source_ip": "192.0.2.10", "method": "GET", "path": "GET /tools",
				"outcome": "ok", "status": 200.0, "duration_ms": 250.0}},
		{name: "failed authentication", method: "GET", target: "/tools", key: "wrong",
			want: map[string]any{"time": "2026-03-04T05:06:07Z", "msg": "audit", "client": "anonymous",
				"auth_method": "api_key", "auth_failure": "unknown_key", "source_ip": "192.0.2.10",
				"method": "GET", "path": "GET /tools", "outcome": "unauthenticated", "status": 401.0,
				"duration_ms": 250.0}},
		{name: "missing credentials", method: "GET", target: "/tools",
			want: map[string]any{"time": "2026-03-04T05:06:07Z", "msg": "audit", "client": "anonymous",
				"auth_method": "api_key", "auth_failure": "missing", "source_ip": "192.0.2.10",
				"method": "GET", "path": "GET /tools", "outcome": "unauthenticated", "status": 401.0,
				"duration_ms": 250.0}},
		{name: "health is not audited", method: "GET", target: "/health"},
		{name: "unknown path is not audited", method: "GET", target: "/nope"},
		{name: "all requests: health", opts: audit.Options{AllRequests: true}, method: "GET", target: "/health",
			want: map[string]any{"time": "2026-03-04T05:06:07Z", "msg": "audit", "client": "anonymous",
				"source_ip": "192.0.2.10", "method": "GET", "path": "GET /health", "outcome": "ok",
				"status": 200.0, "duration_ms": 250.0}},
		{name: "all requests: unmatched path without query", opts: audit.Options{AllRequests: true},
			method: "GET", target: "/nope?api_key=abc",
			want: map[string]any{"time": "2026-03-04T05:06:07Z", "msg": "audit", "client": "anonymous",
				"source_ip": "192.0.2.10", "method": "GET", "path": "/nope", "outcome": "client_error",
				"status": 404.0, "duration_ms": 250.0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			opts := tt.opts
			opts.Now = stepClock()
			h := chain(audit.New(&out, &opts), fakeServer())
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			r.RemoteAddr = "192.0.2.10:50000"
			if tt.key != "" {
				r.Header.Set("OTC-API-Key", tt.key)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			recs := records(t, &out)
			if tt.want == nil {
				if len(recs) != 0 {
					t.Errorf("got records %v, want none", recs)
				}
				return
			}
			if len(recs) != 1 {
				t.Fatalf("got %d records, want 1:\n%s", len(recs), out.String())
			}
			if diff := cmp.Diff(tt.want, recs[0]); diff != "" {
				t.Errorf("record (-want +got):\n%s", diff)
			}
		})
	}
}

// Requests refused by a guard in front of authentication (allowlist, failed
// authentication limit) are audited although no credential was looked at.
func TestMiddlewareGuardRefusals(t *testing.T) {
	for _, outcome := range []string{"forbidden", "rate_limited"} {
		t.Run(outcome, func(t *testing.T) {
			var out bytes.Buffer
			h := chain(audit.New(&out, &audit.Options{Now: stepClock()}),
				http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					reqinfo.From(r.Context()).Outcome = outcome
					w.WriteHeader(http.StatusTeapot)
				}))
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/tools", nil))
			recs := records(t, &out)
			if len(recs) != 1 || recs[0]["outcome"] != outcome || recs[0]["status"] != 418.0 {
				t.Errorf("records %v, want one with outcome %s and status 418", recs, outcome)
			}
		})
	}
}

// OTC: REQ-5, AUTH-7 (credentials, secrets, tokens and tool inputs never
// reach the audit log)
func TestMiddlewareNeverLogsSecrets(t *testing.T) {
	secrets := []string{
		"good-key",                             // the API key that admitted the request
		"wrong-key-guess-0123456789abcdef",     // a failed guess
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0", // a bearer token
		"s3cr3t-value",                         // context.secrets
		"oauth-token-value",                    // context.authorization
		"private-input-value",                  // tool input
		"query-secret",                         // a key put in the query string
		"cookie-secret",                        // a cookie
	}
	body := `{"request":{"tool_id":"Calculator.Add","call_id":"c-1","trace_id":"tr-9",` +
		`"input":{"note":"private-input-value"},` +
		`"context":{"secrets":[{"id":"db","value":"s3cr3t-value"}],` +
		`"authorization":[{"id":"github","token":"oauth-token-value"}],"user_id":"u-1"}}}`
	var out bytes.Buffer
	h := chain(audit.New(&out, &audit.Options{AllRequests: true}), fakeServer())
	for _, key := range []string{"good-key", "wrong-key-guess-0123456789abcdef"} {
		for _, target := range []string{"/tools/call?api_key=query-secret", "/nope?key=query-secret"} {
			r := httptest.NewRequest("POST", target, strings.NewReader(body))
			r.Header.Set("OTC-API-Key", key)
			r.Header.Set("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0")
			r.Header.Set("Cookie", "session=cookie-secret")
			h.ServeHTTP(httptest.NewRecorder(), r)
		}
	}
	log := out.String()
	if n := len(records(t, bytes.NewBufferString(log))); n != 4 {
		t.Fatalf("got %d records, want 4:\n%s", n, log)
	}
	for _, s := range secrets {
		if strings.Contains(log, s) {
			t.Errorf("the audit log contains %q:\n%s", s, log)
		}
	}
	if !strings.Contains(log, `"call_id":"c-1"`) || !strings.Contains(log, `"client":"alice"`) {
		t.Errorf("the audit log lacks the call id or the client:\n%s", log)
	}
}

func TestMiddlewarePanic(t *testing.T) {
	var out bytes.Buffer
	h := chain(audit.New(&out, &audit.Options{Now: stepClock(), AllRequests: true}),
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) }))
	func() {
		defer func() {
			if recover() != http.ErrAbortHandler {
				t.Error("the panic did not go on unchanged")
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/tools", nil))
	}()
	recs := records(t, &out)
	if len(recs) != 1 || recs[0]["outcome"] != "panic" || recs[0]["status"] != 500.0 {
		t.Errorf("records %v, want one with outcome panic and status 500", recs)
	}
}

func TestLogClipsLongFields(t *testing.T) {
	var out bytes.Buffer
	l := audit.New(&out, nil)
	long := strings.Repeat("é", 300) // 600 bytes of two-byte runes
	if err := l.Log(t.Context(), audit.Record{CallID: long, Path: "/x", Status: 200}); err != nil {
		t.Fatal(err)
	}
	recs := records(t, &out)
	got := recs[0]["call_id"].(string)
	if !strings.HasSuffix(got, "...") || len(got) > 260 || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("call_id clipped to %d bytes: %q", len(got), got)
	}
}

// failingWriter fails while broken is set.
type failingWriter struct {
	mu     sync.Mutex
	broken bool
	buf    bytes.Buffer
}

func (w *failingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.broken {
		return 0, errors.New("no space left on device")
	}
	return w.buf.Write(p)
}

func TestLogWriteFailures(t *testing.T) {
	var errLog bytes.Buffer
	w := &failingWriter{broken: true}
	l := audit.New(w, &audit.Options{ErrorLog: slog.New(slog.NewTextHandler(&errLog, nil))})
	for range 5 {
		if err := l.Log(t.Context(), audit.Record{}); err == nil {
			t.Fatal("Log returned no error while the writer fails")
		}
	}
	w.mu.Lock()
	w.broken = false
	w.mu.Unlock()
	if err := l.Log(t.Context(), audit.Record{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(errLog.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "no space left") || !strings.Contains(lines[1], "again") {
		t.Errorf("error log, want one line for the failures and one for the recovery:\n%s", errLog.String())
	}
}

func TestOpenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	for i := range 2 {
		f, err := audit.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := audit.New(f, nil).Log(t.Context(), audit.Record{Status: 200 + i}); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("mode %v, want 0600", perm)
	}
	f, _ := os.Open(path)
	defer f.Close()
	b, _ := io.ReadAll(f)
	if n := strings.Count(string(b), "\n"); n != 2 {
		t.Errorf("reopening did not append: %d lines:\n%s", n, b)
	}
	if _, err := audit.OpenFile(filepath.Join(t.TempDir(), "missing-dir", "audit.log")); err == nil {
		t.Error("opening in a missing directory succeeded")
	}
}
