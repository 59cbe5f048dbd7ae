package auth

import (
	"fmt"
	"strings"
)

// Method is a server authentication method.
type Method string

// The authentication methods.
const (
	// MethodNone lets every request in (AUTH-2). It cannot be combined.
	MethodNone Method = "none"
	// MethodAPIKey checks a static API key (AUTH-3..7, COMPAT-4, COMPAT-6).
	MethodAPIKey Method = "api_key"
	// MethodJWT checks an HS256 JWT bearer token (AUTH-8..14, AUTHZ-1..4).
	MethodJWT Method = "jwt"
	// MethodMTLS admits the subject of a verified client certificate.
	MethodMTLS Method = "mtls"
)

// ParseMethod parses a method name as written in configuration: surrounding
// spaces are ignored and case does not matter.
func ParseMethod(s string) (Method, error) {
	switch m := Method(strings.ToLower(strings.TrimSpace(s))); m {
	case MethodNone, MethodAPIKey, MethodJWT, MethodMTLS:
		return m, nil
	}
	return "", fmt.Errorf("auth: unknown authentication method %q (want none, api_key, jwt or mtls)", truncate(s, 32))
}

// ParseMethods parses a list of method names (see [ParseMethod]) and checks
// it as [New] would: not empty, no method twice, none alone.
func ParseMethods(names []string) ([]Method, error) {
	methods := make([]Method, 0, len(names))
	for _, n := range names {
		m, err := ParseMethod(n)
		if err != nil {
			return nil, err
		}
		methods = append(methods, m)
	}
	if err := checkMethods(methods); err != nil {
		return nil, err
	}
	return methods, nil
}

func checkMethods(methods []Method) error {
	if len(methods) == 0 {
		// Secure by default: running without authentication must be asked
		// for by name, never be what an empty setting means.
		return fmt.Errorf("auth: no authentication method configured (use %q explicitly to turn authentication off)", MethodNone)
	}
	seen := map[Method]bool{}
	for _, m := range methods {
		switch m {
		case MethodNone, MethodAPIKey, MethodJWT, MethodMTLS:
		default:
			return fmt.Errorf("auth: unknown authentication method %q (want none, api_key, jwt or mtls)", truncate(string(m), 32))
		}
		if seen[m] {
			return fmt.Errorf("auth: method %q is listed twice", m)
		}
		seen[m] = true
	}
	if seen[MethodNone] && len(methods) > 1 {
		return fmt.Errorf("auth: method %q cannot be combined with other methods", MethodNone)
	}
	return nil
}

// truncate shortens configuration text quoted in an error. It is never used
// on keys or secrets, which are never quoted at all.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
