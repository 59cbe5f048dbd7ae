package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A wrong flag, flag value, environment value or config-file key stops
// "otc serve" with exit status 2 before anything listens, and says what
// is wrong without echoing secrets.
func TestServeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	badKey := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badKey, []byte("adress: 127.0.0.1:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown flag", []string{"serve", "--bogus"}, nil, "unknown flag"},
		{"bad flag value", []string{"serve", "--call-timeout", "soon"}, nil, "call-timeout"},
		{"bad method", []string{"serve", "--auth", "basic"}, nil, "unknown method"},
		{"none off loopback", []string{"serve", "--auth", "none", "--addr", "0.0.0.0:0"}, nil, "--allow-unauthenticated"},
		{"unknown config key", []string{"serve", "--config", badKey}, nil, `unknown key "adress"`},
		{"missing config file", []string{"serve", "--config", filepath.Join(dir, "nope.yaml")}, nil, "nope.yaml"},
		{"bad environment value", []string{"serve"}, map[string]string{"OTC_MAX_CONNS": "many"}, "OTC_MAX_CONNS"},
		{"short key in the environment", []string{"serve", "--auth", "api_key", "--store", "memory", "--data-dir", dir},
			map[string]string{"OTC_API_KEYS": "ci=short-secret-value"}, "32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var out, errOut bytes.Buffer
			if code := Main(tt.args, &out, &errOut); code != ExitUsage {
				t.Fatalf("exit status %d, want %d; stderr:\n%s", code, ExitUsage, errOut.String())
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("stderr %q does not say %q", errOut.String(), tt.want)
			}
			if strings.Contains(errOut.String()+out.String(), "short-secret-value") {
				t.Errorf("the key reached the output")
			}
		})
	}
}

// An OTC_* variable that names no setting is a warning at start, not an
// error: the server starts, says so, and (its context being done) drains
// and stops cleanly.
func TestServeUnknownEnvIsAWarning(t *testing.T) {
	t.Setenv("OTC_FROM_ANOTHER_VERSION", "1")
	var out, errOut bytes.Buffer
	root := newRootCmd(&out, &errOut)
	root.SetArgs([]string{"serve", "--addr", "127.0.0.1:0", "--store", "memory", "--auth", "none",
		"--drain-grace", "0s", "--data-dir", t.TempDir()})
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // stop as soon as it has started
	if err := root.ExecuteContext(ctx); err != nil {
		t.Fatalf("serve: %v; stderr:\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "OTC_FROM_ANOTHER_VERSION") || !strings.Contains(errOut.String(), "WARN") {
		t.Errorf("no warning about the unknown variable in:\n%s", errOut.String())
	}
	if !strings.Contains(out.String(), "otc: serving 11 tools on http://127.0.0.1:") {
		t.Errorf("start-up line missing from stdout:\n%s", out.String())
	}
}
