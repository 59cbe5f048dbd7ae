package auth_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// OTC: COMPAT-7 — one Call Tool page lists "invalid credentials" among the
// 400 server errors; the authentication page (the seed) says 401, and the
// seed wins. A call with a bad credential is a 401 with a challenge, never a
// 400 ServerErrorResponse, and the tool does not run.
func TestCompat7InvalidCredentialsAre401Not400(t *testing.T) {
	s := newLiveServer(t, baseConfig())
	for _, tc := range []struct {
		name  string
		creds func(*http.Request)
	}{
		{"unknown API key", withKey("an-api-key-that-is-long-enough-but-not-configured")},
		{"garbage bearer token", withToken("not.a.jwt")},
		{"no credential", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, h, body := s.do(t, http.MethodPost, "/tools/call", counterCall, tc.creds)
			if code != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401 (COMPAT-7): %s", code, body)
			}
			if len(h.Values("WWW-Authenticate")) == 0 {
				t.Errorf("401 without a WWW-Authenticate challenge")
			}
			var e struct{ Message string }
			if err := json.Unmarshal(body, &e); err != nil || e.Message == "" {
				t.Errorf("401 body %q is not {message, ...}", body)
			}
		})
	}
	if n := s.count(t); n != 1 {
		t.Fatalf("Demo.Counter count %d after the refused calls, want 1: a refused call ran the tool", n)
	}
}
