package auth_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc/auth"
)

func TestParseAPIKeys(t *testing.T) {
	digest := auth.Digest(keyBeta)
	type entry struct {
		Name   string
		Digest string
		Plain  int
	}
	tests := []struct {
		name    string
		text    string
		want    []entry
		wantErr string
	}{
		{"empty", "", nil, ""},
		{"comments and blanks", "# keys\n\n  # more\n", nil, ""},
		{"one named", "alpha=" + keyAlpha, []entry{{"alpha", auth.Digest(keyAlpha), len(keyAlpha)}}, ""},
		{"lines and commas", "alpha=" + keyAlpha + "\r\n beta = " + digest + " , gamma=" + keyAlpha + "x,\n",
			[]entry{{"alpha", auth.Digest(keyAlpha), len(keyAlpha)}, {"beta", digest, 0}, {"gamma", auth.Digest(keyAlpha + "x"), len(keyAlpha) + 1}}, ""},
		{"unnamed key", keyAlpha, []entry{{auth.DerivedKeyName(sha(keyAlpha)), auth.Digest(keyAlpha), len(keyAlpha)}}, ""},
		{"unnamed digest", digest, []entry{{auth.DerivedKeyName(sha(keyBeta)), digest, 0}}, ""},
		{"short key parses", "s=short", []entry{{"s", auth.Digest("short"), 5}}, ""},
		{"key as written, not decoded", "b=" + "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA", []entry{{"b", auth.Digest("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"), 46}}, ""},
		{"empty name", "=" + keyAlpha, nil, "line 1, entry 1: empty name"},
		{"empty key", "alpha=", nil, "empty"},
		{"bad digest", "alpha=sha256:zz", nil, "64 hex digits"},
		{"space in key", "alpha=" + keyAlpha + " more", nil, "space"},
		{"bad name", "al pha=" + keyAlpha, nil, "name"},
		{"duplicate name", "a=" + keyAlpha + "\na=" + keyBeta, nil, "used twice"},
		{"same key twice", "a=" + keyAlpha + "\nb=" + keyAlpha, nil, "configured twice"},
		{"same key as digest", "a=" + keyBeta + "\nb=" + digest, nil, "configured twice"},
		{"position", "a=" + keyAlpha + "\n\nb=" + keyBeta + ", c=", nil, "line 3, entry 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := auth.ParseAPIKeys(tt.text)
			checkErr(t, err, tt.wantErr)
			if err != nil {
				for _, s := range []string{keyAlpha, keyBeta} {
					if strings.Contains(err.Error(), s) {
						t.Errorf("error %q contains a key", err)
					}
				}
				return
			}
			var got []entry
			for _, k := range keys {
				got = append(got, entry{k.Name, "sha256:" + hexOf(k.Digest), k.PlainLength})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func hexOf(d [32]byte) string {
	const digits = "0123456789abcdef"
	var b strings.Builder
	for _, c := range d {
		b.WriteByte(digits[c>>4])
		b.WriteByte(digits[c&15])
	}
	return b.String()
}

func TestParseJWTSecrets(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"empty", "", nil},
		{"one", string(secret) + "\n", []string{string(secret)}},
		{"first is current", "current-one\n# old:\nprevious-one, older-one\n", []string{"current-one", "previous-one", "older-one"}},
		{"as written", " YWJj== ", []string{"YWJj=="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := auth.ParseJWTSecrets(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			var gotS []string
			for _, s := range got {
				gotS = append(gotS, string(s))
			}
			if diff := cmp.Diff(tt.want, gotS); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadFiles(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	secrets := filepath.Join(dir, "secrets")
	if err := os.WriteFile(keys, []byte("# clients\nalpha="+keyAlpha+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(secrets, []byte(string(secret)+"\n"+string(oldSecret)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := auth.LoadAPIKeysFile(keys)
	if err != nil || len(k) != 1 || k[0].Name != "alpha" {
		t.Errorf("LoadAPIKeysFile: %+v, %v", k, err)
	}
	s, err := auth.LoadJWTSecretsFile(secrets)
	if err != nil || len(s) != 2 || string(s[0]) != string(secret) {
		t.Errorf("LoadJWTSecretsFile: %d secrets, %v", len(s), err)
	}
	if _, err := auth.LoadAPIKeysFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file: no error")
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 2<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.LoadJWTSecretsFile(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("big file: %v", err)
	}
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("a="+keyAlpha+"\na="+keyBeta), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.LoadAPIKeysFile(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad file: error %v does not name the file", err)
	}
}
