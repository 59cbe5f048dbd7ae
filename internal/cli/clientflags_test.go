package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
)

// clearClientEnv unsets the client variables for the test, so that the
// environment of whoever runs the tests does not leak in.
func clearClientEnv(t *testing.T) {
	t.Helper()
	for _, name := range []string{"OTC_URL", "OTC_API_KEY", "OTC_JWT_SECRET", "OTC_JWT_SECRET_FILE", "OTC_JWT_AUDIENCE",
		"OTC_DATA_DIR", "OTC_OUTPUT", "OTC_INPUT", "OTC_CALL_ID", "OTC_USER_ID", "OTC_SECRET"} {
		t.Setenv(name, "x") // registers the restore
		os.Unsetenv(name)
	}
}

// writeFile writes content to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	testSecret  = "jwt-secret-0123456789abcdef0123456789"
	testSecret2 = "other-secret-0123456789abcdef01234567"
)

func TestResolveCredentials(t *testing.T) {
	// A data directory as "otc serve" leaves it.
	served := t.TempDir()
	writeFile(t, served, "api-keys", "# generated\nlocal=the-generated-key\n")
	writeFile(t, served, "jwt-secrets", "\n"+testSecret+"\n"+testSecret2+"\n")
	keysOnly := t.TempDir()
	writeFile(t, keysOnly, "api-keys", "ops=sha256:"+strings.Repeat("ab", 32)+"\n, local = the-plain-key , other=k2\n")
	digestsOnly := t.TempDir()
	writeFile(t, digestsOnly, "api-keys", "ops=sha256:"+strings.Repeat("ab", 32)+"\nsha256:"+strings.Repeat("cd", 32)+"\n")
	bareKey := t.TempDir()
	writeFile(t, bareKey, "api-keys", "just-a-key\n")
	secretFile := writeFile(t, t.TempDir(), "secret", "# current first\n"+testSecret2+"\n"+testSecret+"\n")
	emptyFile := writeFile(t, t.TempDir(), "empty", "# nothing\n\n")

	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    credentials
		wantErr string
	}{
		{name: "nothing given, no data dir files", args: []string{"--data-dir", t.TempDir()}},
		{name: "generated JWT secret preferred (AUTH-17)", args: []string{"--data-dir", served},
			want: credentials{jwtSecret: []byte(testSecret), source: filepath.Join(served, "jwt-secrets")}},
		{name: "generated files found through OTC_DATA_DIR", env: map[string]string{"OTC_DATA_DIR": served},
			want: credentials{jwtSecret: []byte(testSecret), source: filepath.Join(served, "jwt-secrets")}},
		{name: "generated API key: first plain entry, digests skipped", args: []string{"--data-dir", keysOnly},
			want: credentials{apiKey: "the-plain-key", source: filepath.Join(keysOnly, "api-keys")}},
		{name: "a bare key without name", args: []string{"--data-dir", bareKey},
			want: credentials{apiKey: "just-a-key", source: filepath.Join(bareKey, "api-keys")}},
		{name: "only digests: no credential", args: []string{"--data-dir", digestsOnly}},
		{name: "localhost URL uses generated files", args: []string{"--data-dir", keysOnly, "--url", "http://localhost:9999"},
			want: credentials{apiKey: "the-plain-key", source: filepath.Join(keysOnly, "api-keys")}},
		{name: "remote URL ignores generated files", args: []string{"--data-dir", served, "--url", "https://tools.example.com"}},
		{name: "explicit API key wins over generated files", args: []string{"--data-dir", served, "--api-key", "mine"},
			want: credentials{apiKey: "mine", source: "--api-key"}},
		{name: "API key from OTC_API_KEY", args: []string{"--data-dir", served}, env: map[string]string{"OTC_API_KEY": "env-key"},
			want: credentials{apiKey: "env-key", source: "--api-key"}},
		{name: "JWT secret and key both explicit", args: []string{"--jwt-secret", testSecret, "--api-key", "k"},
			want: credentials{jwtSecret: []byte(testSecret), apiKey: "k", source: "--jwt-secret"}},
		{name: "JWT secret from OTC_JWT_SECRET", env: map[string]string{"OTC_JWT_SECRET": testSecret},
			want: credentials{jwtSecret: []byte(testSecret), source: "--jwt-secret"}},
		{name: "secret file: first entry", args: []string{"--jwt-secret-file", secretFile},
			want: credentials{jwtSecret: []byte(testSecret2), source: secretFile}},
		{name: "secret file on the command line beats OTC_JWT_SECRET", args: []string{"--jwt-secret-file", secretFile},
			env:  map[string]string{"OTC_JWT_SECRET": testSecret},
			want: credentials{jwtSecret: []byte(testSecret2), source: secretFile}},
		{name: "secret file from OTC_JWT_SECRET_FILE", env: map[string]string{"OTC_JWT_SECRET_FILE": secretFile},
			want: credentials{jwtSecret: []byte(testSecret2), source: secretFile}},
		{name: "empty secret file", args: []string{"--jwt-secret-file", emptyFile}, wantErr: "holds no secret"},
		{name: "missing secret file", args: []string{"--jwt-secret-file", filepath.Join(t.TempDir(), "nope")}, wantErr: "no such file"},
		{name: "secret and secret file", args: []string{"--jwt-secret", testSecret, "--jwt-secret-file", secretFile}, wantErr: "not both"},
		{name: "bad output", args: []string{"--output", "yaml"}, wantErr: "table or json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearClientEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var f clientFlags
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			f.register(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := f.load(fs)
			var got credentials
			if err == nil {
				got, err = f.resolveCredentials()
			}
			if tt.wantErr != "" {
				var exit *ExitError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &exit) || exit.Code != ExitUsage {
					t.Fatalf("error %v, want a usage error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(credentials{})); diff != "" {
				t.Errorf("credentials (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClientFlagsEnv(t *testing.T) {
	clearClientEnv(t)
	t.Setenv("OTC_URL", "http://127.0.0.2:1234")
	t.Setenv("OTC_JWT_AUDIENCE", "otcserver")
	t.Setenv("OTC_OUTPUT", "json")
	t.Setenv("OTC_CALL_ID", "from-env") // a call flag: never read from the environment
	var f clientFlags
	var callID string
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	f.register(fs)
	fs.StringVar(&callID, "call-id", "", "")
	if err := fs.Parse([]string{"--output", "table"}); err != nil {
		t.Fatal(err)
	}
	if err := f.load(fs, "call-id"); err != nil {
		t.Fatal(err)
	}
	got := []string{f.url, f.audience, f.output, callID}
	want := []string{"http://127.0.0.2:1234", "otcserver", "table", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("url, audience, output, call-id (-want +got):\n%s", diff)
	}
}
