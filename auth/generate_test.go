package auth_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/otc-dev/otc/auth"
)

// OTC: AUTH-7 — generated keys carry 32 bytes of entropy.
func TestGenerateKey(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		key, digest, err := auth.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		b, err := base64.RawURLEncoding.Strict().DecodeString(key)
		if err != nil || len(b) != 32 {
			t.Fatalf("key %q: %d bytes, %v", key, len(b), err)
		}
		if digest != auth.Digest(key) || !strings.HasPrefix(digest, "sha256:") || len(digest) != 7+64 {
			t.Errorf("digest %q", digest)
		}
		if seen[key] {
			t.Fatal("key repeated")
		}
		seen[key] = true
		if _, err := auth.NewAPIKey("", key); err != nil {
			t.Errorf("generated key refused: %v", err)
		}
	}
}

func TestEnsureGeneratedCredentials(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "otc")
	g, err := auth.EnsureGeneratedCredentials(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !g.APIKeyCreated || !g.JWTSecretCreated || g.APIKey == "" {
		t.Fatalf("first start: %v", g)
	}
	keyFile, err := os.ReadFile(filepath.Join(dir, auth.APIKeysFileName))
	if err != nil {
		t.Fatal(err)
	}
	if string(keyFile) != "local="+g.APIKey+"\n" {
		t.Errorf("api-keys holds %d bytes not of the form local=<key>", len(keyFile))
	}
	secretFile, err := os.ReadFile(filepath.Join(dir, auth.JWTSecretsFileName))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.JWTSecrets) != 1 || string(secretFile) != string(g.JWTSecrets[0])+"\n" || len(g.JWTSecrets[0]) != 43 {
		t.Errorf("jwt-secrets is not <43-character secret>\\n")
	}
	if runtime.GOOS != "windows" {
		for path, want := range map[string]os.FileMode{dir: 0o700, g.APIKeysPath: 0o600, g.JWTSecretsPath: 0o600} {
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
				t.Errorf("%s: mode %v, want %v (%v)", path, fi.Mode().Perm(), want, err)
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("data directory holds %d entries, want the two files (no temporary files left)", len(entries))
	}
	// The generated credentials work.
	a, err := auth.New(auth.Config{Methods: []auth.Method{auth.MethodAPIKey, auth.MethodJWT},
		APIKeys: g.APIKeys, JWTSecrets: g.JWTSecrets, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := a.Authenticate(request("OTC-API-Key", g.APIKey)); err != nil || c.Name != "local" {
		t.Errorf("generated key: %v, %v", c, err)
	}

	// A later start reuses them.
	g2, err := auth.EnsureGeneratedCredentials(dir)
	if err != nil {
		t.Fatal(err)
	}
	if g2.APIKeyCreated || g2.JWTSecretCreated || g2.APIKey != "" {
		t.Errorf("second start created again: %v", g2)
	}
	if g2.APIKeys[0].Digest != g.APIKeys[0].Digest || string(g2.JWTSecrets[0]) != string(g.JWTSecrets[0]) {
		t.Error("second start returned other credentials")
	}
}

func TestEnsureGeneratedCredentialsPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	t.Run("file readable by others", func(t *testing.T) {
		dir := t.TempDir()
		g, err := auth.EnsureGeneratedCredentials(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(g.JWTSecretsPath, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = auth.EnsureGeneratedCredentials(dir)
		checkErr(t, err, "readable or writable by other users (mode 0644); chmod 0600")
	})
	t.Run("directory writable by others", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		_, err := auth.EnsureGeneratedCredentials(dir)
		checkErr(t, err, "writable by other users")
	})
	t.Run("one file missing", func(t *testing.T) {
		dir := t.TempDir()
		g, err := auth.EnsureGeneratedCredentials(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(g.JWTSecretsPath); err != nil {
			t.Fatal(err)
		}
		g2, err := auth.EnsureGeneratedCredentials(dir)
		if err != nil {
			t.Fatal(err)
		}
		if g2.APIKeyCreated || !g2.JWTSecretCreated {
			t.Errorf("created %v", g2)
		}
	})
	t.Run("empty file", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, auth.APIKeysFileName), []byte("# none\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := auth.EnsureGeneratedCredentials(dir)
		checkErr(t, err, "holds no entry")
	})
}

// Two servers starting together end up with the same credentials.
func TestEnsureGeneratedCredentialsConcurrent(t *testing.T) {
	dir := t.TempDir()
	results := make([]auth.GeneratedCredentials, 8)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g, err := auth.EnsureGeneratedCredentials(dir)
			if err != nil {
				t.Error(err)
			}
			results[i] = g
		}()
	}
	wg.Wait()
	created := 0
	for _, g := range results {
		if g.APIKeyCreated {
			created++
		}
		if len(g.APIKeys) != 1 || g.APIKeys[0].Digest != results[0].APIKeys[0].Digest {
			t.Fatal("servers disagree on the API key")
		}
	}
	if created != 1 {
		t.Errorf("%d starts report creating the key, want 1", created)
	}
}
