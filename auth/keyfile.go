package auth

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// maxCredentialFile bounds an API keys or JWT secrets file.
const maxCredentialFile = 1 << 20

// ParseAPIKeys parses a list of API keys: entries separated by commas or
// new lines, each "name=key", "name=sha256:<hex>", "key" or
// "sha256:<hex>" (see [NewAPIKey]; without a name, [DerivedKeyName] names
// it). Blank lines and lines starting with "#" are ignored, and spaces
// around entries, names and values are trimmed. A key is used as the bytes
// of the string as written; it cannot contain a comma, and a key containing
// "=" must be given a name, since the first "=" ends the name. Key names
// and keys must be unique. Tools of every key are "*"; set APIKey.Tools to
// narrow them. An empty list is no error.
//
// Short plain keys are accepted here and refused by [New] unless
// Config.AllowShortSecrets is set. Errors name the entry by position,
// never by its text.
func ParseAPIKeys(text string) ([]APIKey, error) {
	var keys []APIKey
	err := forEachEntry(text, func(pos, entry string) error {
		name, value, hasName := strings.Cut(entry, "=")
		if !hasName {
			name, value = "", entry
		}
		name = strings.TrimSpace(name)
		if hasName && name == "" {
			return fmt.Errorf("auth: API keys: %s: empty name before \"=\"", pos)
		}
		k, err := NewAPIKey(name, strings.TrimSpace(value))
		if err != nil {
			return fmt.Errorf("auth: API keys: %s: %w", pos, err)
		}
		keys = append(keys, k)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := compileKeys(keys, true); err != nil {
		return nil, err
	}
	return keys, nil
}

// ParseJWTSecrets parses a list of JWT secrets: entries separated by commas
// or new lines, the first the current one and the others still accepted
// (rotation). Blank lines and lines starting with "#" are ignored and spaces
// around entries are trimmed. A secret is used as the bytes of the string as
// written; nothing is decoded. An empty list is no error. Short secrets are
// refused by [New] and [MintToken], not here. Errors never contain a secret.
func ParseJWTSecrets(text string) ([][]byte, error) {
	var secrets [][]byte
	err := forEachEntry(text, func(_, entry string) error {
		secrets = append(secrets, []byte(entry))
		return nil
	})
	return secrets, err
}

// LoadAPIKeysFile reads and parses an API keys file (see [ParseAPIKeys]).
func LoadAPIKeysFile(path string) ([]APIKey, error) {
	text, err := readCredentialFile(path)
	if err != nil {
		return nil, err
	}
	keys, err := ParseAPIKeys(text)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return keys, nil
}

// LoadJWTSecretsFile reads and parses a JWT secrets file (see
// [ParseJWTSecrets]).
func LoadJWTSecretsFile(path string) ([][]byte, error) {
	text, err := readCredentialFile(path)
	if err != nil {
		return nil, err
	}
	return ParseJWTSecrets(text)
}

// LoadCredentialEntries reads a credential file and returns its entries as
// ParseAPIKeys and ParseJWTSecrets split them (commas and new lines, "#"
// comments and blank lines skipped, spaces trimmed), unparsed: for clients
// that send a value themselves, such as the CLI beside a local server.
func LoadCredentialEntries(path string) ([]string, error) {
	text, err := readCredentialFile(path)
	if err != nil {
		return nil, err
	}
	var entries []string
	err = forEachEntry(text, func(_, entry string) error {
		entries = append(entries, entry)
		return nil
	})
	return entries, err
}

func readCredentialFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("auth: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxCredentialFile+1))
	if err != nil {
		return "", fmt.Errorf("auth: read %s: %w", path, err)
	}
	if len(b) > maxCredentialFile {
		return "", fmt.Errorf("auth: %s is larger than %d bytes", path, maxCredentialFile)
	}
	return string(b), nil
}

// forEachEntry calls fn for each non-empty entry of a comma- or
// line-separated list, skipping blank lines and "#" comment lines. pos
// names the entry for error messages ("line 3, entry 2").
func forEachEntry(text string, fn func(pos, entry string) error) error {
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for j, entry := range strings.Split(line, ",") {
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue
			}
			if err := fn(fmt.Sprintf("line %d, entry %d", i+1, j+1), entry); err != nil {
				return err
			}
		}
	}
	return nil
}
