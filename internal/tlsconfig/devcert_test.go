package tlsconfig_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc/internal/tlsconfig"
)

func TestGenerateDevCert(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	dc, err := tlsconfig.GenerateDevCert(dir, []string{"otc.test", "192.0.2.5", "LOCALHOST", "::1"}, at)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"localhost", "127.0.0.1", "::1", "otc.test", "192.0.2.5"}, dc.Hosts); diff != "" {
		t.Errorf("hosts (-want +got):\n%s", diff)
	}
	for path, want := range map[string]fs.FileMode{dir: 0o700, dc.KeyFile: 0o600, dc.CertFile: 0o644} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", path, got, want)
		}
	}

	pair, err := tls.LoadX509KeyPair(dc.CertFile, dc.KeyFile)
	if err != nil {
		t.Fatalf("the files do not load as a key pair: %v", err)
	}
	leaf := pair.Leaf
	key, ok := pair.PrivateKey.(*ecdsa.PrivateKey)
	if !ok || key.Curve != elliptic.P256() {
		t.Errorf("key is %T, want ECDSA P-256", pair.PrivateKey)
	}
	if !leaf.NotAfter.Equal(at.Add(90*24*time.Hour)) || !dc.NotAfter.Equal(leaf.NotAfter) || !leaf.NotBefore.Before(at) {
		t.Errorf("valid %v to %v (reported %v), want from before %v for 90 days", leaf.NotBefore, leaf.NotAfter, dc.NotAfter, at)
	}
	if leaf.IsCA {
		t.Error("the certificate can sign others")
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	for _, host := range []string{"localhost", "127.0.0.1", "::1", "otc.test", "192.0.2.5"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: roots, CurrentTime: at}); err != nil {
			t.Errorf("not valid for %s: %v", host, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "example.com", Roots: roots, CurrentTime: at}); err == nil {
		t.Error("valid for example.com")
	}
	if len(dc.SHA256) != 64 {
		t.Errorf("fingerprint %q", dc.SHA256)
	}
}

func TestGenerateDevCertRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	first, err := tlsconfig.GenerateDevCert(dir, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(first.KeyFile)
	_, err = tlsconfig.GenerateDevCert(dir, nil, now)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second GenerateDevCert in one directory: %v, want fs.ErrExist", err)
	}
	after, _ := os.ReadFile(first.KeyFile)
	if string(before) != string(after) {
		t.Error("the existing key was overwritten")
	}
}

func TestGenerateDevCertBadHosts(t *testing.T) {
	for _, host := range []string{"", "bad host", "-lead.example", "under_score.example", "a..b", strings.Repeat("a", 64) + ".example", "http://x"} {
		t.Run(host, func(t *testing.T) {
			dir := t.TempDir()
			_, err := tlsconfig.GenerateDevCert(dir, []string{host}, now)
			var he *tlsconfig.HostError
			if !errors.As(err, &he) {
				t.Fatalf("host %q: %v, want a *HostError", host, err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("files left behind: %v", entries)
			}
		})
	}
}
