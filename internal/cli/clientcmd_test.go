package cli

// The client commands run through Main against the real server package, as
// a person or a script would run them.

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/auth"
	"github.com/otc-dev/otc/server"
	"github.com/otc-dev/otc/toolkits/examples"
)

// testServer is the examples toolkit served by the server package, behind
// cfg's authentication when cfg is not nil.
type testServer struct {
	*httptest.Server
	srv *server.Server
}

func newTestServer(t *testing.T, cfg *auth.Config) *testServer {
	t.Helper()
	reg := otc.NewRegistry()
	if err := reg.Register(examples.Tools(examples.Options{InstanceID: "test"})...); err != nil {
		t.Fatal(err)
	}
	opts := server.Options{Registry: reg}
	if cfg != nil {
		a, err := auth.New(*cfg)
		if err != nil {
			t.Fatal(err)
		}
		opts.Protect = a.Middleware
	}
	srv, err := server.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: httptest.NewServer(srv.Handler()), srv: srv}
	t.Cleanup(ts.Close)
	return ts
}

// run runs the otc command line and returns its exit status and output.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// withCleanEnv gives the test an environment without client settings and
// an empty data directory.
func withCleanEnv(t *testing.T) {
	t.Helper()
	clearClientEnv(t)
	t.Setenv("OTC_DATA_DIR", t.TempDir())
}

func TestHealthCommand(t *testing.T) {
	withCleanEnv(t)
	ts := newTestServer(t, nil)
	draining := newTestServer(t, nil)
	draining.srv.StartDrain()
	closed := newTestServer(t, nil)
	closed.Close()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{name: "healthy", args: []string{"health", "--url", ts.URL}, wantCode: 0, wantOut: ts.URL + " is healthy\n"},
		{name: "healthy as JSON", args: []string{"health", "--url", ts.URL, "-o", "json"}, wantCode: 0,
			wantOut: `"healthy": true`},
		{name: "draining", args: []string{"health", "--url", draining.URL}, wantCode: 1, wantOut: "is not healthy: otc server answered 503"},
		{name: "unreachable", args: []string{"health", "--url", closed.URL, "--output", "json"}, wantCode: 1,
			wantOut: `"healthy": false`},
		// OTC: HEALTH-1 — health needs and sends no credentials.
		{name: "credential flags are accepted and not needed", args: []string{"health", "--url", ts.URL, "--api-key", "k"},
			wantCode: 0, wantOut: "is healthy"},
		{name: "bad output", args: []string{"health", "--url", ts.URL, "-o", "xml"}, wantCode: 2},
		{name: "bad URL", args: []string{"health", "--url", "ftp://x"}, wantCode: 2},
		{name: "extra argument", args: []string{"health", "now"}, wantCode: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and stdout containing %q", code, out, errOut, tt.wantCode, tt.wantOut)
			}
		})
	}
}

func TestToolsCommands(t *testing.T) {
	withCleanEnv(t)
	ts := newTestServer(t, nil)

	code, out, errOut := run(t, "tools", "list", "--url", ts.URL)
	if code != 0 {
		t.Fatalf("tools list: exit %d: %s", code, errOut)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "DESCRIPTION") || !strings.Contains(lines[0], "REQUIRED") ||
		!strings.Contains(lines[0], "REQUIREMENTS") {
		t.Errorf("header = %q", lines[0])
	}
	for _, want := range []string{"Calculator.Add@1.0.0", "a,b", "Demo.SecretFingerprint@1.0.0", "secrets: DEMO_SECRET", "Doorbell.Ring@0.1.0"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = run(t, "tools", "list", "--url", ts.URL, "--output", "json")
	var defs []otc.ToolDefinition
	if code != 0 || json.Unmarshal([]byte(out), &defs) != nil || len(defs) < 5 {
		t.Errorf("tools list -o json: exit %d, %d definitions from %q", code, len(defs), out[:min(len(out), 200)])
	}

	code, out, errOut = run(t, "tools", "show", "Calculator.Add@1", "--url", ts.URL)
	if code != 0 {
		t.Fatalf("tools show: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"ID:           Calculator.Add@1.0.0", "Requirements: none", "Input schema:\n  {\n    ", `"description": "The first number."`, "Output schema:"} {
		if !strings.Contains(out, want) {
			t.Errorf("tools show lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = run(t, "tools", "show", "Calculator.Add@1", "--url", ts.URL, "-o", "json")
	var def otc.ToolDefinition
	if code != 0 || json.Unmarshal([]byte(out), &def) != nil || def.ID != "Calculator.Add@1.0.0" {
		t.Errorf("tools show -o json: exit %d, %q", code, out)
	}

	for _, tt := range []struct {
		args     []string
		wantCode int
	}{
		{[]string{"tools", "show", "Calculator.Nope", "--url", ts.URL}, 3},
		{[]string{"tools", "show", "not a tool id", "--url", ts.URL}, 2},
		{[]string{"tools", "show", "--url", ts.URL}, 2},
		{[]string{"tools", "list", "--url", "http://127.0.0.1:1"}, 3},
	} {
		if code, _, errOut := run(t, tt.args...); code != tt.wantCode {
			t.Errorf("%q: exit %d (%s), want %d", tt.args, code, errOut, tt.wantCode)
		}
	}
}

func TestCallCommand(t *testing.T) {
	withCleanEnv(t)
	ts := newTestServer(t, nil)
	dir := t.TempDir()
	inputFile := filepath.Join(dir, "in.json")
	if err := os.WriteFile(inputFile, []byte(`{"a": 2, "b": 3}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    string
		wantErrOut string
	}{
		{name: "key=value typed by the schema", args: []string{"call", "Calculator.Add@1", "a=1", "b=2"}, wantOut: "3\n"},
		{name: "inline input", args: []string{"call", "Calculator.Add@1", "--input", `{"a":1.5,"b":2}`}, wantOut: "3.5\n"},
		{name: "input file", args: []string{"call", "Calculator.Add@1", "--input", "@" + inputFile}, wantOut: "5\n"},
		{name: "array parameter", args: []string{"call", "Calculator.Add@2", "numbers=[1,2,3]"}, wantOut: "6\n"},
		{name: "string value", args: []string{"call", "System.GetTimestamp"}, wantOut: "T"},
		{name: "JSON output", args: []string{"call", "Calculator.Add@1", "a=1", "b=2", "-o", "json", "--call-id", "cli-1"},
			wantOut: `"call_id": "cli-1"`},
		{name: "secret", args: []string{"call", "Demo.SecretFingerprint", "--secret", "DEMO_SECRET=hunter2"}},
		{name: "tool error", args: []string{"call", "Demo.Fail", "mode=error"}, wantCode: 1,
			wantErrOut: "tool error: Demo.Fail failed, as asked.\n  developer message: Demo.Fail: mode error\n  can retry: no\n"},
		{name: "tool error as JSON", args: []string{"call", "Demo.Fail", "mode=error", "-o", "json"}, wantCode: 1,
			wantOut: `"success": false`},
		{name: "bad key=value type", args: []string{"call", "Calculator.Add@1", "a=one", "b=2"}, wantCode: 2,
			wantErrOut: `parameter "a": the value is not a valid number`},
		{name: "unknown parameter", args: []string{"call", "Calculator.Add@1", "c=1"}, wantCode: 2, wantErrOut: `no parameter "c"`},
		// OTC: CALL-4
		{name: "422", args: []string{"call", "Calculator.Add@1", "--input", `{"a":"one","b":2}`}, wantCode: 2,
			wantErrOut: "rejected the input (422)"},
		// OTC: CALL-3
		{name: "unknown tool", args: []string{"call", "Calculator.Nope", "--input", `{}`}, wantCode: 3, wantErrOut: "(400)"},
		{name: "unknown tool with key=value", args: []string{"call", "Calculator.Nope", "a=1"}, wantCode: 3, wantErrOut: "no tool Calculator.Nope"},
		{name: "missing secret", args: []string{"call", "Demo.SecretFingerprint"}, wantCode: 3, wantErrOut: "(400)"},
		{name: "input and key=value", args: []string{"call", "Calculator.Add@1", "--input", `{}`, "a=1"}, wantCode: 2, wantErrOut: "not both"},
		{name: "input not an object", args: []string{"call", "Calculator.Add@1", "--input", `[1]`}, wantCode: 2},
		{name: "no tool id", args: []string{"call"}, wantCode: 2},
		{name: "bad tool id", args: []string{"call", "Calculator"}, wantCode: 2},
		{name: "bad --secret", args: []string{"call", "Demo.SecretFingerprint", "--secret", "hunter2"}, wantCode: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(tt.args, "--url", ts.URL)
			code, out, errOut := run(t, args...)
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantErrOut) {
				t.Errorf("exit %d, stdout %q, stderr %q;\nwant exit %d, stdout containing %q, stderr containing %q",
					code, out, errOut, tt.wantCode, tt.wantOut, tt.wantErrOut)
			}
			if strings.Contains(out+errOut, "hunter2") || strings.Contains(out+errOut, "\x1b") {
				t.Errorf("output carries the secret or a terminal escape: %q %q", out, errOut)
			}
		})
	}
}

// The quick start: beside a local "otc serve" that generated its
// credentials, the client commands work with no flags (AUTH-17: the JWT).
func TestClientCommandsUseGeneratedCredentials(t *testing.T) {
	withCleanEnv(t)
	dataDir := t.TempDir()
	gen, err := auth.EnsureGeneratedCredentials(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	jwtOnly := newTestServer(t, &auth.Config{Methods: []auth.Method{auth.MethodJWT}, JWTSecrets: gen.JWTSecrets})
	keyOnly := newTestServer(t, &auth.Config{Methods: []auth.Method{auth.MethodAPIKey}, APIKeys: gen.APIKeys})
	tests := []struct {
		name       string
		url        string
		args       []string
		env        map[string]string
		wantCode   int
		wantErrOut string
	}{
		{name: "generated JWT secret", url: jwtOnly.URL, env: map[string]string{"OTC_DATA_DIR": dataDir}},
		{name: "--data-dir", url: jwtOnly.URL, args: []string{"--data-dir", dataDir}},
		{name: "generated API key when the JWT secret file is gone", url: keyOnly.URL, args: []string{"--data-dir", keyOnlyDir(t, gen.APIKeysPath)}},
		{name: "no data dir files", url: jwtOnly.URL, wantCode: 3, wantErrOut: "no credentials were sent"},
		// OTC: AUTH-6, AUTH-12
		{name: "explicit wrong key beats the files", url: keyOnly.URL, args: []string{"--data-dir", dataDir, "--api-key", "wrong-key"},
			wantCode: 3, wantErrOut: "the credential came from --api-key"},
		{name: "explicit secret from the environment", url: jwtOnly.URL, env: map[string]string{"OTC_JWT_SECRET": string(gen.JWTSecrets[0])}},
		{name: "secret file", url: jwtOnly.URL, args: []string{"--jwt-secret-file", gen.JWTSecretsPath}},
		// OTC: AUTHZ-1 — a server with no audience list refuses a token with aud.
		{name: "audience from OTC_JWT_AUDIENCE", url: jwtOnly.URL, args: []string{"--data-dir", dataDir},
			env: map[string]string{"OTC_JWT_AUDIENCE": "otcserver"}, wantCode: 3, wantErrOut: "(401)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			args := append([]string{"call", "Calculator.Add@1", "a=1", "b=2", "--url", tt.url}, tt.args...)
			code, out, errOut := run(t, args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErrOut) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d, stderr containing %q", code, out, errOut, tt.wantCode, tt.wantErrOut)
			}
			if tt.wantCode == 0 && out != "3\n" {
				t.Errorf("stdout %q, want 3", out)
			}
			for _, secret := range append([]string{gen.APIKey}, string(gen.JWTSecrets[0])) {
				if secret != "" && strings.Contains(out+errOut, secret) {
					t.Errorf("output carries a credential")
				}
			}
		})
	}
}

// keyOnlyDir returns a data directory holding only a copy of the api-keys
// file at path.
func keyOnlyDir(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "api-keys", string(b))
	return dir
}

// OTC: AUTH-5 — an API key is never sent over plain HTTP to another host.
func TestCallRefusesAPIKeyOverHTTP(t *testing.T) {
	withCleanEnv(t)
	code, _, errOut := run(t, "tools", "list", "--url", "http://tools.example.com", "--api-key", "the-key")
	if code != ExitUsage || !strings.Contains(errOut, "AUTH-5") || strings.Contains(errOut, "the-key") {
		t.Errorf("exit %d, stderr %q; want exit 2 explaining AUTH-5 without the key", code, errOut)
	}
}
