package auth_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/otc-dev/otc/auth"
)

// No API key, JWT secret or bearer token reaches a log line, an error value
// or a 401 body (AUTHZ-6, AUTH-7, CALL-5).
func TestRedaction(t *testing.T) {
	var logs bytes.Buffer
	cfg := baseConfig()
	cfg.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.RequireJTI = true
	a := mustNew(t, cfg)

	tokens := []string{
		validToken(`"jti":"j-1"`), // admitted, then replayed
		forge(hs256, `{"exp":1,"jti":"j-2"}`, secret),
		forge(hs256, claims(`"aud":"stranger"`, `"jti":"j-3"`), secret),
		forge(hs256, claims(`"jti":"j-4"`), []byte("an-attacker-secret-guess-0123456789")),
		forge(`{"alg":"HS256","crit":["x"]}`, claims(), secret),
		forge(hs256, `{"exp":"1","exp":2}`, secret),
		seg(`{"alg":"none"}`) + "." + seg(claims()) + ".",
	}
	requests := [][]string{
		{"OTC-API-Key", keyAlpha},
		{"OTC-API-Key", keyAlpha + "-guess"},
		{"OXP-API-Key", keyBeta, "OTC-API-Key", keyBeta},
		{"Authorization", "Bearer " + keyBeta + "-guess"},
		{"Authorization", "Basic " + keyAlpha},
	}
	for _, tok := range tokens {
		requests = append(requests, []string{"Authorization", "Bearer " + tok})
	}
	requests = append(requests, []string{"Authorization", "Bearer " + tokens[0]}) // replay

	var errs, bodies strings.Builder
	for _, h := range requests {
		r := request(h...)
		if _, err := a.Authenticate(r); err != nil {
			fmt.Fprintf(&errs, "%v %+v %#v\n", err, err, err)
			var f *auth.Failure
			if errors.As(err, &f) && f.Err != nil {
				errs.WriteString(f.Err.Error())
			}
		}
		w := serve(a, &counter{}, request(h...))
		bodies.WriteString(w.Body.String())
		bodies.WriteString(strings.Join(w.Result().Header.Values("WWW-Authenticate"), "\n"))
	}
	// Configuration errors must not quote what they refuse either.
	for _, text := range []string{"alpha=" + keyAlpha + "\nalpha=" + keyBeta, "=" + keyAlpha, "x y=" + keyAlpha, "n=" + keyAlpha + " tail"} {
		if _, err := auth.ParseAPIKeys(text); err != nil {
			fmt.Fprintln(&errs, err)
		}
	}
	if _, err := auth.New(auth.Config{Methods: []auth.Method{auth.MethodJWT}, JWTSecrets: [][]byte{[]byte("short-secret-XYZ")}}); err != nil {
		fmt.Fprintln(&errs, err)
	}
	if _, err := auth.MintToken([]byte("short-secret-XYZ"), auth.MintOptions{}); err != nil {
		fmt.Fprintln(&errs, err)
	}
	if _, err := auth.MintToken(secret, auth.MintOptions{TTL: time.Hour}); err != nil {
		fmt.Fprintln(&errs, err)
	}

	if logs.Len() == 0 || !strings.Contains(logs.String(), `"reason":"unknown_key"`) {
		t.Fatalf("refusals were not logged:\n%s", logs.String())
	}
	forbidden := map[string]string{
		"key alpha": keyAlpha, "key beta": keyBeta,
		"secret": string(secret), "old secret": string(oldSecret), "short secret": "short-secret-XYZ",
		"attacker secret": "an-attacker-secret-guess",
	}
	for i, tok := range tokens {
		forbidden[fmt.Sprint("token ", i)] = tok
		for j, part := range strings.Split(tok, ".") {
			if len(part) >= 16 {
				forbidden[fmt.Sprint("token ", i, " part ", j)] = part
			}
		}
	}
	for where, text := range map[string]string{"logs": logs.String(), "errors": errs.String(), "responses": bodies.String()} {
		for what, s := range forbidden {
			if strings.Contains(text, s) {
				t.Errorf("%s contain the %s", where, what)
			}
		}
	}
}

// GeneratedCredentials prints and logs without its secrets.
func TestGeneratedCredentialsRedacted(t *testing.T) {
	g, err := auth.EnsureGeneratedCredentials(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("credentials", "creds", g, "ptr", &g)
	printed := fmt.Sprintf("%v %+v %#v %s %d %x %q", g, g, g, g, g, g, &g)
	for _, text := range []string{printed, logs.String()} {
		if strings.Contains(text, g.APIKey) || strings.Contains(text, string(g.JWTSecrets[0])) {
			t.Errorf("secret printed: %s", text)
		}
		if !strings.Contains(text, "api-keys") {
			t.Errorf("paths missing: %s", text)
		}
	}
}
