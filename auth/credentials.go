package auth

import (
	"crypto/x509"
	"net/http"
	"strings"
)

// The API key headers: OTC-API-Key (AUTH-3) and its OXP alias (COMPAT-4).
const (
	HeaderAPIKey    = "OTC-API-Key"
	HeaderAPIKeyOXP = "OXP-API-Key"
)

// presented are the credentials of a request that count (AUTHZ-5): the API
// key headers when API keys are on, a Bearer Authorization when JWTs or API
// keys are on (COMPAT-6), and a client certificate when mTLS is on. Query
// strings, cookies, form fields and other Authorization schemes never count.
type presented struct {
	apiKey    string
	hasAPIKey bool

	bearer       string
	hasBearer    bool
	bearerMethod Method // MethodJWT or MethodAPIKey

	cert    *x509.Certificate // the verified leaf, nil when not verified
	hasCert bool
}

func (p *presented) none() bool { return !p.hasAPIKey && !p.hasBearer && !p.hasCert }

// extract collects the counted credentials of r. A credential header sent
// more than once (counting OTC-API-Key and OXP-API-Key as one) is a failure:
// which of two values a proxy or a library would pick is not something to
// bet on.
func (a *Authenticator) extract(r *http.Request) (presented, *Failure) {
	var p presented
	var nKey, nAuth int
	var authz string
	// Header names are matched case-insensitively here rather than through
	// the canonical form, so that a Header map built by hand cannot hide a
	// second copy under a non-canonical name.
	for name, values := range r.Header {
		switch {
		case a.apiKeyOn && (strings.EqualFold(name, HeaderAPIKey) || strings.EqualFold(name, HeaderAPIKeyOXP)):
			nKey += len(values)
			if len(values) > 0 {
				p.apiKey = values[0]
			}
		case (a.apiKeyOn || a.jwtOn) && strings.EqualFold(name, "Authorization"):
			nAuth += len(values)
			if len(values) > 0 {
				authz = values[0]
			}
		}
	}
	if nKey > 1 {
		return p, errFailure(MethodAPIKey, ReasonDuplicate, "API key header sent more than once")
	}
	p.hasAPIKey = nKey == 1
	if nAuth > 1 {
		f := errFailure(a.bearerDefault(), ReasonDuplicate, "Authorization header sent more than once")
		f.bearer = true
		return p, f
	}
	if nAuth == 1 {
		token, isBearer, ok := parseBearer(authz)
		if isBearer {
			p.hasBearer = true
			p.bearerMethod = a.bearerMethod(token)
			if !ok {
				f := errFailure(p.bearerMethod, ReasonMalformed, "Authorization: Bearer needs one token of base64url or base64 characters")
				f.bearer = true
				return p, f
			}
			p.bearer = token
		}
	}
	if a.mtlsOn && r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		p.hasCert = true
		if len(r.TLS.VerifiedChains) > 0 && len(r.TLS.VerifiedChains[0]) > 0 {
			p.cert = r.TLS.VerifiedChains[0][0]
		}
	}
	return p, nil
}

// bearerMethod decides which method checks a Bearer token: with both on, a
// token shaped like a JWT is a JWT and anything else an API key (COMPAT-6);
// with one on, that one.
func (a *Authenticator) bearerMethod(token string) Method {
	switch {
	case a.jwtOn && a.apiKeyOn:
		if looksLikeJWT(token) {
			return MethodJWT
		}
		return MethodAPIKey
	case a.jwtOn:
		return MethodJWT
	}
	return MethodAPIKey
}

func (a *Authenticator) bearerDefault() Method {
	if a.jwtOn {
		return MethodJWT
	}
	return MethodAPIKey
}

// parseBearer parses an Authorization value. isBearer reports whether the
// scheme is Bearer (case-insensitive, RFC 9110 §11.1); ok whether a
// well-formed token follows it: "Bearer" 1*SP b64token (RFC 6750 §2.1).
func parseBearer(v string) (token string, isBearer, ok bool) {
	scheme, rest, _ := strings.Cut(v, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", false, false
	}
	token = strings.TrimLeft(rest, " ")
	return token, true, isB64Token(token)
}

// isB64Token reports whether s matches RFC 6750's
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		if !b64TokenChar[body[i]] {
			return false
		}
	}
	return true
}

// b64TokenChar holds the characters of a b64token before its padding. A
// table: every request with a bearer token scans a few hundred of them.
var b64TokenChar = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/'
	}
	return t
}()
