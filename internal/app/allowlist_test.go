package app

// The IP allowlist and trusted proxies, through the whole chain: the
// allowlist answers before any credential is read.

import (
	"net/http"
	"strings"
	"testing"
)

// OTC: AUTH-18, HEALTH-1 — --ip-allow, --health-public, --trusted-proxies
// and --proxy-header against requests from 127.0.0.1.
func TestIPAllowlist(t *testing.T) {
	t.Parallel()
	type request struct {
		name       string
		method     string
		path       string
		header     []string
		wantStatus int
	}
	call := callBody(t, "Calculator.Add@1", map[string]any{"a": 1, "b": 2}, nil)
	tests := []struct {
		name     string
		args     []string
		requests []request
	}{
		{
			name: "outside the allowlist",
			args: []string{"--ip-allow", "10.0.0.0/8"},
			requests: []request{
				{"health", http.MethodGet, "/health", nil, http.StatusForbidden},
				{"openapi", http.MethodGet, "/openapi.json", nil, http.StatusForbidden},
				{"valid key", http.MethodGet, "/tools", apiKey(keyAlice), http.StatusForbidden},
				// 403, not 401: the credential is never looked at.
				{"invalid key", http.MethodGet, "/tools", apiKey("not-a-key-of-this-server-at-all-000"), http.StatusForbidden},
				{"invalid bearer on a call", http.MethodPost, "/tools/call", bearer("a.b.c"), http.StatusForbidden},
				{"no credential", http.MethodGet, "/tools", nil, http.StatusForbidden},
				// A forwarding header from an untrusted peer changes nothing.
				{"spoofed forwarding header", http.MethodGet, "/tools", append(apiKey(keyAlice), "X-Forwarded-For", "10.1.2.3"), http.StatusForbidden},
			},
		},
		{
			name: "public health",
			args: []string{"--ip-allow", "10.0.0.0/8", "--health-public"},
			requests: []request{
				{"health", http.MethodGet, "/health", nil, http.StatusOK},
				{"health other spelling", http.MethodGet, "/health/", nil, http.StatusForbidden},
				{"tools", http.MethodGet, "/tools", apiKey(keyAlice), http.StatusForbidden},
			},
		},
		{
			name: "inside the allowlist",
			args: []string{"--ip-allow", "10.0.0.0/8,127.0.0.0/8"},
			requests: []request{
				{"health", http.MethodGet, "/health", nil, http.StatusOK},
				{"valid key", http.MethodGet, "/tools", apiKey(keyAlice), http.StatusOK},
				{"invalid key", http.MethodGet, "/tools", apiKey("not-a-key-of-this-server-at-all-000"), http.StatusUnauthorized},
			},
		},
		{
			name: "behind a trusted proxy",
			args: []string{"--ip-allow", "203.0.113.0/24", "--trusted-proxies", "127.0.0.1/32"},
			requests: []request{
				{"forwarded client inside", http.MethodGet, "/tools", append(apiKey(keyAlice), "X-Forwarded-For", "203.0.113.7"), http.StatusOK},
				{"call from client inside", http.MethodPost, "/tools/call", append(apiKey(keyAlice), "X-Forwarded-For", "203.0.113.7"), http.StatusOK},
				{"forwarded client outside", http.MethodGet, "/tools", append(apiKey(keyAlice), "X-Forwarded-For", "198.51.100.7"), http.StatusForbidden},
				// The right-most untrusted entry is the client: a client
				// cannot prepend an allowed address.
				{"client prepends an allowed address", http.MethodGet, "/tools", append(apiKey(keyAlice), "X-Forwarded-For", "203.0.113.7, 198.51.100.7"), http.StatusForbidden},
				{"proxy without header", http.MethodGet, "/tools", apiKey(keyAlice), http.StatusForbidden},
				{"other header than configured", http.MethodGet, "/tools", append(apiKey(keyAlice), "Forwarded", "for=203.0.113.7"), http.StatusForbidden},
			},
		},
		{
			name: "without trusted proxies",
			args: []string{"--ip-allow", "203.0.113.0/24"},
			requests: []request{
				{"spoofed forwarding header", http.MethodGet, "/tools", append(apiKey(keyAlice), "X-Forwarded-For", "203.0.113.7"), http.StatusForbidden},
				{"spoofed Forwarded header", http.MethodGet, "/tools", append(apiKey(keyAlice), "Forwarded", "for=203.0.113.7"), http.StatusForbidden},
			},
		},
		{
			name: "Forwarded header",
			args: []string{"--ip-allow", "203.0.113.0/24", "--trusted-proxies", "127.0.0.1/32", "--proxy-header", "forwarded"},
			requests: []request{
				{"forwarded client inside", http.MethodGet, "/tools", append(apiKey(keyAlice), "Forwarded", "for=203.0.113.7"), http.StatusOK},
				{"X-Forwarded-For ignored", http.MethodGet, "/tools", append(apiKey(keyAlice), "X-Forwarded-For", "203.0.113.7"), http.StatusForbidden},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, serveOptions{args: tt.args})
			for _, rq := range tt.requests {
				t.Run(rq.name, func(t *testing.T) {
					body := ""
					if rq.method == http.MethodPost {
						body = call
					}
					r := s.do(t, rq.method, rq.path, body, rq.header...)
					if r.status != rq.wantStatus {
						t.Fatalf("status %d, body %s; want %d", r.status, r.body, rq.wantStatus)
					}
					if r.status != http.StatusForbidden {
						return
					}
					if ct := r.header.Get("Content-Type"); ct != "application/json" {
						t.Errorf("Content-Type %q, want application/json", ct)
					}
					if m := r.json(t); m["message"] == nil {
						t.Errorf("403 body %s has no message", r.body)
					}
					if c := r.header.Values("WWW-Authenticate"); len(c) > 0 {
						t.Errorf("403 carries authentication challenges %q: the credential was looked at", c)
					}
				})
			}
			// No refusal above came from authentication: it was never
			// reached from outside the list.
			if strings.HasPrefix(tt.name, "outside") && strings.Contains(s.stderr.String(), "authentication failed") {
				t.Errorf("authentication ran for a request from outside the allowlist; log:\n%s", s.stderr)
			}
		})
	}
}
