package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateReadme = flag.Bool("update", false, "rewrite the flag reference in README.md from otc serve --help")

const (
	flagsBegin = "<!-- serve-flags:begin (generated: go test ./internal/cli -run TestReadmeFlagReference -update) -->"
	flagsEnd   = "<!-- serve-flags:end -->"
)

// TestReadmeFlagReference keeps the README's configuration reference equal
// to what "otc serve --help" says, so that every flag and its OTC_* variable
// is documented where operators look.
func TestReadmeFlagReference(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var help bytes.Buffer
	cmd := newServeCmd()
	cmd.SetOut(&help)
	cmd.SetErr(&help)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	_, flags, ok := strings.Cut(help.String(), "Flags:\n")
	if !ok {
		t.Fatalf("no Flags: section in --help:\n%s", help.String())
	}
	want := flagsBegin + "\n```text\n" + flags + "```\n" + flagsEnd

	text := string(readme)
	i, j := strings.Index(text, flagsBegin), strings.Index(text, flagsEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no flag reference between %q and %q", flagsBegin, flagsEnd)
	}
	got := text[i : j+len(flagsEnd)]
	if got == want {
		return
	}
	if *updateReadme {
		if err := os.WriteFile(path, []byte(text[:i]+want+text[j+len(flagsEnd):]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's flag reference is out of date with otc serve --help; run: go test ./internal/cli -run TestReadmeFlagReference -update")
}
