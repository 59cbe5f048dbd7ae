package tlsconfig_test

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/otc-dev/otc/internal/tlsconfig"
)

// OTC: AUTH-5 (API keys only over secure connections: the server's TLS)
func TestServerConfigHandshakes(t *testing.T) {
	dc := devCert(t)
	cfg, _, err := tlsconfig.ServerConfig(tlsconfig.Options{CertFile: dc.CertFile, KeyFile: dc.KeyFile})
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, cfg)
	roots := rootsOf(t, dc.CertFile)

	tests := []struct {
		name        string
		client      *tls.Config
		wantErr     bool
		wantVersion uint16
	}{
		{name: "TLS 1.0 refused", client: &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10}, wantErr: true},
		{name: "TLS 1.1 refused", client: &tls.Config{MinVersion: tls.VersionTLS11, MaxVersion: tls.VersionTLS11}, wantErr: true},
		{name: "TLS 1.2", client: &tls.Config{MaxVersion: tls.VersionTLS12}, wantVersion: tls.VersionTLS12},
		{name: "TLS 1.3", client: &tls.Config{MinVersion: tls.VersionTLS13}, wantVersion: tls.VersionTLS13},
		{name: "TLS 1.2 CBC suite refused", client: &tls.Config{MaxVersion: tls.VersionTLS12,
			CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}}, wantErr: true},
		{name: "TLS 1.2 RSA key exchange refused", client: &tls.Config{MaxVersion: tls.VersionTLS12,
			CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.client.RootCAs = roots
			conn, err := tls.Dial("tcp", addr, tt.client)
			if tt.wantErr {
				if err == nil {
					conn.Close()
					t.Fatal("handshake succeeded")
				}
				return
			}
			if err != nil {
				t.Fatalf("handshake: %v", err)
			}
			defer conn.Close()
			st := conn.ConnectionState()
			if st.Version != tt.wantVersion {
				t.Errorf("version %x, want %x", st.Version, tt.wantVersion)
			}
			if st.Version == tls.VersionTLS12 && !strings.Contains(tls.CipherSuiteName(st.CipherSuite), "ECDHE") {
				t.Errorf("TLS 1.2 suite %s", tls.CipherSuiteName(st.CipherSuite))
			}
		})
	}
}

// The TLS 1.0 and 1.1 refusals above come from the server's configuration,
// not from a client that cannot speak them: a server without a minimum
// accepts the same client.
func TestOldVersionsControl(t *testing.T) {
	dc := devCert(t)
	cert, err := tls.LoadX509KeyPair(dc.CertFile, dc.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS10})
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: rootsOf(t, dc.CertFile),
		MinVersion: tls.VersionTLS11, MaxVersion: tls.VersionTLS11})
	if err != nil {
		t.Skipf("this Go's client cannot speak TLS 1.1 at all (%v); the refusal test stands on its own", err)
	}
	conn.Close()
}

func TestServerConfigHTTP2(t *testing.T) {
	dc := devCert(t)
	cfg, _, err := tlsconfig.ServerConfig(tlsconfig.Options{CertFile: dc.CertFile, KeyFile: dc.KeyFile})
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, cfg)
	for _, tt := range []struct {
		name   string
		protos []string
		want   string
	}{
		{"h2 negotiated", []string{"h2", "http/1.1"}, "HTTP/2.0 -"},
		{"http/1.1 client", []string{"http/1.1"}, "HTTP/1.1 -"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := get(addr, &tls.Config{RootCAs: rootsOf(t, dc.CertFile), NextProtos: tt.protos})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func fingerprint(t *testing.T, addr, rootsFile string) string {
	t.Helper()
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: rootsOf(t, rootsFile)})
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	defer conn.Close()
	sum := sha256.Sum256(conn.ConnectionState().PeerCertificates[0].Raw)
	return hex.EncodeToString(sum[:])
}

func TestCertReload(t *testing.T) {
	first, second := devCert(t), devCert(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	install := func(dc tlsconfig.DevCert) {
		for src, dst := range map[string]string{dc.CertFile: certFile, dc.KeyFile: keyFile} {
			b, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	install(first)
	cfg, reloader, err := tlsconfig.ServerConfig(tlsconfig.Options{CertFile: certFile, KeyFile: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, cfg)
	if got := fingerprint(t, addr, first.CertFile); got != first.SHA256 {
		t.Fatalf("serving %s, want the first certificate %s", got, first.SHA256)
	}

	install(second)
	if got := fingerprint(t, addr, first.CertFile); got != first.SHA256 {
		t.Error("new files were served before Reload")
	}
	if err := reloader.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if got := fingerprint(t, addr, second.CertFile); got != second.SHA256 {
		t.Errorf("after Reload serving %s, want the second certificate %s", got, second.SHA256)
	}
	if got := reloader.Certificate().Leaf; got == nil || !got.NotAfter.Equal(second.NotAfter) {
		t.Errorf("Certificate().Leaf = %v, want the second certificate's", got)
	}

	// A renewal that left a broken key keeps the current certificate.
	if err := os.WriteFile(keyFile, []byte("-----BEGIN PRIVATE KEY-----\nbroken\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := reloader.Reload(); err == nil {
		t.Error("Reload of a broken key succeeded")
	}
	if got := fingerprint(t, addr, second.CertFile); got != second.SHA256 {
		t.Errorf("after a failed Reload serving %s, want the second certificate still", got)
	}
	// A key that does not match the certificate is refused too.
	b, _ := os.ReadFile(first.KeyFile)
	os.WriteFile(keyFile, b, 0o600)
	if err := reloader.Reload(); err == nil {
		t.Error("Reload of a mismatched key succeeded")
	}
}

// OTC: AUTH-16 (mTLS alone, or beside other methods)
func TestClientCertificates(t *testing.T) {
	dc := devCert(t)
	ca, otherCA := newCA(t, "clients CA"), newCA(t, "someone else's CA")
	good, foreign := ca.clientCert(t, "agent-7"), otherCA.clientCert(t, "intruder")
	tests := []struct {
		name    string
		mode    tlsconfig.ClientAuth
		cert    *tls.Certificate
		want    string
		wantErr bool
	}{
		{name: "required, no certificate", mode: tlsconfig.ClientAuthRequired, wantErr: true},
		{name: "required, foreign certificate", mode: tlsconfig.ClientAuthRequired, cert: &foreign, wantErr: true},
		{name: "required, valid certificate", mode: tlsconfig.ClientAuthRequired, cert: &good, want: "HTTP/2.0 agent-7"},
		{name: "optional, no certificate", mode: tlsconfig.ClientAuthOptional, want: "HTTP/2.0 -"},
		{name: "optional, foreign certificate", mode: tlsconfig.ClientAuthOptional, cert: &foreign, wantErr: true},
		{name: "optional, valid certificate", mode: tlsconfig.ClientAuthOptional, cert: &good, want: "HTTP/2.0 agent-7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, err := tlsconfig.ServerConfig(tlsconfig.Options{CertFile: dc.CertFile, KeyFile: dc.KeyFile,
				ClientCAFile: ca.pemFile, ClientAuth: tt.mode})
			if err != nil {
				t.Fatal(err)
			}
			addr := serve(t, cfg)
			client := &tls.Config{RootCAs: rootsOf(t, dc.CertFile)}
			if tt.cert != nil {
				// Send the certificate whatever CAs the server names; the
				// client would otherwise keep a foreign one to itself.
				client.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
					return tt.cert, nil
				}
			}
			got, err := get(addr, client)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("request succeeded: %q", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestServerConfigErrors(t *testing.T) {
	dc := devCert(t)
	ca := newCA(t, "ca")
	dir := t.TempDir()
	noCerts := filepath.Join(dir, "empty.pem")
	os.WriteFile(noCerts, []byte("not pem at all"), 0o644)
	badCert := filepath.Join(dir, "bad.pem")
	os.WriteFile(badCert, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 0o644)
	tests := []struct {
		name    string
		opts    tlsconfig.Options
		wantErr string
	}{
		{"no files", tlsconfig.Options{}, "both required"},
		{"no key", tlsconfig.Options{CertFile: dc.CertFile}, "both required"},
		{"missing cert", tlsconfig.Options{CertFile: filepath.Join(dir, "nope.pem"), KeyFile: dc.KeyFile}, "nope.pem"},
		{"key is not a key", tlsconfig.Options{CertFile: dc.CertFile, KeyFile: dc.CertFile}, "load certificate"},
		{"CA without client auth", tlsconfig.Options{CertFile: dc.CertFile, KeyFile: dc.KeyFile, ClientCAFile: ca.pemFile}, "not asked for"},
		{"client auth without CA", tlsconfig.Options{CertFile: dc.CertFile, KeyFile: dc.KeyFile, ClientAuth: tlsconfig.ClientAuthRequired}, "needs a client CA"},
		{"CA file without certificates", tlsconfig.Options{CertFile: dc.CertFile, KeyFile: dc.KeyFile, ClientCAFile: noCerts, ClientAuth: tlsconfig.ClientAuthOptional}, "no PEM certificate"},
		{"CA file with a broken certificate", tlsconfig.Options{CertFile: dc.CertFile, KeyFile: dc.KeyFile, ClientCAFile: badCert, ClientAuth: tlsconfig.ClientAuthOptional}, "certificate 1"},
		{"missing CA file", tlsconfig.Options{CertFile: dc.CertFile, KeyFile: dc.KeyFile, ClientCAFile: filepath.Join(dir, "ca-nope.pem"), ClientAuth: tlsconfig.ClientAuthOptional}, "ca-nope.pem"},
		{"unknown client auth", tlsconfig.Options{CertFile: dc.CertFile, KeyFile: dc.KeyFile, ClientAuth: 7}, "unknown client auth"},
	}
	keyPEM, _ := os.ReadFile(dc.KeyFile)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, err := tlsconfig.ServerConfig(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ServerConfig = %v, %v; want an error saying %q", cfg, err, tt.wantErr)
			}
			if strings.Contains(err.Error(), string(keyPEM[30:60])) {
				t.Errorf("the error quotes the key: %v", err)
			}
		})
	}
}

func TestServerConfigSettings(t *testing.T) {
	dc := devCert(t)
	cfg, _, err := tlsconfig.ServerConfig(tlsconfig.Options{CertFile: dc.CertFile, KeyFile: dc.KeyFile})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MinVersion != tls.VersionTLS12 || !slices.Equal(cfg.NextProtos, []string{"h2", "http/1.1"}) {
		t.Errorf("MinVersion %x, NextProtos %v", cfg.MinVersion, cfg.NextProtos)
	}
	for _, id := range cfg.CipherSuites {
		name := tls.CipherSuiteName(id)
		if !strings.HasPrefix(name, "TLS_ECDHE_") || !(strings.Contains(name, "GCM") || strings.Contains(name, "CHACHA20")) {
			t.Errorf("cipher suite %s is not ECDHE with an AEAD", name)
		}
	}
}

func TestClientAuthString(t *testing.T) {
	for _, tt := range []struct {
		in   tlsconfig.ClientAuth
		want string
	}{
		{tlsconfig.ClientAuthNone, "none"},
		{tlsconfig.ClientAuthOptional, "optional"},
		{tlsconfig.ClientAuthRequired, "required"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}
