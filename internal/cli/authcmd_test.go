package cli

// "otc keygen" and "otc token mint", run through Main as an operator would.

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otc-dev/otc/auth"
)

// runAuthCmd runs the otc command line with an environment cleared of the
// variables these commands read.
func runAuthCmd(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	for _, name := range []string{"OTC_JWT_SECRET", "OTC_JWT_SECRET_FILE", "OTC_DATA_DIR", audienceEnv,
		"OTC_SUB", "OTC_SCOPE", "OTC_TTL", "OTC_ID", "OTC_AUD", "XDG_STATE_HOME"} {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
	t.Setenv("XDG_STATE_HOME", t.TempDir()) // an empty default data directory
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errOut bytes.Buffer
	code = Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

const mintSecret = "cli-test-secret-0123456789-abcdefghijklmnop"

// verifier accepts tokens signed with secret for the audiences "ci" and
// "agents" and reports the caller.
func verifier(t *testing.T, secret string) *auth.Authenticator {
	t.Helper()
	a, err := auth.New(auth.Config{
		Methods: []auth.Method{auth.MethodJWT}, JWTSecrets: [][]byte{[]byte(secret)},
		Audiences: []auth.Audience{{Name: "ci", Tools: []string{"Calculator.*"}}, {Name: "agents"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestKeygen(t *testing.T) {
	seen := map[string]bool{}
	for range 3 {
		code, out, errOut := runAuthCmd(t, nil, "keygen")
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var key, digest string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			name, value, _ := strings.Cut(line, ":")
			switch name {
			case "key":
				key = strings.TrimSpace(value)
			case "digest":
				digest = strings.TrimSpace(value)
			}
		}
		// OTC: AUTH-7 — 32 random bytes.
		if len(key) != 43 || digest != auth.Digest(key) || seen[key] {
			t.Fatalf("output %q", out)
		}
		seen[key] = true
		keys, err := auth.ParseAPIKeys("ops=" + digest)
		if err != nil || keys[0].Digest != mustKey(t, key).Digest {
			t.Errorf("digest does not configure the key: %v", err)
		}
	}
}

func mustKey(t *testing.T, key string) auth.APIKey {
	k, err := auth.NewAPIKey("", key)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestTokenMint(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "jwt-secrets")
	if err := os.WriteFile(secretFile, []byte("# current first\n"+mintSecret+"\nan-older-secret-0123456789-abcdefghijklmnop\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	generated := t.TempDir()
	g, err := auth.EnsureGeneratedCredentials(generated)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		secret     string // that must verify the token
		wantCaller string
		wantTools  []string // allowed among Calculator.Add, Demo.WhoAmI
	}{
		{"secret file", nil, []string{"--jwt-secret-file", secretFile}, mintSecret, "jwt", []string{"Calculator.Add", "Demo.WhoAmI"}},
		{"claims", nil, []string{"--jwt-secret-file", secretFile, "--aud", "ci", "--sub", "deploy", "--ttl", "15m"}, mintSecret, "deploy", []string{"Calculator.Add"}},
		{"scope", nil, []string{"--jwt-secret-file", secretFile, "--aud", "agents", "--scope", "Demo.WhoAmI"}, mintSecret, "agents", []string{"Demo.WhoAmI"}},
		{"two audiences", nil, []string{"--jwt-secret-file", secretFile, "--aud", "ci,agents"}, mintSecret, "ci,agents", []string{"Calculator.Add"}},
		{"secret flag", nil, []string{"--jwt-secret", mintSecret}, mintSecret, "jwt", []string{"Calculator.Add", "Demo.WhoAmI"}},
		{"secret from the environment", map[string]string{"OTC_JWT_SECRET": mintSecret}, nil, mintSecret, "jwt", []string{"Calculator.Add", "Demo.WhoAmI"}},
		{"secret file from the environment", map[string]string{"OTC_JWT_SECRET_FILE": secretFile}, nil, mintSecret, "jwt", []string{"Calculator.Add", "Demo.WhoAmI"}},
		{"flag wins over the environment", map[string]string{"OTC_JWT_SECRET": "another-secret-0123456789-abcdefghijklmnop"}, []string{"--jwt-secret-file", secretFile}, mintSecret, "jwt", []string{"Calculator.Add", "Demo.WhoAmI"}},
		{"audience from the environment", map[string]string{audienceEnv: "ci"}, []string{"--jwt-secret-file", secretFile}, mintSecret, "ci", []string{"Calculator.Add"}},
		{"generated secret of a local server", map[string]string{"OTC_DATA_DIR": generated}, nil, string(g.JWTSecrets[0]), "jwt", []string{"Calculator.Add", "Demo.WhoAmI"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runAuthCmd(t, tt.env, append([]string{"token", "mint"}, tt.args...)...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			tok := strings.TrimSpace(out)
			r := httptest.NewRequest("GET", "/tools", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			c, err := verifier(t, tt.secret).Authenticate(r)
			if err != nil {
				t.Fatalf("minted token refused: %v", err)
			}
			if c.Name != tt.wantCaller {
				t.Errorf("caller %q, want %q", c.Name, tt.wantCaller)
			}
			for _, tool := range []string{"Calculator.Add", "Demo.WhoAmI"} {
				want := strings.Contains(strings.Join(tt.wantTools, " "), tool)
				if c.MayUse(tool) != want {
					t.Errorf("MayUse(%s) = %v, want %v", tool, !want, want)
				}
			}
		})
	}
}

func TestTokenMintErrors(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "s")
	if err := os.WriteFile(secretFile, []byte(mintSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("# nothing\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
	}{
		// OTC: AUTH-11 — at most 15 minutes.
		{"ttl above 15 minutes", nil, []string{"--jwt-secret-file", secretFile, "--ttl", "16m"}, "longer than the 15m0s allowed"},
		{"both secrets", nil, []string{"--jwt-secret-file", secretFile, "--jwt-secret", mintSecret}, "not both"},
		{"no secret anywhere", nil, nil, "no JWT secret"},
		{"missing file", nil, []string{"--jwt-secret-file", filepath.Join(dir, "nope")}, "--jwt-secret-file"},
		{"empty file", nil, []string{"--jwt-secret-file", empty}, "holds no secret"},
		{"short secret", nil, []string{"--jwt-secret", "short-one"}, "shorter than 32 bytes"},
		{"bad scope", nil, []string{"--jwt-secret-file", secretFile, "--scope", "Calc*"}, "scope"},
		{"bad ttl in the environment is ignored, not read", map[string]string{"OTC_TTL": "1h"}, []string{"--jwt-secret-file", secretFile}, ""},
		{"unknown flag", nil, []string{"--secret", "x"}, "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runAuthCmd(t, tt.env, append([]string{"token", "mint"}, tt.args...)...)
			if tt.wantErr == "" {
				if code != ExitOK {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				return
			}
			if code != ExitUsage || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, ExitUsage, tt.wantErr)
			}
			if strings.Contains(errOut, mintSecret) || strings.Contains(errOut, "short-one") {
				t.Errorf("stderr shows the secret: %q", errOut)
			}
		})
	}
	t.Run("short secret allowed", func(t *testing.T) {
		if code, _, errOut := runAuthCmd(t, nil, "token", "mint", "--jwt-secret", "short-one", "--unsafe-allow-short-secret"); code != ExitOK {
			t.Errorf("exit %d: %s", code, errOut)
		}
	})
}

// --help names each setting's environment variable.
func TestTokenMintHelp(t *testing.T) {
	_, out, _ := runAuthCmd(t, nil, "token", "mint", "--help")
	for _, want := range []string{"(env OTC_JWT_SECRET)", "(env OTC_JWT_SECRET_FILE)", "(env OTC_JWT_AUDIENCE)", "(env OTC_DATA_DIR)", "at most 15m"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"OTC_SUB", "OTC_TTL", "OTC_SCOPE"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("help names %s, which is not read", unwanted)
		}
	}
}
