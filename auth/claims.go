package auth

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// maxClaimString bounds sub, jti, iss and each aud value; they end up in
// logs and keys of the replay cache.
const maxClaimString = 256

// verifiedClaims are the claims of a token this server accepts.
type verifiedClaims struct {
	// exp, nbf and iat are the NumericDates the time rules read; nbf and
	// iat are -1 when absent.
	exp, nbf, iat int64
	subject       string
	audience      []string
	jti           string
	// scope narrows the client's tools; nil when the token has no scope.
	scope *toolSet
}

// timeRules are the time checks of AUTHZ-4.
type timeRules struct {
	now    time.Time
	leeway time.Duration
	maxTTL time.Duration
}

// checkClaims decodes and checks a verified token's registered claims.
// Unregistered claims are ignored; registered ones must have their type.
func checkClaims(c map[string]json.RawMessage, tr timeRules) (*verifiedClaims, *Failure) {
	invalid := func(claim string, err error) *Failure {
		return fail(MethodJWT, ReasonInvalidClaims, fmt.Errorf("claim %s: %w", claim, err))
	}
	var vc verifiedClaims

	// exp is required (AUTH-11); nbf and iat are checked when present.
	rawExp, ok := c["exp"]
	if !ok {
		return nil, fail(MethodJWT, ReasonMissingExp, nil)
	}
	exp, err := numericDate(rawExp)
	if err != nil {
		return nil, invalid("exp", err)
	}
	var nbf, iat int64 = -1, -1
	if raw, ok := c["nbf"]; ok {
		if nbf, err = numericDate(raw); err != nil {
			return nil, invalid("nbf", err)
		}
	}
	if raw, ok := c["iat"]; ok {
		if iat, err = numericDate(raw); err != nil {
			return nil, invalid("iat", err)
		}
	}
	for _, name := range []string{"sub", "jti", "iss"} {
		raw, ok := c[name]
		if !ok {
			continue
		}
		s, err := jsonString(raw)
		if err != nil {
			return nil, invalid(name, err)
		}
		if err := checkClaimString(s); err != nil {
			return nil, invalid(name, err)
		}
		switch name {
		case "sub":
			vc.subject = s
		case "jti":
			if s == "" {
				return nil, invalid(name, fmt.Errorf("empty"))
			}
			vc.jti = s
		}
	}
	if raw, ok := c["aud"]; ok {
		aud, err := decodeAudience(raw)
		if err != nil {
			// AUTHZ-1: an empty string or array, or another type, is a 401.
			return nil, fail(MethodJWT, ReasonAudience, fmt.Errorf("claim aud: %w", err))
		}
		vc.audience = aud
	}
	if raw, ok := c["scope"]; ok {
		s, err := jsonString(raw)
		if err != nil {
			return nil, invalid("scope", err)
		}
		if vc.scope, err = compileScope(s); err != nil {
			return nil, invalid("scope", err)
		}
	}

	if f := checkTimes(exp, nbf, iat, tr); f != nil {
		return nil, f
	}
	vc.exp, vc.nbf, vc.iat = exp, nbf, iat
	return &vc, nil
}

// checkTimes applies the time rules of AUTHZ-4 to a token's exp, nbf and
// iat (Unix seconds; -1 for an absent nbf or iat). It runs on every use of
// a token, cached or not, because it depends on the clock.
func checkTimes(exp, nbf, iat int64, tr timeRules) *Failure {
	// In Unix seconds: the claims are whole seconds.
	now := tr.now.Unix()
	leeway := int64(tr.leeway / time.Second)
	switch {
	case now >= exp+leeway:
		return fail(MethodJWT, ReasonExpired, nil)
	case exp > now+int64(tr.maxTTL/time.Second)+leeway:
		return fail(MethodJWT, ReasonLifetimeTooLong, nil)
	case nbf > now+leeway:
		return errFailure(MethodJWT, ReasonNotYetValid, "nbf lies in the future")
	case iat > now+leeway:
		return errFailure(MethodJWT, ReasonNotYetValid, "iat lies in the future")
	}
	return nil
}

// decodeAudience decodes aud: a non-empty string, or a non-empty array of
// non-empty strings (AUTHZ-1).
func decodeAudience(raw json.RawMessage) ([]string, error) {
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, fmt.Errorf("not an array")
		}
		if len(items) == 0 {
			return nil, fmt.Errorf("empty array")
		}
		aud := make([]string, 0, len(items))
		for _, item := range items {
			s, err := jsonString(item)
			if err != nil {
				return nil, fmt.Errorf("array holds a value that is not a string")
			}
			if s == "" || checkClaimString(s) != nil {
				return nil, fmt.Errorf("array holds an empty or invalid string")
			}
			aud = append(aud, s)
		}
		return aud, nil
	}
	s, err := jsonString(raw)
	if err != nil {
		return nil, fmt.Errorf("neither a string nor an array of strings")
	}
	if s == "" || checkClaimString(s) != nil {
		return nil, fmt.Errorf("empty or invalid string")
	}
	return []string{s}, nil
}

// checkClaimString refuses long strings and control characters in claims
// that reach logs.
func checkClaimString(s string) error {
	if len(s) > maxClaimString {
		return fmt.Errorf("longer than %d bytes", maxClaimString)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("holds a control character")
		}
	}
	return nil
}

// compileScope turns a scope claim, space-separated tool patterns (RFC 8693
// §4.2 style), into the set it narrows the client to. An empty scope allows
// no tool: a scope can only narrow.
func compileScope(s string) (*toolSet, error) {
	parts := strings.Split(s, " ")
	patterns := parts[:0]
	for _, p := range parts {
		if p != "" {
			patterns = append(patterns, p)
		}
	}
	if len(patterns) == 0 {
		return &toolSet{}, nil
	}
	return compileTools(patterns)
}
