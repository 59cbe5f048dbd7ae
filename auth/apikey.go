package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// MinSecretLength is the shortest API key or JWT secret accepted without
// AllowShortSecrets: 32 bytes, as AUTH-7 recommends for keys and RFC 7518
// §3.2 requires of HS256 keys (AUTHZ-2).
const MinSecretLength = 32

// MaxAPIKeyLength bounds an API key, configured or presented.
const MaxAPIKeyLength = 1024

// DigestPrefix introduces an API key given as the hex SHA-256 digest of the
// key instead of the key itself.
const DigestPrefix = "sha256:"

// APIKey is a stored API key: only its SHA-256 digest is kept, so the
// server need not hold the key itself (AUTHZ-7).
type APIKey struct {
	// Name identifies the client in logs, metrics and otc.Caller.Name. It
	// matches [A-Za-z0-9._-]{1,64}.
	Name string
	// Digest is SHA-256 of the key's bytes as the client sends them.
	Digest [32]byte
	// Tools are the tool patterns the client may use ("*", "Toolkit.*",
	// "Toolkit.Tool"). Empty means "*".
	Tools []string
	// PlainLength is the key's length in bytes when it was configured in
	// plain text, so that [New] can refuse short keys; 0 when it was
	// configured as a digest, whose key length cannot be known: the
	// operator who writes a digest vouches for the key's length.
	PlainLength int
}

// NewAPIKey makes an APIKey from a name and a value that is either the key
// as written (its bytes are the key; nothing is decoded) or "sha256:" and
// the key's digest in hex. An empty name is replaced by [DerivedKeyName].
// Errors never contain the value.
func NewAPIKey(name, value string) (APIKey, error) {
	k := APIKey{Name: name}
	if hexDigest, ok := strings.CutPrefix(value, DigestPrefix); ok {
		b, err := hex.DecodeString(hexDigest)
		if err != nil || len(b) != sha256.Size {
			return APIKey{}, errors.New("API key digest: want sha256: followed by 64 hex digits")
		}
		copy(k.Digest[:], b)
	} else {
		if value == "" {
			return APIKey{}, errors.New("API key is empty")
		}
		if len(value) > MaxAPIKeyLength {
			return APIKey{}, fmt.Errorf("API key is longer than %d bytes", MaxAPIKeyLength)
		}
		for i := 0; i < len(value); i++ {
			if c := value[i]; c <= ' ' || c == 0x7f {
				// A key must survive an HTTP header: no spaces or controls.
				return APIKey{}, errors.New("API key holds a space or a control character")
			}
		}
		k.Digest = sha256.Sum256([]byte(value))
		k.PlainLength = len(value)
	}
	if k.Name == "" {
		k.Name = DerivedKeyName(k.Digest)
	}
	if !validKeyName(k.Name) {
		return APIKey{}, errors.New("API key name: want 1 to 64 of A-Z a-z 0-9 . _ -")
	}
	return k, nil
}

// DerivedKeyName is the name given to a key configured without one:
// "key-" and the first 8 hex digits of its digest. It is stable across
// restarts and reveals nothing usable about the key.
func DerivedKeyName(digest [32]byte) string {
	return "key-" + hex.EncodeToString(digest[:4])
}

func validKeyName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// storedKey is an APIKey as requests are checked against it.
type storedKey struct {
	digest [32]byte
	// id is what the key establishes (its name and compiled tool
	// patterns), built once when the key is loaded and shared, read-only,
	// by every request that presents it.
	id *identity
}

// matchAPIKey returns the index of the stored key whose digest is SHA-256
// of presented, or -1. Every stored digest is compared in full with
// crypto/subtle and the loop never exits early, so neither the length nor a
// matching prefix of a guess, nor which key matched, changes the time taken
// (AUTHZ-7). Hashing first makes the comparison independent of the stored
// keys' lengths.
func matchAPIKey(keys []storedKey, presented string) int {
	d := sha256.Sum256([]byte(presented))
	found := -1
	for i := range keys {
		eq := compareDigest(d[:], keys[i].digest[:])
		found = subtle.ConstantTimeSelect(eq, i, found)
	}
	return found
}

// compareDigest is subtle.ConstantTimeCompare; a test counts its calls to
// prove that every stored key is compared.
var compareDigest = subtle.ConstantTimeCompare

// compileKeys checks a key list (names and digests unique, patterns valid,
// plain keys long enough unless allowShort) and compiles it.
func compileKeys(keys []APIKey, allowShort bool) ([]storedKey, error) {
	out := make([]storedKey, 0, len(keys))
	names := map[string]bool{}
	digests := map[[32]byte]bool{}
	for i, k := range keys {
		if !validKeyName(k.Name) {
			return nil, fmt.Errorf("auth: API key %d: name: want 1 to 64 of A-Z a-z 0-9 . _ -", i+1)
		}
		if names[k.Name] {
			return nil, fmt.Errorf("auth: API key name %q is used twice", k.Name)
		}
		names[k.Name] = true
		if k.Digest == ([32]byte{}) {
			return nil, fmt.Errorf("auth: API key %q has no digest", k.Name)
		}
		if digests[k.Digest] {
			return nil, fmt.Errorf("auth: API key %q: the same key is configured twice", k.Name)
		}
		digests[k.Digest] = true
		if k.PlainLength > 0 && k.PlainLength < MinSecretLength && !allowShort {
			return nil, fmt.Errorf("auth: API key %q is shorter than %d bytes (AUTH-7); generate one with \"otc keygen\"", k.Name, MinSecretLength)
		}
		tools, err := compileTools(k.Tools)
		if err != nil {
			return nil, fmt.Errorf("auth: API key %q: %w", k.Name, err)
		}
		out = append(out, storedKey{digest: k.Digest,
			id: &identity{method: MethodAPIKey, name: k.Name, tools: []*toolSet{tools}}})
	}
	return out, nil
}

// checkSecrets refuses empty and, unless allowShort, short JWT secrets.
func checkSecrets(secrets [][]byte, allowShort bool) error {
	for i, s := range secrets {
		if len(s) == 0 {
			return fmt.Errorf("auth: JWT secret %d is empty", i+1)
		}
		if len(s) < MinSecretLength && !allowShort {
			return fmt.Errorf("auth: JWT secret %d is shorter than %d bytes (RFC 7518 section 3.2); generate one with \"otc keygen\"", i+1, MinSecretLength)
		}
	}
	return nil
}
