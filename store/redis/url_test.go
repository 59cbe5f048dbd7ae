package redis_test

import (
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/otc-dev/otc/store/redis"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		name    string
		url     string
		opts    redis.Options
		wantErr string // empty: no error
		check   func(t *testing.T, addr string, db int, tlsOn bool, timeout time.Duration)
	}{
		{name: "Plain", url: "redis://127.0.0.1:6390/2", check: func(t *testing.T, addr string, db int, tlsOn bool, _ time.Duration) {
			if addr != "127.0.0.1:6390" || db != 2 || tlsOn {
				t.Fatalf("addr %q db %d tls %v", addr, db, tlsOn)
			}
		}},
		{name: "DefaultPort", url: "redis://[::1]", check: func(t *testing.T, addr string, _ int, _ bool, _ time.Duration) {
			if addr != "[::1]:6379" {
				t.Fatalf("addr %q", addr)
			}
		}},
		{name: "TLS", url: "rediss://u:p@cache.internal:6380/0", check: func(t *testing.T, _ string, _ int, tlsOn bool, _ time.Duration) {
			if !tlsOn {
				t.Fatal("rediss:// without TLS")
			}
		}},
		{name: "TLSConfigWithRediss", url: "rediss://cache.internal", opts: redis.Options{TLSConfig: &tls.Config{MinVersion: tls.VersionTLS13}}},
		{name: "Timeout", url: "redis://127.0.0.1", opts: redis.Options{Timeout: 250 * time.Millisecond},
			check: func(t *testing.T, _ string, _ int, _ bool, timeout time.Duration) {
				if timeout != 250*time.Millisecond {
					t.Fatalf("timeout %v", timeout)
				}
			}},
		{name: "HTTPScheme", url: "http://127.0.0.1:6379", wantErr: `scheme "http"`},
		{name: "UnixScheme", url: "unix:///tmp/redis.sock", wantErr: `scheme "unix"`},
		{name: "NoScheme", url: "127.0.0.1:6379", wantErr: "invalid URL"},
		{name: "NoHost", url: "redis:///0", wantErr: "no host"},
		{name: "BadDB", url: "redis://:hunter2@127.0.0.1/zero", wantErr: "invalid database number"},
		{name: "UnknownOption", url: "redis://:hunter2@127.0.0.1/0?colour=blue", wantErr: "colour"},
		{name: "BadPort", url: "redis://user:hunter2@127.0.0.1:port/0", wantErr: "invalid port"},
		{name: "BadEscapeInPassword", url: "redis://user:hunter2%zz@127.0.0.1/0", wantErr: "invalid URL"},
		{name: "TLSConfigWithoutRediss", url: "redis://:hunter2@127.0.0.1", opts: redis.Options{TLSConfig: &tls.Config{}}, wantErr: "rediss://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := redis.ParseURL(tc.url, tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseURL(%q) = %v, want an error containing %q", tc.url, err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Fatalf("error %q reveals the password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", tc.url, err)
			}
			if !o.ContextTimeoutEnabled || o.MaxRetries != -1 {
				t.Fatalf("ContextTimeoutEnabled %v, MaxRetries %d; want true, -1", o.ContextTimeoutEnabled, o.MaxRetries)
			}
			if tc.opts.TLSConfig != nil && o.TLSConfig != tc.opts.TLSConfig {
				t.Fatal("Options.TLSConfig was not used")
			}
			if tc.check != nil {
				tc.check(t, o.Addr, o.DB, o.TLSConfig != nil, o.ReadTimeout)
			}
		})
	}
}

// FuzzParseURL feeds operator-supplied URLs, with a password in them, to
// the parser: it must not panic, and no error may repeat the password.
func FuzzParseURL(f *testing.F) {
	f.Add("redis", "127.0.0.1:6379", "/0", "")
	f.Add("rediss", "cache.internal", "/15", "dial_timeout=3s")
	f.Add("redis", "[::1]:port", "/x", "pool_size=abc")
	f.Add("http", "%zz", "/%", "a=%")
	f.Fuzz(func(t *testing.T, scheme, host, path, query string) {
		const secret = "Zq9SENTINELpw"
		for _, s := range []string{scheme, host, path, query} {
			if strings.Contains(s, "SENTINEL") {
				t.Skip()
			}
		}
		raw := scheme + "://user:" + secret + "@" + host + path
		if query != "" {
			raw += "?" + query
		}
		_, err := redis.ParseURL(raw, redis.Options{})
		if err != nil && strings.Contains(err.Error(), "SENTINEL") {
			t.Fatalf("error for %q reveals the password: %v", raw, err)
		}
	})
}

func TestCheckVersion(t *testing.T) {
	for _, tc := range []struct {
		name string
		info string
		ok   bool
	}{
		{"Seven", "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n", true},
		{"Eight", "# Server\r\nredis_version:8.2.1\r\n", true},
		{"Six", "# Server\r\nredis_version:6.2.14\r\n", false},
		{"Garbage", "# Server\r\nredis_version:x.y\r\n", false},
		{"Hidden", "# Server\r\nredis_mode:standalone\r\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := redis.CheckVersion(tc.info); (err == nil) != tc.ok {
				t.Fatalf("checkVersion = %v, want ok %v", err, tc.ok)
			}
		})
	}
}
