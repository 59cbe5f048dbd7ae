package auth_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc/auth"
	"github.com/otc-dev/otc/internal/reqinfo"
)

// OTC: AUTH-1 — authentication is on unless turned off by name: an empty
// method list is an error, never "no authentication".
func TestNewMethods(t *testing.T) {
	tests := []struct {
		name    string
		methods []auth.Method
		wantErr string
	}{
		{"empty", nil, "no authentication method"},
		{"none alone", []auth.Method{auth.MethodNone}, ""},
		{"none combined", []auth.Method{auth.MethodNone, auth.MethodJWT}, "cannot be combined"},
		{"twice", []auth.Method{auth.MethodJWT, auth.MethodJWT}, "twice"},
		{"unknown", []auth.Method{"basic"}, "unknown"},
		{"all three", []auth.Method{auth.MethodAPIKey, auth.MethodJWT, auth.MethodMTLS}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := baseConfig()
			cfg.Methods = tt.methods
			_, err := auth.New(cfg)
			checkErr(t, err, tt.wantErr)
		})
	}
}

func TestNewRefusesMissingCredentials(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*auth.Config)
		wantErr string
	}{
		{"api_key without keys", func(c *auth.Config) { c.APIKeys = nil }, "no API key"},
		{"jwt without secrets", func(c *auth.Config) { c.JWTSecrets = nil }, "no JWT secret"},
		{"duplicate key name", func(c *auth.Config) { c.APIKeys[1].Name = "alpha" }, "used twice"},
		{"same key twice", func(c *auth.Config) { c.APIKeys[1].Digest = c.APIKeys[0].Digest }, "configured twice"},
		{"zero digest", func(c *auth.Config) { c.APIKeys[0].Digest = [32]byte{} }, "no digest"},
		{"bad key tools", func(c *auth.Config) { c.APIKeys[0].Tools = []string{"Calc*"} }, "tool pattern"},
		{"bad audience tools", func(c *auth.Config) { c.Audiences[0].Tools = []string{"*.Add"} }, "tool pattern"},
		{"duplicate audience", func(c *auth.Config) { c.Audiences[1].Name = "agents" }, "listed twice"},
		{"audience with space", func(c *auth.Config) { c.Audiences[1].Name = "a b" }, "space"},
		{"negative max ttl", func(c *auth.Config) { c.MaxTTL = -time.Second }, "MaxTTL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := baseConfig()
			tt.mutate(&cfg)
			_, err := auth.New(cfg)
			checkErr(t, err, tt.wantErr)
		})
	}
}

func TestParseMethods(t *testing.T) {
	got, err := auth.ParseMethods([]string{" API_KEY", "jwt ", "mTLS"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]auth.Method{auth.MethodAPIKey, auth.MethodJWT, auth.MethodMTLS}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range [][]string{nil, {"none", "jwt"}, {"jwt", "JWT"}, {"oauth"}} {
		if _, err := auth.ParseMethods(bad); err == nil {
			t.Errorf("ParseMethods(%q): no error", bad)
		}
	}
}

// OTC: AUTH-2 — with no authentication, the Authorization and API key
// headers are ignored entirely, whatever they hold.
func TestNoneIgnoresCredentials(t *testing.T) {
	a := mustNew(t, auth.Config{Methods: []auth.Method{auth.MethodNone}, Logger: discard})
	tests := []struct {
		name    string
		headers []string
	}{
		{"nothing", nil},
		{"garbage authorization", []string{"Authorization", "\x01\x02 garbage ;;; Bearer"}},
		{"expired jwt", []string{"Authorization", "Bearer " + forge(hs256, `{"exp":1}`, secret)}},
		{"alg none jwt", []string{"Authorization", "Bearer " + seg(`{"alg":"none"}`) + "." + seg(`{}`) + "."}},
		{"two authorization headers", []string{"Authorization", "Bearer a", "Authorization", "Basic b"}},
		{"wrong api key twice", []string{"OTC-API-Key", "x", "OXP-API-Key", "y"}},
		{"huge token", []string{"Authorization", "Bearer " + string(make([]byte, 2*auth.MaxTokenSize))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &counter{}
			w := serve(a, c, request(tt.headers...))
			if w.Code != http.StatusOK || c.n.Load() != 1 {
				t.Fatalf("status %d, handler ran %d times", w.Code, c.n.Load())
			}
			if got := c.last(); got == nil || got.Method != "none" || got.Name != "anonymous" || got.Allow != nil {
				t.Errorf("caller %+v, want anonymous with every tool", got)
			}
		})
	}
	if got := a.Challenges(); len(got) != 0 {
		t.Errorf("challenges %q for none", got)
	}
}

// OTC: AUTH-16 — several methods at once: each alone admits.
// OTC: AUTHZ-5 — every counted credential must pass; none is a 401; other
// schemes, query strings and cookies never count.
func TestSeveralMethods(t *testing.T) {
	ca, caKey := newCA(t)
	leaf := newLeaf(t, ca, caKey, "build-agent")
	cfg := baseConfig()
	cfg.Methods = []auth.Method{auth.MethodAPIKey, auth.MethodJWT, auth.MethodMTLS}
	a := mustNew(t, cfg)
	verified := &tls.ConnectionState{PeerCertificates: []*x509.Certificate{leaf}, VerifiedChains: [][]*x509.Certificate{{leaf, ca}}}
	unverified := &tls.ConnectionState{PeerCertificates: []*x509.Certificate{leaf}}

	tests := []struct {
		name       string
		headers    []string
		tls        *tls.ConnectionState
		target     string
		wantMethod string
		wantName   string
		want       auth.Reason
	}{
		{"api key alone", []string{"OTC-API-Key", keyAlpha}, nil, "", "api_key", "alpha", ""},
		{"jwt alone", []string{"Authorization", "Bearer " + validToken(`"sub":"bot"`)}, nil, "", "jwt", "bot", ""},
		{"certificate alone", nil, verified, "", "mtls", "build-agent", ""},
		// OTC: AUTH-17 — JWT is preferred: with both valid, the JWT names the caller.
		{"key and jwt both valid", []string{"OTC-API-Key", keyAlpha, "Authorization", "Bearer " + validToken(`"sub":"bot"`)}, nil, "", "jwt", "bot", ""},
		{"key and certificate", []string{"OTC-API-Key", keyAlpha}, verified, "", "api_key", "alpha", ""},
		{"valid key, expired jwt", []string{"OTC-API-Key", keyAlpha, "Authorization", "Bearer " + forge(hs256, `{"exp":1}`, secret)}, nil, "", "", "", auth.ReasonExpired},
		{"valid jwt, wrong key", []string{"OTC-API-Key", "wrong", "Authorization", "Bearer " + validToken()}, nil, "", "", "", auth.ReasonUnknownKey},
		{"valid certificate, wrong key", []string{"OTC-API-Key", "wrong"}, verified, "", "", "", auth.ReasonUnknownKey},
		{"unverified certificate", nil, unverified, "", "", "", auth.ReasonUnverifiedCert},
		{"valid key, unverified certificate", []string{"OTC-API-Key", keyAlpha}, unverified, "", "", "", auth.ReasonUnverifiedCert},
		{"nothing", nil, nil, "", "", "", auth.ReasonMissing},
		{"tls without certificate", nil, &tls.ConnectionState{}, "", "", "", auth.ReasonMissing},
		{"basic scheme", []string{"Authorization", "Basic YWxwaGE6cGFzcw=="}, nil, "", "", "", auth.ReasonMissing},
		{"basic scheme carrying a key", []string{"Authorization", "Basic " + keyAlpha}, nil, "", "", "", auth.ReasonMissing},
		{"token scheme", []string{"Authorization", "Token " + validToken()}, nil, "", "", "", auth.ReasonMissing},
		{"two authorization headers", []string{"Authorization", "Bearer " + validToken(), "Authorization", "Basic eA=="}, nil, "", "", "", auth.ReasonDuplicate},
		{"token in the query", nil, nil, "/tools?access_token=" + validToken(), "", "", auth.ReasonMissing},
		{"key in the query", nil, nil, "/tools?api_key=" + keyAlpha + "&OTC-API-Key=" + keyAlpha, "", "", auth.ReasonMissing},
		{"token in a cookie", []string{"Cookie", "access_token=" + validToken() + "; OTC-API-Key=" + keyAlpha}, nil, "", "", "", auth.ReasonMissing},
		{"key in another header", []string{"X-API-Key", keyAlpha, "Api-Key", keyAlpha}, nil, "", "", "", auth.ReasonMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := request(tt.headers...)
			if tt.target != "" {
				r = httptest.NewRequest(http.MethodGet, tt.target, nil)
				r.RemoteAddr = "127.0.0.1:1"
			}
			r.TLS = tt.tls
			c, err := a.Authenticate(r)
			if got := reasonOf(t, err); got != tt.want {
				t.Fatalf("reason %q, want %q", got, tt.want)
			}
			if tt.want == "" && (c.Method != tt.wantMethod || c.Name != tt.wantName) {
				t.Errorf("caller %s/%s, want %s/%s", c.Method, c.Name, tt.wantMethod, tt.wantName)
			}
		})
	}
}

// mTLS over a real TLS connection: the TLS layer verifies against the client
// CA, and the caller is the certificate's common name.
func TestMTLSOverTLS(t *testing.T) {
	ca, caKey := newCA(t)
	leaf := newLeaf(t, ca, caKey, "edge-router")
	a := mustNew(t, auth.Config{Methods: []auth.Method{auth.MethodMTLS}, Logger: discard})
	c := &counter{}
	srv := httptest.NewUnstartedServer(a.Middleware(c))
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	srv.TLS = &tls.Config{ClientCAs: pool, ClientAuth: tls.VerifyClientCertIfGiven}
	srv.StartTLS()
	defer srv.Close()

	client := srv.Client()
	resp, err := client.Get(srv.URL + "/tools")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without certificate: status %d, want 401", resp.StatusCode)
	}
	// A client of its own: a pooled connection would skip the handshake.
	tr := client.Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.Certificates = []tls.Certificate{{Certificate: [][]byte{leaf.Raw}, PrivateKey: leafKeys[leaf]}}
	defer tr.CloseIdleConnections()
	resp, err = (&http.Client{Transport: tr}).Get(srv.URL + "/tools")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || c.last() == nil || c.last().Name != "edge-router" || c.last().Method != "mtls" {
		t.Errorf("with certificate: status %d, caller %+v", resp.StatusCode, c.last())
	}
}

// OTC: AUTH-15 — the documented methods, the 401 challenges and the OpenAPI
// security schemes agree, for every combination.
func TestMethodsChallengesSchemesAgree(t *testing.T) {
	challengeOf := map[auth.Method]string{
		auth.MethodAPIKey: `APIKey realm="otc", header="OTC-API-Key"`,
		auth.MethodJWT:    `Bearer realm="otc"`,
		auth.MethodMTLS:   `MutualTLS realm="otc"`,
	}
	schemeOf := map[auth.Method]string{auth.MethodAPIKey: "apiKey", auth.MethodJWT: "bearerAuth", auth.MethodMTLS: "mutualTLS"}
	combos := [][]auth.Method{
		{auth.MethodAPIKey}, {auth.MethodJWT}, {auth.MethodMTLS},
		{auth.MethodJWT, auth.MethodAPIKey}, {auth.MethodAPIKey, auth.MethodJWT, auth.MethodMTLS},
	}
	for _, methods := range combos {
		cfg := baseConfig()
		cfg.Methods = methods
		a := mustNew(t, cfg)
		if diff := cmp.Diff(methods, a.Methods()); diff != "" {
			t.Errorf("Methods (-want +got):\n%s", diff)
		}
		var want []string
		wantSchemes := map[string]bool{}
		for _, m := range methods {
			want = append(want, challengeOf[m])
			wantSchemes[schemeOf[m]] = true
		}
		if diff := cmp.Diff(want, a.Challenges()); diff != "" {
			t.Errorf("%v: Challenges (-want +got):\n%s", methods, diff)
		}
		gotSchemes := map[string]bool{}
		for name := range a.SecuritySchemes() {
			gotSchemes[name] = true
		}
		if diff := cmp.Diff(wantSchemes, gotSchemes); diff != "" {
			t.Errorf("%v: SecuritySchemes (-want +got):\n%s", methods, diff)
		}
		// A 401 carries exactly these challenges.
		w := serve(a, &counter{}, request())
		if diff := cmp.Diff(want, w.Result().Header.Values("WWW-Authenticate")); diff != "" {
			t.Errorf("%v: 401 challenges (-want +got):\n%s", methods, diff)
		}
	}
	ss := mustNew(t, baseConfig()).SecuritySchemes()
	if got := ss["apiKey"]; got.Type != "apiKey" || got.In != "header" || got.Name != "OTC-API-Key" {
		t.Errorf("apiKey %+v", got)
	}
	if got := ss["bearerAuth"]; got.Type != "http" || got.Scheme != "bearer" || got.BearerFormat != "JWT" {
		t.Errorf("bearerAuth %+v", got)
	}
}

// OTC: AUTH-18 — refusals are visible to the failed-authentication limiter
// and the audit log (reqinfo) and to metrics (the observer), by method and
// reason.
func TestRefusalReported(t *testing.T) {
	obs := &observer{}
	cfg := baseConfig()
	cfg.Observer = obs
	a := mustNew(t, cfg)
	tests := []struct {
		name       string
		headers    []string
		wantMethod string
		wantReason string
	}{
		{"missing", nil, "api_key+jwt", "missing"},
		{"unknown key", []string{"OTC-API-Key", "nope"}, "api_key", "unknown_key"},
		{"expired", []string{"Authorization", "Bearer " + forge(hs256, `{"exp":1}`, secret)}, "jwt", "expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := request(tt.headers...)
			ctx, info := reqinfo.New(r.Context())
			info.ClientIP = "198.51.100.4"
			w := serve(a, &counter{}, r.WithContext(ctx))
			if w.Code != http.StatusUnauthorized {
				t.Fatalf("status %d", w.Code)
			}
			if info.AuthMethod != tt.wantMethod || info.AuthFailure != tt.wantReason || info.Caller != nil {
				t.Errorf("reqinfo %q/%q caller %v, want %q/%q", info.AuthMethod, info.AuthFailure, info.Caller, tt.wantMethod, tt.wantReason)
			}
			if got := obs.last(); got != [2]string{tt.wantMethod, tt.wantReason} {
				t.Errorf("observer %q", got)
			}
		})
	}
	t.Run("admitted", func(t *testing.T) {
		r := request("OTC-API-Key", keyAlpha)
		ctx, info := reqinfo.New(r.Context())
		serve(a, &counter{}, r.WithContext(ctx))
		if info.Caller == nil || info.Caller.Name != "alpha" || info.AuthFailure != "" {
			t.Errorf("reqinfo caller %+v failure %q", info.Caller, info.AuthFailure)
		}
	})
}

// --- certificates

// leafKeys keeps the private keys of issued leaves for the TLS client.
var leafKeys = map[*x509.Certificate]*ecdsa.PrivateKey{}

func newCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test client CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func newLeaf(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, cn string) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: cn, Organization: []string{"otc tests"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	leafKeys[cert] = key
	return cert
}

type observer struct {
	calls [][2]string
}

func (o *observer) AuthFailed(method, reason string) {
	o.calls = append(o.calls, [2]string{method, reason})
}

func (o *observer) last() [2]string {
	if len(o.calls) == 0 {
		return [2]string{}
	}
	return o.calls[len(o.calls)-1]
}

var _ auth.FailureObserver = (*observer)(nil)
