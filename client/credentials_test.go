package client_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc/client"
)

// listOK answers GET /tools with an empty list.
func listOK(_ int, w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"$schema": "otc://1.0", "tools": []any{}})
}

// parseToken verifies tok with secret as a server would, and returns its
// claims.
func parseToken(t *testing.T, tok string, secret []byte, now time.Time) jwt.MapClaims {
	t.Helper()
	claims := jwt.MapClaims{}
	_, err := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return now })).
		ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return secret, nil })
	if err != nil {
		t.Fatalf("token does not verify: %v", err)
	}
	return claims
}

// bearer returns the token of an Authorization: Bearer header.
func bearer(t *testing.T, h http.Header) string {
	t.Helper()
	tok, ok := strings.CutPrefix(h.Get("Authorization"), "Bearer ")
	if !ok {
		t.Fatalf("Authorization = %q, want a Bearer token", h.Get("Authorization"))
	}
	return tok
}

func TestCredentialHeaders(t *testing.T) {
	clock := newFakeClock()
	tests := []struct {
		name       string
		opts       client.Options
		wantKey    string
		wantBearer bool
		wantClaims jwt.MapClaims
	}{
		// OTC: AUTH-3
		{name: "API key", opts: client.Options{APIKey: "the-key"}, wantKey: "the-key"},
		// OTC: AUTH-8, AUTH-9, AUTH-11
		{name: "JWT", opts: client.Options{JWTSecret: secret32}, wantBearer: true,
			wantClaims: jwt.MapClaims{"iat": float64(clock.Now().Unix()), "exp": float64(clock.Now().Add(5 * time.Minute).Unix())}},
		{name: "JWT with audience and subject", opts: client.Options{JWTSecret: secret32, Audience: "otcserver", Subject: "agent-7"},
			wantBearer: true,
			wantClaims: jwt.MapClaims{"iat": float64(clock.Now().Unix()), "exp": float64(clock.Now().Add(5 * time.Minute).Unix()),
				"aud": "otcserver", "sub": "agent-7"}},
		{name: "JWT with a 15 minute lifetime", opts: client.Options{JWTSecret: secret32, TokenLifetime: 15 * time.Minute},
			wantBearer: true,
			wantClaims: jwt.MapClaims{"iat": float64(clock.Now().Unix()), "exp": float64(clock.Now().Add(15 * time.Minute).Unix())}},
		// OTC: AUTH-17
		{name: "JWT preferred over API key", opts: client.Options{APIKey: "the-key", JWTSecret: secret32}, wantBearer: true,
			wantClaims: jwt.MapClaims{"iat": float64(clock.Now().Unix()), "exp": float64(clock.Now().Add(5 * time.Minute).Unix())}},
		{name: "no credentials", opts: client.Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			srv := rec.serve(t, listOK)
			tt.opts.Clock = clock
			c, err := client.New(srv.URL, &tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.ListTools(context.Background()); err != nil {
				t.Fatal(err)
			}
			// OTC: HEALTH-1 — /health gets no credential at all.
			if err := c.Health(context.Background()); err != nil {
				t.Fatal(err)
			}
			reqs := rec.Requests()
			list, health := reqs[0].Header, reqs[1].Header
			if got := list.Get(client.HeaderAPIKey); got != tt.wantKey {
				t.Errorf("OTC-API-Key = %q, want %q", got, tt.wantKey)
			}
			if tt.wantBearer {
				claims := parseToken(t, bearer(t, list), secret32, clock.Now())
				if diff := cmp.Diff(tt.wantClaims, claims); diff != "" {
					t.Errorf("claims (-want +got):\n%s", diff)
				}
			} else if got := list.Get("Authorization"); got != "" {
				t.Errorf("Authorization = %q, want none", got)
			}
			if health.Get("Authorization") != "" || health.Get(client.HeaderAPIKey) != "" {
				t.Errorf("/health request carried a credential")
			}
			if got := list.Get("User-Agent"); got != client.DefaultUserAgent {
				t.Errorf("User-Agent = %q", got)
			}
		})
	}
}

// OTC: AUTH-11, AUTH-14 — tokens are reused while fresh, renewed before they
// expire, and never sent expired.
func TestTokenRenewal(t *testing.T) {
	var rec recorder
	srv := rec.serve(t, listOK)
	clock := newFakeClock()
	c, err := client.New(srv.URL, &client.Options{JWTSecret: secret32, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		advance time.Duration
		renewed bool
	}{
		{0, true},                               // first token
		{time.Minute, false},                    // 1m old: reused
		{2*time.Minute + 59*time.Second, false}, // 3m59s old: reused
		{time.Second, true},                     // 4m old, a fifth of its life left: renewed
		{4 * time.Minute, true},                 // the new one is 4m old: renewed
		{10 * time.Minute, true},                // long idle; the old one has expired: renewed
		{time.Second, false},
	}
	prev := ""
	for i, s := range steps {
		clock.Advance(s.advance)
		if _, err := c.ListTools(context.Background()); err != nil {
			t.Fatal(err)
		}
		reqs := rec.Requests()
		tok := bearer(t, reqs[len(reqs)-1].Header)
		if renewed := tok != prev; renewed != s.renewed {
			t.Errorf("step %d: renewed = %v, want %v", i, renewed, s.renewed)
		}
		// parseToken fails for an expired token.
		claims := parseToken(t, tok, secret32, clock.Now())
		exp, _ := claims.GetExpirationTime()
		if left := exp.Sub(clock.Now()); left < time.Minute || left > 5*time.Minute {
			t.Errorf("step %d: token sent with %s left, want between 1m and 5m", i, left)
		}
		prev = tok
	}
}

// A server with replay protection accepts each token once: TokenPerRequest
// gives every request its own token with a unique jti.
func TestTokenPerRequest(t *testing.T) {
	var rec recorder
	srv := rec.serve(t, listOK)
	clock := newFakeClock()
	c, err := client.New(srv.URL, &client.Options{JWTSecret: secret32, TokenPerRequest: true, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := range 3 {
		if _, err := c.ListTools(context.Background()); err != nil {
			t.Fatal(err)
		}
		tok := bearer(t, rec.Requests()[i].Header)
		jti, _ := parseToken(t, tok, secret32, clock.Now())["jti"].(string)
		if len(jti) < 16 || seen[jti] {
			t.Errorf("request %d: jti %q is missing or reused", i, jti)
		}
		seen[jti] = true
	}
}
