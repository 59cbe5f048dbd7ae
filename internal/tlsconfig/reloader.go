package tlsconfig

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"sync"
	"sync/atomic"
)

// CertReloader holds the server certificate and replaces it on Reload, so a
// renewed certificate is served without dropping connections. Handshakes
// read it without locking. It is safe for concurrent use.
type CertReloader struct {
	certFile, keyFile string
	mu                sync.Mutex // serialises Reload
	cert              atomic.Pointer[tls.Certificate]
}

// NewCertReloader loads the PEM certificate (chain) and private key.
func NewCertReloader(certFile, keyFile string) (*CertReloader, error) {
	c := &CertReloader{certFile: certFile, keyFile: keyFile}
	if err := c.Reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// Reload reads the certificate and key files again. When they do not load
// (missing, mismatched, half-written by a renewal), the certificate served
// so far stays and the error is returned, so a bad renewal cannot take the
// server off the air.
func (c *CertReloader) Reload() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		// The error names the files and the problem, never key material.
		return fmt.Errorf("tls: load certificate %s and key %s: %w", c.certFile, c.keyFile, err)
	}
	if cert.Leaf == nil {
		if cert.Leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return fmt.Errorf("tls: parse certificate %s: %w", c.certFile, err)
		}
	}
	c.cert.Store(&cert)
	return nil
}

// GetCertificate returns the current certificate; it is the
// tls.Config.GetCertificate of ServerConfig.
func (c *CertReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return c.cert.Load(), nil
}

// Certificate returns the current certificate. Its Leaf is set, so callers
// can log the subject and expiry.
func (c *CertReloader) Certificate() *tls.Certificate { return c.cert.Load() }
