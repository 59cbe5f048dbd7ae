package app

// HTTPS with a development certificate, and client certificates (mTLS).

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otc-dev/otc/internal/tlsconfig"
)

// devCert writes a development certificate for 127.0.0.1 into a new
// directory and returns its files and a pool that trusts it.
func devCert(t *testing.T) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	dc, err := tlsconfig.GenerateDevCert(filepath.Join(t.TempDir(), "tls"), nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pemBytes, err := os.ReadFile(dc.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	roots = x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemBytes) {
		t.Fatal("the development certificate does not parse")
	}
	return dc.CertFile, dc.KeyFile, roots
}

// testCA is a certificate authority for client certificates.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// clientCert issues a client certificate for commonName.
func (ca *testCA) clientCert(t *testing.T, commonName string) tls.Certificate {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: commonName, Organization: []string{"otc tests"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// tlsClient returns a client that trusts roots, offers HTTP/2, and
// presents cert when one is given, whatever CAs the server names: Go's
// client would otherwise withhold a certificate the server's CA list does
// not cover, and the server would never see it.
func tlsClient(roots *x509.CertPool, cert ...tls.Certificate) *http.Client {
	cfg := &tls.Config{RootCAs: roots}
	if len(cert) > 0 {
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert[0], nil }
	}
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true}}
}

// OTC: AUTH-5 — HTTPS with a development certificate: API keys over TLS,
// HTTP/2 negotiated, TLS 1.1 and older refused.
func TestTLS(t *testing.T) {
	t.Parallel()
	certFile, keyFile, roots := devCert(t)
	s := startServer(t, serveOptions{args: []string{"--tls-cert", certFile, "--tls-key", keyFile}})
	if !strings.Contains(s.stdout.String(), "https://"+s.addr) {
		t.Errorf("the start-up line does not name https://%s: %q", s.addr, s.stdout)
	}

	c := tlsClient(roots)
	r := doWith(t, c, http.MethodGet, s.url+"/tools", "", apiKey(keyAlice)...)
	if r.status != http.StatusOK {
		t.Fatalf("GET /tools over HTTPS: status %d, body %s", r.status, r.body)
	}
	if r.proto != "HTTP/2.0" {
		t.Errorf("protocol %s, want HTTP/2.0", r.proto)
	}
	call := callBody(t, "Calculator.Add@1", map[string]any{"a": 1, "b": 2}, nil)
	if r := doWith(t, c, http.MethodPost, s.url+"/tools/call", call, apiKey(keyAlice)...); r.status != http.StatusOK {
		t.Fatalf("a call over HTTP/2: status %d, body %s", r.status, r.body)
	}

	versions := []struct {
		name    string
		max     uint16
		refused bool
	}{
		{"TLS 1.0", tls.VersionTLS10, true},
		{"TLS 1.1", tls.VersionTLS11, true},
		{"TLS 1.2", tls.VersionTLS12, false},
		{"TLS 1.3", tls.VersionTLS13, false},
	}
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			d := &net.Dialer{Timeout: 5 * time.Second}
			conn, err := tls.DialWithDialer(d, "tcp", s.addr, &tls.Config{
				RootCAs: roots, MinVersion: tls.VersionTLS10, MaxVersion: v.max,
			})
			if conn != nil {
				defer conn.Close()
			}
			if v.refused && err == nil {
				t.Fatalf("the handshake succeeded with %s", tls.VersionName(conn.ConnectionState().Version))
			}
			if !v.refused && err != nil {
				t.Fatalf("handshake: %v", err)
			}
		})
	}

	// Plain HTTP to the HTTPS port gets no answer from the protocol.
	if r, err := tryDo(&http.Client{Timeout: 5 * time.Second}, http.MethodGet, "http://"+s.addr+"/tools", "", apiKey(keyAlice)...); err == nil && r.status == http.StatusOK {
		t.Errorf("plain HTTP to the HTTPS port was served: %s", r.body)
	}
}

// OTC: AUTH-16, AUTH-18 — client certificates: with --auth mtls a
// certificate from the --tls-client-ca admits its subject; without one,
// or with one from another CA, nothing is served.
func TestMutualTLS(t *testing.T) {
	t.Parallel()
	certFile, keyFile, roots := devCert(t)
	dir := t.TempDir()
	ca := newTestCA(t, "otc test client CA")
	caFile := writeFile(t, dir, "client-ca.pem", string(ca.pem))
	auditFile := filepath.Join(dir, "audit.log")
	s := startServer(t, serveOptions{dataDir: dir, apiKeys: "-", jwtSecrets: "-", args: []string{
		"--tls-cert", certFile, "--tls-key", keyFile, "--tls-client-ca", caFile, "--auth", "mtls", "--audit-log", auditFile,
	}})

	agent := tlsClient(roots, ca.clientCert(t, "agent-7"))
	if r := doWith(t, agent, http.MethodGet, s.url+"/tools", ""); r.status != http.StatusOK {
		t.Fatalf("GET /tools with a client certificate: status %d, body %s", r.status, r.body)
	}
	call := callBody(t, "Calculator.Add@1", map[string]any{"a": 1, "b": 2}, map[string]any{"call_id": "mtls-call-1"})
	if r := doWith(t, agent, http.MethodPost, s.url+"/tools/call", call); r.status != http.StatusOK {
		t.Fatalf("a call with a client certificate: status %d, body %s", r.status, r.body)
	}

	// No certificate and no other credential: 401 with the mTLS challenge.
	anon := tlsClient(roots)
	r := doWith(t, anon, http.MethodGet, s.url+"/tools", "")
	if r.status != http.StatusUnauthorized {
		t.Fatalf("GET /tools without a certificate: status %d, body %s", r.status, r.body)
	}
	if got := r.header.Values("WWW-Authenticate"); len(got) != 1 || !strings.HasPrefix(got[0], "MutualTLS ") {
		t.Errorf("challenges %q, want one MutualTLS challenge", got)
	}
	// An API key is not a method of this server.
	if r := doWith(t, anon, http.MethodGet, s.url+"/tools", "", apiKey(keyAlice)...); r.status != http.StatusUnauthorized {
		t.Errorf("GET /tools with an API key on an mTLS-only server: status %d", r.status)
	}
	// A certificate from another CA fails the handshake.
	stranger := tlsClient(roots, newTestCA(t, "another CA").clientCert(t, "agent-7"))
	if r, err := tryDo(stranger, http.MethodGet, s.url+"/tools", ""); err == nil {
		t.Errorf("a certificate of another CA: status %d, want a failed handshake", r.status)
	}

	// The caller is named by the certificate's subject.
	s.client.CloseIdleConnections()
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	records := readAudit(t, auditFile)
	var found bool
	for _, rec := range records {
		if rec["call_id"] == "mtls-call-1" {
			found = true
			if rec["client"] != "agent-7" || rec["auth_method"] != "mtls" {
				t.Errorf("audit record of the mTLS call: client %v, auth_method %v; want agent-7, mtls", rec["client"], rec["auth_method"])
			}
		}
	}
	if !found {
		t.Errorf("no audit record of the mTLS call among %v", records)
	}
}

// OTC: AUTH-18 — a --tls-client-ca without --auth mtls requires a client
// certificate of every connection, beside the other methods.
func TestRequiredClientCertificate(t *testing.T) {
	t.Parallel()
	certFile, keyFile, roots := devCert(t)
	dir := t.TempDir()
	ca := newTestCA(t, "otc test client CA")
	caFile := writeFile(t, dir, "client-ca.pem", string(ca.pem))
	s := startServer(t, serveOptions{dataDir: dir, args: []string{
		"--tls-cert", certFile, "--tls-key", keyFile, "--tls-client-ca", caFile, "--auth", "api_key",
	}})
	if r, err := tryDo(tlsClient(roots), http.MethodGet, s.url+"/tools", "", apiKey(keyAlice)...); err == nil {
		t.Errorf("no client certificate: status %d, want a failed handshake", r.status)
	}
	agent := tlsClient(roots, ca.clientCert(t, "agent-7"))
	if r := doWith(t, agent, http.MethodGet, s.url+"/tools", "", apiKey(keyAlice)...); r.status != http.StatusOK {
		t.Errorf("client certificate and API key: status %d, body %s", r.status, r.body)
	}
	// The certificate lets the connection in; authentication is still the
	// API key's.
	if r := doWith(t, agent, http.MethodGet, s.url+"/tools", ""); r.status != http.StatusUnauthorized {
		t.Errorf("client certificate without API key: status %d, want 401", r.status)
	}
}

// readAudit returns the audit log's records, failing the test on a line
// that is not a JSON object.
func readAudit(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("audit line %q is not JSON: %v", line, err)
		}
		out = append(out, rec)
	}
	return out
}
