package auth_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc/auth"
)

// LoadCredentialEntries splits a file exactly as ParseAPIKeys does, so the
// CLI sends the key the server will accept.
func TestLoadCredentialEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api-keys")
	text := "# generated\n\n local=key-one-0123456789abcdef0123456789 , b=key-two\nsha256:abc\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := auth.LoadCredentialEntries(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"local=key-one-0123456789abcdef0123456789", "b=key-two", "sha256:abc"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if _, err := auth.LoadCredentialEntries(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing file is no error")
	}
}
