package auth_test

import (
	"crypto/tls"
	"net/http"
	"strings"
	"testing"

	"github.com/otc-dev/otc/auth"
)

func TestAPIKey(t *testing.T) {
	a := mustNew(t, baseConfig())
	tests := []struct {
		name     string
		headers  []string
		wantName string // empty: refused
		want     auth.Reason
	}{
		// OTC: AUTH-3 — the key arrives in OTC-API-Key.
		{"OTC-API-Key plain-configured key", []string{"OTC-API-Key", keyAlpha}, "alpha", ""},
		// OTC: AUTH-4 — validated against every stored value, plain or digest.
		{"OTC-API-Key digest-configured key", []string{"OTC-API-Key", keyBeta}, "beta", ""},
		// OTC: COMPAT-4 — OXP-API-Key is an alias; header names are case-insensitive.
		{"OXP-API-Key alias", []string{"OXP-API-Key", keyAlpha}, "alpha", ""},
		{"lower-case header name", []string{"otc-api-key", keyBeta}, "beta", ""},
		// OTC: COMPAT-6 — a Bearer credential not shaped like a JWT is an API key.
		{"Bearer API key", []string{"Authorization", "Bearer " + keyAlpha}, "alpha", ""},
		{"Bearer API key lower-case scheme", []string{"Authorization", "bearer " + keyBeta}, "beta", ""},
		// OTC: AUTH-6 — missing or invalid: 401.
		{"missing", nil, "", auth.ReasonMissing},
		{"wrong key", []string{"OTC-API-Key", keyAlpha + "x"}, "", auth.ReasonUnknownKey},
		{"prefix of a key", []string{"OTC-API-Key", keyAlpha[:20]}, "", auth.ReasonUnknownKey},
		{"the digest instead of the key", []string{"OTC-API-Key", auth.Digest(keyBeta)}, "", auth.ReasonUnknownKey},
		{"empty header", []string{"OTC-API-Key", ""}, "", auth.ReasonMalformed},
		{"over-long key", []string{"OTC-API-Key", strings.Repeat("k", auth.MaxAPIKeyLength+1)}, "", auth.ReasonUnknownKey},
		{"Bearer wrong key", []string{"Authorization", "Bearer not-a-key"}, "", auth.ReasonUnknownKey},
		// OTC: AUTHZ-5 — a credential header twice, or both aliases, is a 401.
		{"header twice same key", []string{"OTC-API-Key", keyAlpha, "OTC-API-Key", keyAlpha}, "", auth.ReasonDuplicate},
		{"both aliases", []string{"OTC-API-Key", keyAlpha, "OXP-API-Key", keyAlpha}, "", auth.ReasonDuplicate},
		{"valid header and wrong bearer key", []string{"OTC-API-Key", keyAlpha, "Authorization", "Bearer wrong-key"}, "", auth.ReasonUnknownKey},
		{"wrong header and valid bearer key", []string{"OTC-API-Key", "wrong", "Authorization", "Bearer " + keyAlpha}, "", auth.ReasonUnknownKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := a.Authenticate(request(tt.headers...))
			if got := reasonOf(t, err); got != tt.want {
				t.Fatalf("reason %q, want %q", got, tt.want)
			}
			if tt.want == "" && (c.Method != "api_key" || c.Name != tt.wantName) {
				t.Errorf("caller %s/%s, want api_key/%s", c.Method, c.Name, tt.wantName)
			}
		})
	}
}

// OTC: COMPAT-6 — with JWTs off, any Bearer credential is checked as an API
// key; with API keys off, a Bearer API key is not accepted.
func TestBearerRouting(t *testing.T) {
	tests := []struct {
		name    string
		methods []auth.Method
		token   string
		want    auth.Reason
	}{
		{"api_key only, key", []auth.Method{auth.MethodAPIKey}, keyAlpha, ""},
		{"api_key only, jwt shape", []auth.Method{auth.MethodAPIKey}, validToken(), auth.ReasonUnknownKey},
		{"jwt only, key", []auth.Method{auth.MethodJWT}, keyAlpha, auth.ReasonMalformed},
		{"both, jwt", []auth.Method{auth.MethodAPIKey, auth.MethodJWT}, validToken(), ""},
		{"both, key", []auth.Method{auth.MethodAPIKey, auth.MethodJWT}, keyAlpha, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := baseConfig()
			cfg.Methods = tt.methods
			a := mustNew(t, cfg)
			_, err := a.Authenticate(request("Authorization", "Bearer "+tt.token))
			if got := reasonOf(t, err); got != tt.want {
				t.Errorf("reason %q, want %q", got, tt.want)
			}
		})
	}
}

// OTC: AUTH-5 — API keys only over HTTPS: a key that arrives in clear text
// from a peer that is not loopback is refused, unless the operator says a
// TLS-terminating proxy stands in front.
func TestAPIKeyTransport(t *testing.T) {
	tests := []struct {
		name       string
		remote     string
		tls        bool
		allowPlain bool
		headers    []string
		want       auth.Reason
	}{
		{"loopback v4 plain", "127.0.0.1:5000", false, false, []string{"OTC-API-Key", keyAlpha}, ""},
		{"loopback v6 plain", "[::1]:5000", false, false, []string{"OTC-API-Key", keyAlpha}, ""},
		{"remote over tls", "192.0.2.7:5000", true, false, []string{"OTC-API-Key", keyAlpha}, ""},
		{"remote plain", "192.0.2.7:5000", false, false, []string{"OTC-API-Key", keyAlpha}, auth.ReasonInsecureTransport},
		{"remote plain bearer key", "192.0.2.7:5000", false, false, []string{"Authorization", "Bearer " + keyAlpha}, auth.ReasonInsecureTransport},
		{"remote plain behind proxy", "192.0.2.7:5000", false, true, []string{"OTC-API-Key", keyAlpha}, ""},
		{"remote plain jwt is fine", "192.0.2.7:5000", false, false, []string{"Authorization", "Bearer " + validToken()}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := baseConfig()
			cfg.AllowPlainHTTPAPIKeys = tt.allowPlain
			a := mustNew(t, cfg)
			r := request(tt.headers...)
			r.RemoteAddr = tt.remote
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			_, err := a.Authenticate(r)
			if got := reasonOf(t, err); got != tt.want {
				t.Errorf("reason %q, want %q", got, tt.want)
			}
		})
	}
}

// OTC: AUTH-7 — keys shorter than 32 bytes are refused unless explicitly
// allowed; digests cannot be length-checked and are accepted.
func TestShortKeysAndSecrets(t *testing.T) {
	short, err := auth.NewAPIKey("tiny", "only-twenty-bytes-ok")
	if err != nil {
		t.Fatal(err)
	}
	shortDigest, err := auth.NewAPIKey("short", auth.Digest("x"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		keys       []auth.APIKey
		secrets    [][]byte
		allowShort bool
		wantErr    string
	}{
		{"short key", []auth.APIKey{short}, [][]byte{secret}, false, "shorter than 32 bytes"},
		{"short key allowed", []auth.APIKey{short}, [][]byte{secret}, true, ""},
		{"digest of a short key", []auth.APIKey{shortDigest}, [][]byte{secret}, false, ""},
		{"short secret", nil, [][]byte{secret, []byte("short")}, false, "JWT secret 2 is shorter than 32 bytes"},
		{"short secret allowed", nil, [][]byte{[]byte("short")}, true, ""},
		{"empty secret even allowed", nil, [][]byte{{}}, true, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := baseConfig()
			if tt.keys == nil {
				cfg.Methods = []auth.Method{auth.MethodJWT}
			}
			cfg.APIKeys, cfg.JWTSecrets, cfg.AllowShortSecrets = tt.keys, tt.secrets, tt.allowShort
			_, err := auth.New(cfg)
			checkErr(t, err, tt.wantErr)
			if err != nil && strings.Contains(err.Error(), "only-twenty") {
				t.Errorf("error %q quotes the secret", err)
			}
		})
	}
}

// checkErr fails unless err is nil and want empty, or err contains want.
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Fatalf("no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Fatalf("error %q does not contain %q", err, want)
	}
}

// OTC: AUTHZ-7 — the server can hold only digests: a configuration of
// digests alone authenticates, and the stored form is 32 bytes whatever the
// key's length.
func TestDigestOnlyServer(t *testing.T) {
	long := strings.Repeat("L", 500)
	k1, _ := auth.NewAPIKey("one", auth.Digest(keyAlpha))
	k2, _ := auth.NewAPIKey("two", auth.Digest(long))
	a := mustNew(t, auth.Config{Methods: []auth.Method{auth.MethodAPIKey}, APIKeys: []auth.APIKey{k1, k2}, Logger: discard})
	for _, tt := range []struct{ key, name string }{{keyAlpha, "one"}, {long, "two"}} {
		c, err := a.Authenticate(request("OTC-API-Key", tt.key))
		if err != nil || c.Name != tt.name {
			t.Errorf("key for %s: caller %v, err %v", tt.name, c, err)
		}
	}
	var _ [32]byte = k2.Digest // the stored form has a fixed size
	if k1.PlainLength != 0 {
		t.Errorf("digest-configured key has PlainLength %d", k1.PlainLength)
	}
}

func TestNewAPIKey(t *testing.T) {
	tests := []struct {
		name, keyName, value string
		wantName             string
		wantErr              string
	}{
		{"named", "ci", keyAlpha, "ci", ""},
		{"derived name", "", keyAlpha, auth.DerivedKeyName(sha(keyAlpha)), ""},
		{"digest upper-case hex", "d", "sha256:" + strings.ToUpper(auth.Digest(keyAlpha)[7:]), "d", ""},
		{"digest too short", "d", "sha256:abcd", "", "64 hex digits"},
		{"digest not hex", "d", "sha256:" + strings.Repeat("z", 64), "", "64 hex digits"},
		{"empty", "e", "", "", "empty"},
		{"space inside", "e", "abc def", "", "space"},
		{"bad name", "a b", keyAlpha, "", "name"},
		{"long name", strings.Repeat("n", 65), keyAlpha, "", "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := auth.NewAPIKey(tt.keyName, tt.value)
			checkErr(t, err, tt.wantErr)
			if err != nil && tt.value != "" && strings.Contains(err.Error(), tt.value) {
				t.Errorf("error %q contains the key", err)
			}
			if err == nil && k.Name != tt.wantName {
				t.Errorf("name %q, want %q", k.Name, tt.wantName)
			}
		})
	}
}

func sha(s string) [32]byte {
	k, _ := auth.NewAPIKey("x", s)
	return k.Digest
}

var _ http.Handler = (*counter)(nil)
