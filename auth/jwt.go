package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// MaxTokenSize is the largest JWT accepted, in bytes; larger ones are
// refused before any decoding (AUTHZ-3).
const MaxTokenSize = 8 << 10

// The only accepted algorithm (AUTH-9, AUTHZ-2).
const algHS256 = "HS256"

// b64 is base64url without padding, refusing non-zero unused bits. The
// alphabet is checked separately because Go's decoders skip CR and LF.
var b64 = base64.RawURLEncoding.Strict()

// token is a JWT whose structure, header and signature were checked.
type token struct {
	claims map[string]json.RawMessage
}

// looksLikeJWT reports whether a Bearer credential has the shape of a JWS
// compact serialization: three dot-separated parts (COMPAT-6).
func looksLikeJWT(s string) bool { return strings.Count(s, ".") == 2 }

// verifyJWT checks a compact JWS: size, strict base64url, a strict header
// naming HS256 and nothing dangerous, and an HMAC-SHA256 signature by one of
// secrets. Only then is the payload parsed, strictly; its claims are checked
// by the caller. Failures never include token bytes.
func verifyJWT(tok string, secrets [][]byte) (*token, *Failure) {
	if len(tok) > MaxTokenSize {
		return nil, fail(MethodJWT, ReasonTooLarge, nil)
	}
	headerB64, rest, _ := strings.Cut(tok, ".")
	payloadB64, sigB64, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(sigB64, ".") {
		return nil, errFailure(MethodJWT, ReasonMalformed, "want three dot-separated parts")
	}
	header, err := decodeSegment(headerB64)
	if err != nil {
		return nil, fail(MethodJWT, ReasonMalformed, fmt.Errorf("header: %w", err))
	}
	payload, err := decodeSegment(payloadB64)
	if err != nil {
		return nil, fail(MethodJWT, ReasonMalformed, fmt.Errorf("payload: %w", err))
	}
	sig, err := decodeSegment(sigB64)
	if err != nil {
		return nil, fail(MethodJWT, ReasonMalformed, fmt.Errorf("signature: %w", err))
	}
	if f := checkHeader(header); f != nil {
		return nil, f
	}
	// golang-jwt's HMAC verification (hmac.Equal) with every configured
	// secret, without stopping at the first match, so the time taken does
	// not say which secret signed.
	signingInput := tok[:len(headerB64)+1+len(payloadB64)]
	verified := false
	for _, secret := range secrets {
		if jwt.SigningMethodHS256.Verify(signingInput, sig, secret) == nil {
			verified = true
		}
	}
	if !verified {
		return nil, fail(MethodJWT, ReasonBadSignature, nil)
	}
	claims, err := decodeObject(payload)
	if err != nil {
		return nil, fail(MethodJWT, ReasonInvalidClaims, fmt.Errorf("payload: %w", err))
	}
	return &token{claims: claims}, nil
}

// decodeSegment decodes one part of a compact JWS: canonical base64url, no
// padding, no characters outside the URL-safe alphabet, and not empty.
func decodeSegment(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return nil, errors.New("not base64url without padding")
		}
	}
	b, err := b64.DecodeString(s)
	if err != nil {
		// Wrong length or non-zero unused bits: a non-canonical encoding.
		return nil, errors.New("not canonical base64url")
	}
	return b, nil
}

// Header parameters that make a verifier fetch keys, trust keys carried by
// the token, or change what is signed. They are refused by name so that the
// reason is clear; any other unknown parameter is refused too.
var dangerousHeaders = map[string]bool{
	"crit": true, "b64": true, "jwk": true, "jku": true, "x5u": true,
	"x5c": true, "x5t": true, "x5t#S256": true, "zip": true, "enc": true, "cty": true,
}

// checkHeader accepts exactly {"alg":"HS256"} plus, optionally, typ "JWT"
// (or "at+jwt") and a string kid. kid is never used to choose or load a key:
// every configured secret is tried, so no kid trick can pick one.
func checkHeader(b []byte) *Failure {
	h, err := decodeObject(b)
	if err != nil {
		return fail(MethodJWT, ReasonMalformed, fmt.Errorf("header: %w", err))
	}
	rawAlg, ok := h["alg"]
	if !ok {
		return errFailure(MethodJWT, ReasonUnsupportedAlg, "header has no alg")
	}
	alg, err := jsonString(rawAlg)
	if err != nil || alg != algHS256 {
		// Exact match: "none", "None", "hs256", HS384, RS256... are all refused.
		return errFailure(MethodJWT, ReasonUnsupportedAlg, "alg is not HS256")
	}
	for name, raw := range h {
		switch name {
		case "alg":
		case "typ":
			typ, err := jsonString(raw)
			if err != nil || !(strings.EqualFold(typ, "JWT") || strings.EqualFold(typ, "at+jwt")) {
				return errFailure(MethodJWT, ReasonUnsupportedHeader, "typ is not JWT")
			}
		case "kid":
			kid, err := jsonString(raw)
			if err != nil || len(kid) > 256 {
				return errFailure(MethodJWT, ReasonUnsupportedHeader, "kid is not a short string")
			}
		default:
			if dangerousHeaders[name] {
				return fail(MethodJWT, ReasonUnsupportedHeader, fmt.Errorf("header parameter %q is not accepted", name))
			}
			return errFailure(MethodJWT, ReasonUnsupportedHeader, "unknown header parameter")
		}
	}
	return nil
}
