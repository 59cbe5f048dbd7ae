package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
)

// Names of the credential files that [EnsureGeneratedCredentials] writes in
// the data directory. The client commands read them to talk to a local
// server.
const (
	APIKeysFileName    = "api-keys"
	JWTSecretsFileName = "jwt-secrets"
	// GeneratedKeyName is the name of the generated API key.
	GeneratedKeyName = "local"
)

// generatedBytes is the entropy of a generated key or secret (AUTH-7).
const generatedBytes = 32

// GenerateKey returns a new random API key or secret, 32 bytes from
// crypto/rand as unpadded URL-safe base64 (43 characters), and its digest
// "sha256:<hex>" for the server's configuration.
func GenerateKey() (key, digest string, err error) {
	b := make([]byte, generatedBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: generate key: %w", err)
	}
	key = base64.RawURLEncoding.EncodeToString(b)
	return key, Digest(key), nil
}

// Digest returns "sha256:" and the hex SHA-256 of key's bytes: the form in
// which a server can store a key without holding it.
func Digest(key string) string {
	d := sha256.Sum256([]byte(key))
	return DigestPrefix + hex.EncodeToString(d[:])
}

// GeneratedCredentials are the credentials of the data directory. Printing
// it with fmt or slog shows the paths and what was created, never the key
// or secret.
type GeneratedCredentials struct {
	// APIKeysPath and JWTSecretsPath are the files' paths.
	APIKeysPath, JWTSecretsPath string
	// APIKeys and JWTSecrets are the files' contents, parsed.
	APIKeys    []APIKey
	JWTSecrets [][]byte
	// APIKeyCreated and JWTSecretCreated report which files this call
	// created; false means the file existed and was reused.
	APIKeyCreated, JWTSecretCreated bool
	// APIKey is the generated API key when APIKeyCreated, for the caller to
	// show once on the terminal; empty otherwise.
	APIKey string
}

// Format prints g without its secrets, whatever the verb.
func (g GeneratedCredentials) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "{APIKeysPath:%s JWTSecretsPath:%s APIKeyCreated:%t JWTSecretCreated:%t APIKey:[redacted] JWTSecrets:[redacted]}",
		g.APIKeysPath, g.JWTSecretsPath, g.APIKeyCreated, g.JWTSecretCreated)
}

// LogValue logs g without its secrets.
func (g GeneratedCredentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("api_keys_path", g.APIKeysPath),
		slog.String("jwt_secrets_path", g.JWTSecretsPath),
		slog.Bool("api_key_created", g.APIKeyCreated),
		slog.Bool("jwt_secret_created", g.JWTSecretCreated),
	)
}

// EnsureGeneratedCredentials gives a server that has an authentication
// method on but no configured credentials a working API key and JWT
// secret: on the first start it generates a 32-byte random key and secret
// into <dataDir>/api-keys ("local=<key>\n") and <dataDir>/jwt-secrets
// ("<secret>\n"), mode 0600 in a directory created with mode 0700; on later
// starts it reads them. Each file is written to a temporary file and linked
// into place, so a reader never sees half a file and two servers starting
// together end up with the same credentials. A file that other users may
// read or write, or a data directory they may write, is refused: chmod it.
func EnsureGeneratedCredentials(dataDir string) (GeneratedCredentials, error) {
	g := GeneratedCredentials{
		APIKeysPath:    filepath.Join(dataDir, APIKeysFileName),
		JWTSecretsPath: filepath.Join(dataDir, JWTSecretsFileName),
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return GeneratedCredentials{}, fmt.Errorf("auth: create data directory: %w", err)
	}
	if err := checkPrivate(dataDir, 0o022); err != nil {
		return GeneratedCredentials{}, err
	}
	key, _, err := GenerateKey()
	if err != nil {
		return GeneratedCredentials{}, err
	}
	if g.APIKeyCreated, err = createOnce(g.APIKeysPath, GeneratedKeyName+"="+key+"\n"); err != nil {
		return GeneratedCredentials{}, err
	}
	if g.APIKeyCreated {
		g.APIKey = key
	}
	secret, _, err := GenerateKey()
	if err != nil {
		return GeneratedCredentials{}, err
	}
	if g.JWTSecretCreated, err = createOnce(g.JWTSecretsPath, secret+"\n"); err != nil {
		return GeneratedCredentials{}, err
	}
	for _, p := range []string{g.APIKeysPath, g.JWTSecretsPath} {
		if err := checkPrivate(p, 0o077); err != nil {
			return GeneratedCredentials{}, err
		}
	}
	if g.APIKeys, err = LoadAPIKeysFile(g.APIKeysPath); err != nil {
		return GeneratedCredentials{}, err
	}
	if g.JWTSecrets, err = LoadJWTSecretsFile(g.JWTSecretsPath); err != nil {
		return GeneratedCredentials{}, err
	}
	if len(g.APIKeys) == 0 || len(g.JWTSecrets) == 0 {
		return GeneratedCredentials{}, fmt.Errorf("auth: %s or %s holds no entry; delete it to have it generated again", g.APIKeysPath, g.JWTSecretsPath)
	}
	return g, nil
}

// createOnce writes content to path unless path exists. It reports whether
// it created the file.
func createOnce(path, content string) (created bool, err error) {
	if _, err := os.Lstat(path); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("auth: %w", err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*") // mode 0600
	if err != nil {
		return false, fmt.Errorf("auth: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return false, fmt.Errorf("auth: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return false, fmt.Errorf("auth: sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("auth: close %s: %w", tmp.Name(), err)
	}
	// A hard link never replaces an existing file, unlike rename: of two
	// servers starting together, one creates the file and the other uses it.
	err = os.Link(tmp.Name(), path)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		// File systems without hard links: rename, which is atomic but may
		// replace a file created a moment ago by a concurrent first start.
		if err := os.Rename(tmp.Name(), path); err != nil {
			return false, fmt.Errorf("auth: %w", err)
		}
	}
	syncDir(dir)
	return true, nil
}

// syncDir makes a new directory entry durable where the platform allows.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: not supported everywhere
		d.Close()
	}
}

// checkPrivate refuses path when its permission bits intersect mask. There
// are no Unix permission bits on Windows; ACLs are left to the operator.
func checkPrivate(path string, mask fs.FileMode) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	if perm := info.Mode().Perm(); perm&mask != 0 {
		what := "readable or writable by other users"
		if info.IsDir() {
			what = "writable by other users"
		}
		return fmt.Errorf("auth: %s is %s (mode %04o); chmod %04o it", path, what, perm, perm&^mask)
	}
	return nil
}
