package auth

import "crypto/x509"

// certIdentity names the client of a verified certificate: its subject's
// common name, or the whole subject when it has none. The certificate was
// verified against the client CA by the TLS layer; an unverified one (a
// listener that requests but does not verify certificates) is refused.
// Tool access is not narrowed: every verified client may use every tool.
func certIdentity(cert *x509.Certificate) (*identity, *Failure) {
	if cert == nil {
		return nil, fail(MethodMTLS, ReasonUnverifiedCert, nil)
	}
	name := cert.Subject.CommonName
	if name == "" {
		name = cert.Subject.String()
	}
	if name == "" || checkClaimString(name) != nil {
		return nil, errFailure(MethodMTLS, ReasonUnverifiedCert, "the certificate subject cannot name a client")
	}
	return &identity{method: MethodMTLS, name: name}, nil
}
