package auth_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc/auth"
)

func TestMintToken(t *testing.T) {
	a := mustNew(t, baseConfig())
	tests := []struct {
		name       string
		opts       auth.MintOptions
		wantClaims map[string]any
		wantErr    string
	}{
		{"defaults", auth.MintOptions{Now: testNow, ID: "id-1"},
			map[string]any{"exp": float64(unix(5 * time.Minute)), "iat": float64(unix(0)), "jti": "id-1"}, ""},
		{"all claims", auth.MintOptions{Now: testNow, ID: "id-2", Audience: []string{"ci"}, Subject: "deploy", Scope: "Calculator.*", TTL: time.Minute},
			map[string]any{"exp": float64(unix(time.Minute)), "iat": float64(unix(0)), "jti": "id-2", "aud": "ci", "sub": "deploy", "scope": "Calculator.*"}, ""},
		{"two audiences", auth.MintOptions{Now: testNow, ID: "id-3", Audience: []string{"agents", "ci"}},
			map[string]any{"exp": float64(unix(5 * time.Minute)), "iat": float64(unix(0)), "jti": "id-3", "aud": []any{"agents", "ci"}}, ""},
		// OTC: AUTH-11 — exp at most 15 minutes ahead.
		{"max ttl", auth.MintOptions{Now: testNow, ID: "id-4", TTL: 15 * time.Minute},
			map[string]any{"exp": float64(unix(15 * time.Minute)), "iat": float64(unix(0)), "jti": "id-4"}, ""},
		{"ttl too long", auth.MintOptions{TTL: 15*time.Minute + time.Second}, nil, "longer than the 15m0s allowed"},
		{"negative ttl", auth.MintOptions{TTL: -time.Minute}, nil, "negative"},
		{"sub-second ttl", auth.MintOptions{TTL: time.Millisecond}, nil, "shorter than one second"},
		{"bad scope", auth.MintOptions{Scope: "Calc*"}, nil, "scope"},
		{"bad audience", auth.MintOptions{Audience: []string{"a b"}}, nil, "space"},
		{"bad subject", auth.MintOptions{Subject: "a\nb"}, nil, "control"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := auth.MintToken(secret, tt.opts)
			checkErr(t, err, tt.wantErr)
			if err != nil {
				return
			}
			parts := strings.Split(tok, ".")
			if len(parts) != 3 {
				t.Fatalf("%d parts", len(parts))
			}
			header, _ := base64.RawURLEncoding.DecodeString(parts[0])
			if string(header) != `{"alg":"HS256","typ":"JWT"}` {
				t.Errorf("header %s", header)
			}
			payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
			var got map[string]any
			if err := json.Unmarshal(payload, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantClaims, got); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
			// What we mint, we accept.
			if _, err := a.Authenticate(request("Authorization", "Bearer "+tok)); err != nil {
				t.Errorf("minted token refused: %v", err)
			}
		})
	}
}

func TestMintTokenSecrets(t *testing.T) {
	if _, err := auth.MintToken(nil, auth.MintOptions{}); err == nil {
		t.Error("empty secret accepted")
	}
	if _, err := auth.MintToken([]byte("short"), auth.MintOptions{}); err == nil || !strings.Contains(err.Error(), "shorter than 32 bytes") {
		t.Errorf("short secret: %v", err)
	}
	if _, err := auth.MintToken([]byte("short"), auth.MintOptions{AllowShortSecret: true}); err != nil {
		t.Errorf("short secret allowed: %v", err)
	}
	a, _ := auth.MintToken(secret, auth.MintOptions{Now: testNow})
	b, _ := auth.MintToken(secret, auth.MintOptions{Now: testNow})
	if a == b {
		t.Error("two tokens with random jti are equal")
	}
}
