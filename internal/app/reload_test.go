package app

// Credential rotation on SIGHUP ((*app).reload): new keys and secrets take
// effect, removed ones stop working, connections stay, and a broken file
// changes nothing.

import (
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"strings"
	"testing"

	"github.com/otc-dev/otc/auth"
)

// listOn sends GET /tools with header on s.client and returns the status
// and the local address of the connection used, which tells a kept
// connection from a new one.
func (s *testServer) listOn(t *testing.T, header ...string) (status int, conn string) {
	t.Helper()
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { conn = info.Conn.LocalAddr().String() },
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/tools", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, conn
}

// OTC: AUTH-4, AUTH-10 — rotation of the --api-keys-file and
// --jwt-secrets-file on SIGHUP.
func TestReloadCredentials(t *testing.T) {
	t.Parallel()
	const (
		keyCarol  = "carol-key-Vb7Nm3Qx9Lk2Rt5Wp8Hc1Bd4Fj6Gs0"
		newSecret = "jwt-secret-2-Xc5Bv8Nm1Qw4Er7Ty0Ui3Op6As9"
	)
	dir := t.TempDir()
	keys := writeFile(t, dir, "api-keys", "alice="+keyAlice+"\nbob="+auth.Digest(keyBob)+"\n")
	secrets := writeFile(t, dir, "jwt-secrets", jwtSecret+"\n")
	s := startServer(t, serveOptions{dataDir: dir, apiKeys: "-", jwtSecrets: "-",
		// Many refusals below come from one address: no lockout.
		args: []string{"--api-keys-file", keys, "--jwt-secrets-file", secrets, "--auth-fail-limit", "off"}})

	oldToken := mintJWT(t, "agent")
	newToken, err := auth.MintToken([]byte(newSecret), auth.MintOptions{Subject: "agent"})
	if err != nil {
		t.Fatal(err)
	}
	type check struct {
		name   string
		header []string
		want   int
	}
	expect := func(t *testing.T, checks []check) {
		t.Helper()
		for _, c := range checks {
			if got, _ := s.listOn(t, c.header...); got != c.want {
				t.Errorf("%s: status %d, want %d", c.name, got, c.want)
			}
		}
	}
	status, conn := s.listOn(t, apiKey(keyAlice)...)
	if status != http.StatusOK {
		t.Fatalf("alice before the rotation: status %d", status)
	}
	expect(t, []check{
		{"bob before", apiKey(keyBob), http.StatusOK},
		{"carol before", apiKey(keyCarol), http.StatusUnauthorized},
		{"old token before", bearer(oldToken), http.StatusOK},
		{"new token before", bearer(newToken), http.StatusUnauthorized},
	})

	// Bob's key is removed, carol's added; the new secret is current and
	// the old one gone.
	writeFile(t, dir, "api-keys", "alice="+keyAlice+"\ncarol="+keyCarol+"\n")
	writeFile(t, dir, "jwt-secrets", newSecret+"\n")
	s.app.reload()

	after := []check{
		{"carol after", apiKey(keyCarol), http.StatusOK},
		{"bob after", apiKey(keyBob), http.StatusUnauthorized},
		{"new token after", bearer(newToken), http.StatusOK},
		{"old token after", bearer(oldToken), http.StatusUnauthorized},
	}
	expect(t, after)
	status, again := s.listOn(t, apiKey(keyAlice)...)
	if status != http.StatusOK {
		t.Fatalf("alice after the rotation: status %d", status)
	}
	if again != conn {
		t.Errorf("the keep-alive connection was dropped by the reload: first %s, now %s", conn, again)
	}
	if !strings.Contains(s.stderr.String(), "credentials reloaded") {
		t.Errorf("the reload is not logged; log:\n%s", s.stderr)
	}

	// A broken file keeps the keys and secrets in force, and says why
	// without the values.
	const shortKey = "short-secret-key"
	broken := []struct {
		name, file, content string
	}{
		{"key too short", "api-keys", "alice=" + keyAlice + "\ndave=" + shortKey + "\n"},
		{"entry without name", "api-keys", "=" + keyCarol + "\n"},
		{"duplicate name", "api-keys", "alice=" + keyAlice + "\nalice=" + keyCarol + "\n"},
		{"no key at all", "api-keys", "# emptied by mistake\n"},
		{"secret too short", "jwt-secrets", shortKey + "\n"},
		{"file removed", "api-keys", ""},
	}
	for _, b := range broken {
		t.Run(b.name, func(t *testing.T) {
			path := writeFile(t, dir, b.file, b.content)
			if b.content == "" {
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
			}
			before := len(s.stderr.String())
			s.app.reload()
			logged := s.stderr.String()[before:]
			if !strings.Contains(logged, "not reloaded") {
				t.Errorf("the failed reload is not logged; log:\n%s", logged)
			}
			for _, secret := range []string{shortKey, keyCarol, keyAlice, newSecret} {
				if strings.Contains(logged, secret) {
					t.Errorf("the log of the failed reload contains a credential: %s", logged)
				}
			}
			expect(t, after)
		})
		// Restore the good files for the next case.
		writeFile(t, dir, "api-keys", "alice="+keyAlice+"\ncarol="+keyCarol+"\n")
		writeFile(t, dir, "jwt-secrets", newSecret+"\n")
	}
}
