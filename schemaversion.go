package otc

import (
	"fmt"
	"strconv"
	"strings"
)

// Protocol version identifiers (SCHEMA-1, COMPAT-3).
const (
	// SchemaOTC is the shorthand a response uses when the request named none.
	SchemaOTC = "otc://1.0"
	// SchemaOXP is the shorthand of the renamed edition.
	SchemaOXP = "urn:oxp:1.0"
	// SchemaOTCURL and SchemaOXPURL are the full OpenAPI document URLs.
	SchemaOTCURL = "https://opentoolcalling.org/openapi/1.0.json"
	SchemaOXPURL = "https://openexecprotocol.org/openapi/1.0.json"
)

// SupportedMajor and SupportedMinor are the newest protocol version served.
const (
	SupportedMajor = 1
	SupportedMinor = 0
)

// NegotiateSchema checks a request's $schema and returns the value the
// response must carry: the same form the request used, at the version served,
// or SchemaOTC when the request gave none (SCHEMA-2, COMPAT-3). A version the
// server does not speak returns an *Error with CodeUnsupportedVersion
// (SCHEMA-3).
func NegotiateSchema(requested string) (string, error) {
	if requested == "" {
		return SchemaOTC, nil
	}
	form, major, minor, ok := parseSchema(requested)
	if !ok {
		return "", &Error{Code: CodeUnsupportedVersion,
			Message:          "The requested protocol version is not supported.",
			DeveloperMessage: fmt.Sprintf("$schema must be %s, %s or an OTC/OXP OpenAPI URL", SchemaOTC, SchemaOXP)}
	}
	if major != SupportedMajor || minor > SupportedMinor {
		return "", &Error{Code: CodeUnsupportedVersion,
			Message:          "The requested protocol version is not supported.",
			DeveloperMessage: fmt.Sprintf("this server speaks protocol %d.%d", SupportedMajor, SupportedMinor)}
	}
	return form, nil
}

// parseSchema recognises "otc://M.m", "urn:oxp:M.m" and the OpenAPI URLs
// ".../openapi/M.m.json" of either name, and returns the canonical form to
// answer with.
func parseSchema(s string) (form string, major, minor int, ok bool) {
	var ver string
	switch {
	case strings.HasPrefix(s, "otc://"):
		ver, form = s[len("otc://"):], SchemaOTC
	case strings.HasPrefix(s, "urn:oxp:"):
		ver, form = s[len("urn:oxp:"):], SchemaOXP
	case strings.HasPrefix(s, "https://opentoolcalling.org/openapi/") && strings.HasSuffix(s, ".json"):
		ver, form = strings.TrimSuffix(s[len("https://opentoolcalling.org/openapi/"):], ".json"), SchemaOTCURL
	case strings.HasPrefix(s, "https://openexecprotocol.org/openapi/") && strings.HasSuffix(s, ".json"):
		ver, form = strings.TrimSuffix(s[len("https://openexecprotocol.org/openapi/"):], ".json"), SchemaOXPURL
	default:
		return "", 0, 0, false
	}
	maj, min, found := strings.Cut(ver, ".")
	if !found {
		return "", 0, 0, false
	}
	// Digits only: strconv.Atoi alone would also take "+1" and "-0".
	if !isSmallNumber(maj) || !isSmallNumber(min) {
		return "", 0, 0, false
	}
	major, _ = strconv.Atoi(maj)
	minor, _ = strconv.Atoi(min)
	return form, major, minor, true
}

// isSmallNumber reports whether s is one to four decimal digits.
func isSmallNumber(s string) bool {
	if s == "" || len(s) > 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
