package tlsconfig

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// DevCertValidity is how long a development certificate is valid.
const DevCertValidity = 90 * 24 * time.Hour

// The file names GenerateDevCert writes in its directory.
const (
	DevCertFile = "cert.pem"
	DevKeyFile  = "key.pem"
)

// DevCert describes a generated development certificate.
type DevCert struct {
	// CertFile and KeyFile are the paths written.
	CertFile, KeyFile string
	// Hosts are the names and addresses the certificate is valid for.
	Hosts []string
	// NotAfter is when it expires.
	NotAfter time.Time
	// SHA256 is the hex SHA-256 fingerprint of the certificate, for
	// pinning or checking what a client sees.
	SHA256 string
}

// HostError reports a host given to GenerateDevCert that is neither an IP
// address nor a DNS name.
type HostError struct {
	Host string
}

// Error names the host.
func (e *HostError) Error() string {
	return fmt.Sprintf("tls: host %q is neither an IP address nor a DNS name", e.Host)
}

// defaultDevHosts are always in a development certificate.
var defaultDevHosts = []string{"localhost", "127.0.0.1", "::1"}

// GenerateDevCert writes a self-signed certificate for local development
// into dir (created 0700 if missing): an ECDSA P-256 key in key.pem (mode
// 0600) and a certificate in cert.pem valid for localhost, 127.0.0.1, ::1
// and hosts (names or IP addresses), from an hour before now (clock skew)
// until now + DevCertValidity. Clients trust it by adding cert.pem to their
// trusted roots (curl --cacert cert.pem).
//
// It refuses to overwrite existing files, so that a certificate someone
// already trusts is not replaced by surprise; the error then wraps
// fs.ErrExist.
func GenerateDevCert(dir string, hosts []string, now time.Time) (DevCert, error) {
	names, ips, all, err := devHosts(hosts)
	if err != nil {
		return DevCert{}, err
	}
	out := DevCert{
		CertFile: filepath.Join(dir, DevCertFile),
		KeyFile:  filepath.Join(dir, DevKeyFile),
		Hosts:    all,
		NotAfter: now.Add(DevCertValidity).UTC().Truncate(time.Second),
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return DevCert{}, fmt.Errorf("tls: dev certificate directory: %w", err)
	}
	for _, p := range []string{out.CertFile, out.KeyFile} {
		if _, err := os.Lstat(p); err == nil {
			return DevCert{}, fmt.Errorf("tls: %s already exists; remove it or choose another directory: %w", p, fs.ErrExist)
		}
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return DevCert{}, fmt.Errorf("tls: generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return DevCert{}, fmt.Errorf("tls: generate serial number: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "otc development certificate", Organization: []string{"otc development"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              out.NotAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              names,
		IPAddresses:           ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return DevCert{}, fmt.Errorf("tls: create certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return DevCert{}, fmt.Errorf("tls: encode key: %w", err)
	}
	if err := writeNew(out.KeyFile, 0o600, &pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}); err != nil {
		return DevCert{}, err
	}
	if err := writeNew(out.CertFile, 0o644, &pem.Block{Type: "CERTIFICATE", Bytes: der}); err != nil {
		os.Remove(out.KeyFile) // leave no key without its certificate
		return DevCert{}, err
	}
	sum := sha256.Sum256(der)
	out.SHA256 = hex.EncodeToString(sum[:])
	return out, nil
}

// writeNew writes a PEM block to a file that must not exist yet (O_EXCL,
// so that a file appearing meanwhile is not overwritten either).
func writeNew(path string, perm os.FileMode, block *pem.Block) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("tls: %w", err)
	}
	if err := pem.Encode(f, block); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("tls: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("tls: write %s: %w", path, err)
	}
	return nil
}

// devHosts splits the default hosts and extra ones into DNS names and IP
// addresses, without duplicates, refusing what is neither.
func devHosts(extra []string) (names []string, ips []net.IP, all []string, err error) {
	for _, h := range append(slices.Clone(defaultDevHosts), extra...) {
		h = strings.TrimSpace(h)
		if ip := net.ParseIP(h); ip != nil {
			if v4 := ip.To4(); v4 != nil {
				ip = v4
			}
			if slices.ContainsFunc(ips, ip.Equal) {
				continue
			}
			ips = append(ips, ip)
			all = append(all, ip.String())
			continue
		}
		h = strings.ToLower(strings.TrimSuffix(h, "."))
		if !validDNSName(h) {
			return nil, nil, nil, &HostError{Host: h}
		}
		if slices.Contains(names, h) {
			continue
		}
		names = append(names, h)
		all = append(all, h)
	}
	return names, ips, all, nil
}

// validDNSName accepts host names of letters, digits and hyphens in labels
// of 1 to 63 characters, with an optional leading "*." wildcard.
func validDNSName(s string) bool {
	s = strings.TrimPrefix(s, "*.")
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
