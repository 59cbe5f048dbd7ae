package auth

import (
	"errors"
)

// Reason is a short word saying why authentication refused a request. It is
// what logs, metrics, the audit log and the failed-authentication limiter see
// (reqinfo.Info.AuthFailure), and it never carries request data.
type Reason string

// The reasons for a refusal.
const (
	ReasonMissing           Reason = "missing"              // no credential that counts (AUTHZ-5)
	ReasonDuplicate         Reason = "duplicate"            // a credential header sent twice (AUTHZ-5)
	ReasonMalformed         Reason = "malformed"            // not a well-formed credential (AUTHZ-3)
	ReasonTooLarge          Reason = "too_large"            // a token over MaxTokenSize (AUTHZ-3)
	ReasonUnsupportedAlg    Reason = "unsupported_alg"      // alg other than HS256 (AUTHZ-2)
	ReasonUnsupportedHeader Reason = "unsupported_header"   // crit, b64, jwk, jku, x5u, ... (AUTHZ-2)
	ReasonBadSignature      Reason = "bad_signature"        // no configured secret verifies it (AUTH-10)
	ReasonInvalidClaims     Reason = "invalid_claims"       // claims not decodable strictly (AUTHZ-3)
	ReasonMissingExp        Reason = "missing_exp"          // no exp claim (AUTH-11)
	ReasonExpired           Reason = "expired"              // exp passed beyond the leeway (AUTH-12)
	ReasonNotYetValid       Reason = "not_yet_valid"        // nbf or iat in the future (AUTHZ-4)
	ReasonLifetimeTooLong   Reason = "lifetime_too_long"    // exp beyond the maximum lifetime (AUTH-14)
	ReasonAudience          Reason = "audience_not_allowed" // aud not in the allowed list (AUTH-13)
	ReasonMissingJTI        Reason = "missing_jti"          // RequireJTI and no jti
	ReasonReplayed          Reason = "replayed"             // the jti was seen before
	ReasonUnknownKey        Reason = "unknown_key"          // API key matches no stored key (AUTH-6)
	ReasonInsecureTransport Reason = "insecure_transport"   // API key over plain HTTP (AUTH-5)
	ReasonUnverifiedCert    Reason = "unverified_certificate"
)

// description is the developer_message of each reason: fixed text, so that
// no request data or stored value can reach the response (AUTHZ-6).
var description = map[Reason]string{
	ReasonMissing:           "No credential was presented.",
	ReasonDuplicate:         "A credential header was sent more than once.",
	ReasonMalformed:         "The credential is malformed.",
	ReasonTooLarge:          "The token is larger than the server accepts.",
	ReasonUnsupportedAlg:    "The token's algorithm is not accepted; only HS256 is.",
	ReasonUnsupportedHeader: "The token carries a header parameter that is not accepted.",
	ReasonBadSignature:      "The token's signature is not valid.",
	ReasonInvalidClaims:     "The token's claims are not valid.",
	ReasonMissingExp:        "The token has no exp claim.",
	ReasonExpired:           "The token has expired.",
	ReasonNotYetValid:       "The token is not valid yet (nbf or iat lies in the future).",
	ReasonLifetimeTooLong:   "The token's expiry lies further ahead than the server's maximum token lifetime.",
	ReasonAudience:          "The token's audience is not allowed.",
	ReasonMissingJTI:        "The token has no jti claim, which this server requires.",
	ReasonReplayed:          "The token was already used.",
	ReasonUnknownKey:        "The API key is not valid.",
	ReasonInsecureTransport: "API keys are accepted only over HTTPS.",
	ReasonUnverifiedCert:    "The client certificate was not verified.",
}

// Failure is the error of a refused authentication. Use errors.As to get it
// from the error [Authenticator.Authenticate] returns. Its text and fields
// describe the kind of failure only, never the credential (AUTHZ-6).
type Failure struct {
	// Method is the method whose credential failed, or empty when no
	// credential was presented at all.
	Method Method
	// Reason says why.
	Reason Reason
	// Err is a more precise cause for logs and errors.Is, if any. It never
	// holds credential bytes.
	Err error

	// bearer records that the request presented a Bearer token, so that
	// the Bearer challenge carries error="invalid_token" (RFC 6750 §3).
	bearer bool
}

// Error returns the method, the reason and its description.
func (f *Failure) Error() string {
	s := "auth: "
	if f.Method != "" {
		s += string(f.Method) + ": "
	}
	s += string(f.Reason) + ": " + f.Description()
	if f.Err != nil {
		s += " (" + f.Err.Error() + ")"
	}
	return s
}

// Unwrap returns the cause.
func (f *Failure) Unwrap() error { return f.Err }

// Description returns the fixed, human-readable text of f's reason.
func (f *Failure) Description() string {
	if d, ok := description[f.Reason]; ok {
		return d
	}
	return "Authentication failed."
}

func fail(m Method, r Reason, cause error) *Failure {
	return &Failure{Method: m, Reason: r, Err: cause}
}

// errFailure is a Failure for a precise cause written as constant text.
func errFailure(m Method, r Reason, msg string) *Failure {
	return fail(m, r, errors.New(msg))
}
