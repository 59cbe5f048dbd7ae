package client_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/otc-dev/otc/client"
)

var secret32 = []byte("0123456789abcdef0123456789abcdef")

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		opts    *client.Options
		wantErr string // substring; empty means success
		// insecure says the error must be an *InsecureAPIKeyError.
		insecure bool
	}{
		{name: "nil options", url: "http://tools.example.com"},
		{name: "path prefix and trailing slash", url: "https://tools.example.com/otc/"},
		{name: "ftp scheme", url: "ftp://tools.example.com", wantErr: "http:// or https://"},
		{name: "relative", url: "/tools", wantErr: "http:// or https://"},
		{name: "no host", url: "http://", wantErr: "no host"},
		{name: "credentials in URL", url: "https://user:pw@tools.example.com", wantErr: "must not carry credentials"},
		{name: "query", url: "https://tools.example.com/?a=1", wantErr: "query"},
		{name: "unparsable", url: "http://[::1", wantErr: "base URL"},
		// OTC: AUTH-5
		{name: "API key over http to remote host", url: "http://tools.example.com", opts: &client.Options{APIKey: "k"},
			wantErr: "AUTH-5", insecure: true},
		{name: "API key over http to remote IP", url: "http://192.0.2.7:8080", opts: &client.Options{APIKey: "k"},
			wantErr: "HTTPS", insecure: true},
		{name: "API key over http to a name that only looks local", url: "http://localhost.example.com", opts: &client.Options{APIKey: "k"},
			wantErr: "AUTH-5", insecure: true},
		{name: "API key over https", url: "https://tools.example.com", opts: &client.Options{APIKey: "k"}},
		{name: "API key over http to 127.0.0.1", url: "http://127.0.0.1:8080", opts: &client.Options{APIKey: "k"}},
		{name: "API key over http to 127.8.9.1", url: "http://127.8.9.1:8080", opts: &client.Options{APIKey: "k"}},
		{name: "API key over http to localhost", url: "http://localhost:8080", opts: &client.Options{APIKey: "k"}},
		{name: "API key over http to LOCALHOST.", url: "http://LOCALHOST.:8080", opts: &client.Options{APIKey: "k"}},
		{name: "API key over http to ::1", url: "http://[::1]:8080", opts: &client.Options{APIKey: "k"}},
		{name: "API key over http allowed explicitly", url: "http://tools.internal",
			opts: &client.Options{APIKey: "k", AllowAPIKeyOverHTTP: true}},
		// OTC: AUTH-17 (the key is not sent, so plain http is no leak)
		{name: "JWT preferred over key on http", url: "http://tools.example.com",
			opts: &client.Options{APIKey: "k", JWTSecret: secret32}},
		{name: "API key with line break", url: "https://tools.example.com", opts: &client.Options{APIKey: "k\r\nX: y"},
			wantErr: "line break"},
		// OTC: AUTHZ-2
		{name: "short JWT secret", url: "https://tools.example.com", opts: &client.Options{JWTSecret: []byte("short")},
			wantErr: "at least 32"},
		// OTC: AUTH-11
		{name: "token lifetime over 15 minutes", url: "https://tools.example.com",
			opts: &client.Options{JWTSecret: secret32, TokenLifetime: 16 * time.Minute}, wantErr: "AUTH-11"},
		{name: "token lifetime of 15 minutes", url: "https://tools.example.com",
			opts: &client.Options{JWTSecret: secret32, TokenLifetime: 15 * time.Minute}},
		{name: "token lifetime too short", url: "https://tools.example.com",
			opts: &client.Options{JWTSecret: secret32, TokenLifetime: time.Second}, wantErr: "shorter than 10s"},
		{name: "negative attempts", url: "https://tools.example.com",
			opts: &client.Options{Retry: &client.RetryPolicy{MaxAttempts: -1}}, wantErr: "negative"},
		{name: "user agent with line break", url: "https://tools.example.com",
			opts: &client.Options{UserAgent: "a\nb"}, wantErr: "line break"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := client.New(tt.url, tt.opts)
			if tt.wantErr == "" {
				if err != nil || c == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("New succeeded, want error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			var ie *client.InsecureAPIKeyError
			if got := errors.As(err, &ie); got != tt.insecure {
				t.Errorf("errors.As(*InsecureAPIKeyError) = %v, want %v", got, tt.insecure)
			}
			if tt.opts != nil && tt.opts.APIKey != "" && strings.Contains(err.Error(), tt.opts.APIKey+"\r") {
				t.Errorf("error leaks the API key: %q", err)
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	tests := map[string]bool{
		"localhost": true, "LocalHost": true, "localhost.": true, "127.0.0.1": true, "127.255.0.9": true,
		"::1": true, "[::1]": true, "::ffff:127.0.0.1": true,
		"": false, "example.com": false, "localhost.example.com": false, "10.0.0.1": false,
		"0.0.0.0": false, "::": false, "192.168.1.1": false, "evil-localhost": false,
	}
	for host, want := range tests {
		t.Run(host, func(t *testing.T) {
			if got := client.IsLoopback(host); got != want {
				t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
			}
		})
	}
}
