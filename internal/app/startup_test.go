package app

// Start-up: generated credentials, configuration mistakes reported before
// the port opens (exit status 2 in the CLI), and the start-up line.

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/otc-dev/otc/auth"
	"github.com/otc-dev/otc/internal/config"
)

// OTC: AUTH-1, AUTH-7 — with an authentication method on and no
// credentials, the first start generates an API key and a JWT secret into
// the data directory (mode 0600), says where, and does not print the key
// when standard output is not a terminal; the next start reuses them.
func TestGeneratedCredentials(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	o := serveOptions{dataDir: dir, apiKeys: "-", jwtSecrets: "-", args: []string{"--auth", "api_key,jwt"}}
	keysPath, secretsPath := filepath.Join(dir, auth.APIKeysFileName), filepath.Join(dir, auth.JWTSecretsFileName)

	// Standard output is a regular file: not a terminal.
	cfg, err := parseConfig(t, o)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	stderr := new(syncBuffer)
	a, err := build(context.Background(), cfg, out, stderr, newLogger(cfg, stderr))
	if err != nil {
		t.Fatalf("first build: %v", err)
	}
	a.close()

	keysText, err := os.ReadFile(keysPath)
	if err != nil {
		t.Fatalf("generated API keys: %v", err)
	}
	secretText, err := os.ReadFile(secretsPath)
	if err != nil {
		t.Fatalf("generated JWT secrets: %v", err)
	}
	if runtime.GOOS != "windows" {
		for _, p := range []string{keysPath, secretsPath} {
			info, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if perm := info.Mode().Perm(); perm != 0o600 {
				t.Errorf("%s has mode %04o, want 0600", p, perm)
			}
		}
	}
	key, ok := strings.CutPrefix(strings.TrimSpace(string(keysText)), auth.GeneratedKeyName+"=")
	if !ok || len(key) < 32 {
		t.Fatalf("generated API key file holds %d bytes not shaped %s=<32+ bytes>", len(keysText), auth.GeneratedKeyName)
	}
	secret := strings.TrimSpace(string(secretText))
	printed, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{keysPath, secretsPath} {
		if !strings.Contains(string(printed), p) {
			t.Errorf("standard output does not say where %s is: %q", filepath.Base(p), printed)
		}
	}
	for where, text := range map[string]string{"standard output": string(printed), "the log": stderr.String()} {
		if strings.Contains(text, key) || strings.Contains(text, secret) {
			t.Errorf("%s shows the generated key or secret", where)
		}
	}

	// The second start finds them, says nothing of generating, and they
	// work.
	s := startServer(t, o)
	if strings.Contains(s.stdout.String(), "Generated") {
		t.Errorf("the second start claims to generate credentials: %q", s.stdout)
	}
	again, err := os.ReadFile(keysPath)
	if err != nil || string(again) != string(keysText) {
		t.Fatalf("the API key file changed on the second start (err %v)", err)
	}
	if r := s.do(t, http.MethodGet, "/tools", "", apiKey(key)...); r.status != http.StatusOK {
		t.Errorf("the generated key: status %d, body %s", r.status, r.body)
	}
	tok, err := auth.MintToken([]byte(secret), auth.MintOptions{Subject: "local"})
	if err != nil {
		t.Fatal(err)
	}
	if r := s.do(t, http.MethodGet, "/tools", "", bearer(tok)...); r.status != http.StatusOK {
		t.Errorf("a token signed with the generated secret: status %d, body %s", r.status, r.body)
	}
}

// Configuration mistakes that build finds are *config.Error, the CLI's exit
// status 2, and never quote a key or secret.
//
// OTC: AUTH-7, AUTHZ-2
func TestBuildConfigErrors(t *testing.T) {
	t.Parallel()
	const shortKey, shortSecret = "short-key-value-123", "short-jwt-secret"
	tests := []struct {
		name        string
		o           serveOptions
		wantInError []string
	}{
		{"API key too short", serveOptions{apiKeys: "alice=" + shortKey}, []string{`"alice"`, "32 bytes"}},
		{"unnamed API key too short", serveOptions{apiKeys: shortKey}, []string{"32 bytes"}},
		{"API key entry without name", serveOptions{apiKeys: "=" + keyAlice}, []string{"OTC_API_KEYS"}},
		{"JWT secret too short", serveOptions{jwtSecrets: shortSecret}, []string{"JWT secret", "32 bytes"}},
		{"API keys file missing", serveOptions{apiKeys: "-", args: []string{"--api-keys-file", "/nonexistent/otc/api-keys"}}, []string{"api-keys-file"}},
		{"api_key without keys", serveOptions{apiKeys: "-", args: []string{"--auth", "api_key", "--jwt-secrets-file", "/dev/null"}}, []string{"api_key", "no API keys"}},
		{"unknown toolkit", serveOptions{args: []string{"--toolkits", "nope"}}, []string{`"nope"`, "examples"}},
		{"bad allowlist", serveOptions{args: []string{"--ip-allow", "10.0.0.0/33"}}, []string{"--ip-allow"}},
		{"bad trusted proxies", serveOptions{args: []string{"--trusted-proxies", "proxy.example"}}, []string{"--trusted-proxies"}},
		{"bad proxy header", serveOptions{args: []string{"--proxy-header", "x-real-ip"}}, []string{"--proxy-header"}},
		{"bad rate limit", serveOptions{args: []string{"--rate-limit", "fast"}}, []string{"--rate-limit"}},
		{"bad auth failure limit", serveOptions{args: []string{"--auth-fail-limit", "3 per minute"}}, []string{"--auth-fail-limit"}},
		{"audit log unwritable", serveOptions{args: []string{"--audit-log", "/nonexistent/otc/audit.log"}}, []string{"--audit-log"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseConfig(t, tt.o)
			if err != nil {
				t.Fatalf("refused before build: %v", err)
			}
			_, stdout, stderr, err := buildApp(t, cfg)
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("build error %v (%T), want a *config.Error", err, err)
			}
			for _, want := range tt.wantInError {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			for _, secret := range []string{shortKey, shortSecret, keyAlice} {
				if strings.Contains(err.Error(), secret) || strings.Contains(stderr.String(), secret) {
					t.Errorf("error or log quotes a credential: %q", err)
				}
			}
			if strings.Contains(stdout.String(), "serving") {
				t.Errorf("announced despite the error: %q", stdout)
			}
		})
	}
}

// A port in use is an error of build, before anything is announced, and
// not a configuration mistake.
func TestBuildPortInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg, err := parseConfig(t, serveOptions{args: []string{"--addr", ln.Addr().String()}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = buildApp(t, cfg)
	var ce *config.Error
	if err == nil || errors.As(err, &ce) || !strings.Contains(err.Error(), ln.Addr().String()) {
		t.Fatalf("build on a port in use: %v; want an error naming the address that is not a *config.Error", err)
	}
}

// OTC: AUTH-15 — the start-up line names the address, the authentication
// methods and the number of tools.
func TestStartupLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"defaults", nil, []string{"serving 11 tools on http://", "auth: api_key,jwt", "store: memory"}},
		{"jwt only", []string{"--auth", "jwt"}, []string{"serving 11 tools", "auth: jwt,"}},
		{"no authentication", []string{"--auth", "none"}, []string{"auth: none,"}},
		{"no toolkit", []string{"--toolkits", ""}, []string{"serving 0 tools"}},
		{"bolt store", []string{"--store", "bolt"}, []string{"store: bolt "}},
		{"journal store", []string{"--store", "journal"}, []string{"store: journal "}},
		{"instance id", []string{"--instance-id", "pod-7"}, []string{"instance: pod-7)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, serveOptions{args: tt.args})
			line := s.stdout.String()
			for _, want := range append(tt.want, s.addr) {
				if !strings.Contains(line, want) {
					t.Errorf("start-up line %q does not contain %q", line, want)
				}
			}
			if n := strings.Count(line, "\n"); n != 1 {
				t.Errorf("standard output has %d lines, want the one start-up line: %q", n, line)
			}
		})
	}
}
