// Package tlsconfig builds the server's TLS configuration: TLS 1.2 and
// later with modern AEAD cipher suites, HTTP/2, a certificate that can be
// reloaded without a restart (SIGHUP), and client certificates for mTLS.
// It also generates self-signed development certificates for
// "otc cert dev". API keys travel only over TLS (AUTH-5).
package tlsconfig

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
)

// ClientAuth says whether the server asks clients for a certificate.
type ClientAuth int

const (
	// ClientAuthNone asks for no client certificate.
	ClientAuthNone ClientAuth = iota
	// ClientAuthOptional asks for one and verifies it when given, for mTLS
	// as one authentication method among others (--auth mtls,api_key).
	ClientAuthOptional
	// ClientAuthRequired refuses the handshake without a valid one.
	ClientAuthRequired
)

// String returns "none", "optional" or "required".
func (c ClientAuth) String() string {
	switch c {
	case ClientAuthOptional:
		return "optional"
	case ClientAuthRequired:
		return "required"
	}
	return "none"
}

// Options configures ServerConfig.
type Options struct {
	// CertFile and KeyFile are the PEM certificate (chain) and private key
	// files. Both are required.
	CertFile, KeyFile string
	// ClientCAFile is a PEM file of the CA certificates that client
	// certificates must chain to. Required when ClientAuth is not
	// ClientAuthNone, and refused otherwise, so that a CA given by mistake
	// does not look like mTLS that is on.
	ClientCAFile string
	// ClientAuth says whether client certificates are asked for. The zero
	// value is ClientAuthNone.
	ClientAuth ClientAuth
}

// cipherSuites are the TLS 1.2 suites offered: ECDHE key exchange (forward
// secrecy) with AEAD ciphers only. TLS 1.3 suites are not configurable in
// Go and are all of this kind.
var cipherSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// ServerConfig returns the server's TLS configuration and the CertReloader
// that serves its certificate; call the reloader's Reload on SIGHUP to pick
// up a renewed certificate. The configuration allows TLS 1.2 and 1.3,
// offers h2 and http/1.1 through ALPN, and verifies client certificates
// against ClientCAFile as ClientAuth says. The client CA is read once: a new
// CA takes a restart.
func ServerConfig(opts Options) (*tls.Config, *CertReloader, error) {
	if opts.CertFile == "" || opts.KeyFile == "" {
		return nil, nil, errors.New("tls: a certificate file and a key file are both required")
	}
	cfg := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		CipherSuites: cipherSuites,
		NextProtos:   []string{"h2", "http/1.1"},
	}
	switch opts.ClientAuth {
	case ClientAuthNone:
		if opts.ClientCAFile != "" {
			return nil, nil, errors.New("tls: a client CA file is given but client certificates are not asked for (client auth none)")
		}
	case ClientAuthOptional, ClientAuthRequired:
		if opts.ClientCAFile == "" {
			return nil, nil, fmt.Errorf("tls: client auth %s needs a client CA file", opts.ClientAuth)
		}
		pool, err := loadCAs(opts.ClientCAFile)
		if err != nil {
			return nil, nil, err
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
		if opts.ClientAuth == ClientAuthRequired {
			cfg.ClientAuth = tls.RequireAndVerifyClientCert
		}
	default:
		return nil, nil, fmt.Errorf("tls: unknown client auth %d", opts.ClientAuth)
	}
	reloader, err := NewCertReloader(opts.CertFile, opts.KeyFile)
	if err != nil {
		return nil, nil, err
	}
	cfg.GetCertificate = reloader.GetCertificate
	return cfg, reloader, nil
}

// loadCAs reads every CERTIFICATE block of a PEM file. Unlike
// x509.CertPool.AppendCertsFromPEM, it says what is wrong: a file without
// certificates, or one that does not parse.
func loadCAs(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tls: client CA file: %w", err)
	}
	pool := x509.NewCertPool()
	n := 0
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		if block.Type != "CERTIFICATE" {
			continue
		}
		n++
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("tls: client CA file %s: certificate %d: %w", path, n, err)
		}
		pool.AddCert(c)
	}
	if n == 0 {
		return nil, fmt.Errorf("tls: client CA file %s holds no PEM certificate", path)
	}
	return pool, nil
}
