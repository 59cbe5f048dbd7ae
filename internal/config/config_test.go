package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
)

func newServe(t *testing.T, args ...string) (*Serve, *pflag.FlagSet) {
	t.Helper()
	var c Serve
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	c.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return &c, fs
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string // substring; "" means valid
	}{
		{"defaults", nil, ""},
		{"none on loopback", []string{"--auth", "none"}, ""},
		// OTC: AUTH-1 — an internet-facing server without authentication must be asked for by name.
		{"none on all interfaces", []string{"--auth", "none", "--addr", "0.0.0.0:8080"}, "--allow-unauthenticated"},
		{"none on all interfaces allowed", []string{"--auth", "none", "--addr", "0.0.0.0:8080", "--allow-unauthenticated"}, ""},
		// OTC: AUTH-5 — API keys only over HTTPS.
		{"api key over plain http remote", []string{"--auth", "api_key", "--addr", ":8080"}, "AUTH-5"},
		{"api key behind tls proxy", []string{"--auth", "api_key", "--addr", ":8080", "--insecure-http"}, ""},
		{"api key with tls", []string{"--auth", "api_key", "--addr", ":8443", "--tls-cert", "c", "--tls-key", "k"}, ""},
		{"jwt over plain http remote", []string{"--auth", "jwt", "--addr", ":8080"}, ""},
		{"none combined", []string{"--auth", "none,jwt"}, "cannot be combined"},
		{"unknown method", []string{"--auth", "basic"}, "unknown method"},
		{"method twice", []string{"--auth", "jwt,JWT"}, "twice"},
		{"mtls without ca", []string{"--auth", "mtls"}, "tls-client-ca"},
		{"tls cert without key", []string{"--tls-cert", "c"}, "go together"},
		{"bad addr", []string{"--addr", "8080"}, "host:port"},
		{"bad log format", []string{"--log-format", "xml"}, "text or json"},
		{"bad log level", []string{"--log-level", "loud"}, "log-level"},
		{"bad store", []string{"--store", "postgres://x"}, "redis://"},
		{"redis store", []string{"--store", "redis://127.0.0.1:6379/0"}, ""},
		{"zero timeout", []string{"--call-timeout", "0s"}, "call-timeout"},
		{"negative conns", []string{"--max-conns", "-1"}, "max-conns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newServe(t, tt.args...)
			err := c.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Validate() error %T is not a *config.Error", err)
			}
		})
	}
}

func TestApplyFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.yaml", `
addr: 127.0.0.1:9000
auth: [jwt]
call-timeout: 5s
max-body: 2MiB
jwt-audiences: [agents, ci]
api-keys:
  - name: agent-a
    key: sha256:0000000000000000000000000000000000000000000000000000000000000000
    tools: ["Calculator.*"]
    rate-limit: 10/s
audiences:
  - name: agents
    tools: ["*"]
`)
	t.Run("values and clients", func(t *testing.T) {
		c, fs := newServe(t)
		if err := ApplyFile(good, fs, c); err != nil {
			t.Fatal(err)
		}
		if c.Addr != "127.0.0.1:9000" || c.CallTimeout != 5*time.Second || c.MaxBody != 2<<20 {
			t.Errorf("got addr %q timeout %v max-body %d", c.Addr, c.CallTimeout, c.MaxBody)
		}
		if diff := cmp.Diff([]string{"jwt"}, c.Auth); diff != "" {
			t.Errorf("auth (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"agents", "ci"}, c.JWTAudiences); diff != "" {
			t.Errorf("audiences (-want +got):\n%s", diff)
		}
		want := []ClientKey{{Name: "agent-a", Key: "sha256:0000000000000000000000000000000000000000000000000000000000000000",
			Tools: []string{"Calculator.*"}, RateLimit: "10/s"}}
		if diff := cmp.Diff(want, c.APIKeys); diff != "" {
			t.Errorf("api-keys (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]ClientAudience{{Name: "agents", Tools: []string{"*"}}}, c.Audiences); diff != "" {
			t.Errorf("audiences (-want +got):\n%s", diff)
		}
	})
	t.Run("flag wins over file", func(t *testing.T) {
		c, fs := newServe(t, "--addr", "127.0.0.1:7000")
		if err := ApplyFile(good, fs, c); err != nil {
			t.Fatal(err)
		}
		if c.Addr != "127.0.0.1:7000" {
			t.Errorf("addr = %q, want the flag's value", c.Addr)
		}
	})
	for _, tt := range []struct{ name, body, want string }{
		{"unknown key", "adress: x\n", `unknown key "adress"`},
		{"config key inside config", "config: other.yaml\n", `unknown key "config"`},
		{"unknown client field", "api-keys:\n  - name: a\n    secret: b\n", "api-keys"},
		{"bad value", "call-timeout: soon\n", "call-timeout"},
		{"map for scalar", "addr: {a: b}\n", "addr"},
		{"not yaml", "addr: [\n", "reading"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, fs := newServe(t)
			err := ApplyFile(write(tt.name+".yaml", tt.body), fs, c)
			var ce *Error
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ApplyFile = %v, want *Error containing %q", err, tt.want)
			}
		})
	}
	t.Run("secret values never in errors", func(t *testing.T) {
		c, fs := newServe(t)
		err := ApplyFile(write("secret.yaml", "api-keys:\n  - name: a\n    key: [s3cr3t-value-xyz]\n"), fs, c)
		if err == nil || strings.Contains(err.Error(), "s3cr3t-value-xyz") {
			t.Fatalf("ApplyFile = %v, want an error without the value", err)
		}
	})
}

func TestByteSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1048576", 1 << 20, true}, {"1MiB", 1 << 20, true}, {"512KiB", 512 << 10, true},
		{"2GiB", 2 << 30, true}, {"10B", 10, true}, {"0", 0, false}, {"-1", 0, false},
		{"1TB", 0, false}, {"", 0, false}, {"99999999GiB", 0, false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			var b ByteSize
			err := b.Set(tt.in)
			if (err == nil) != tt.ok || tt.ok && int64(b) != tt.want {
				t.Fatalf("Set(%q) = %d, %v; want %d ok=%v", tt.in, b, err, tt.want, tt.ok)
			}
			if tt.ok {
				var again ByteSize
				if err := again.Set(b.String()); err != nil || again != b {
					t.Fatalf("round trip of %q via %q failed", tt.in, b.String())
				}
			}
		})
	}
}

func TestUnknownEnv(t *testing.T) {
	_, fs := newServe(t)
	got := UnknownEnv(fs, []string{"OTC_ADDR=x", "OTC_API_KEYS=k", "OTC_ADRESS=y", "HOME=/root", "OTC_OLD_SETTING=1"})
	if diff := cmp.Diff([]string{"OTC_ADRESS", "OTC_OLD_SETTING"}, got); diff != "" {
		t.Errorf("UnknownEnv (-want +got):\n%s", diff)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:80": true, "localhost:1": true, "127.8.9.10:1": true,
		":8080": false, "0.0.0.0:80": false, "[::]:80": false, "10.0.0.1:80": false,
		"example.com:80": false, "garbage": false, "[::ffff:127.0.0.1]:80": true,
	} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}
