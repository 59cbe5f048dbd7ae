package auth

import "fmt"

// Realm is the realm of every challenge this package sends.
const Realm = "otc"

// Challenges returns the WWW-Authenticate challenge of each accepted
// method, in configuration order, as a 401 carries them (AUTHZ-6): RFC 6750
// Bearer for jwt, an APIKey challenge naming the header for api_key, and a
// MutualTLS challenge for mtls (HTTP has no standard one; RFC 9110 wants a
// challenge in every 401). It is empty for MethodNone. Documentation and
// the served OpenAPI document can be tested against it (AUTH-15).
func (a *Authenticator) Challenges() []string {
	out := make([]string, 0, len(a.methods))
	for _, m := range a.methods {
		if c := challenge(m); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func challenge(m Method) string {
	switch m {
	case MethodAPIKey:
		return `APIKey realm="` + Realm + `", header="` + HeaderAPIKey + `"`
	case MethodJWT:
		return `Bearer realm="` + Realm + `"`
	case MethodMTLS:
		return `MutualTLS realm="` + Realm + `"`
	}
	return ""
}

// SecurityScheme is an OpenAPI 3.1 Security Scheme Object.
type SecurityScheme struct {
	Type         string `json:"type"`
	Description  string `json:"description,omitempty"`
	Name         string `json:"name,omitempty"`
	In           string `json:"in,omitempty"`
	Scheme       string `json:"scheme,omitempty"`
	BearerFormat string `json:"bearerFormat,omitempty"`
}

// SecuritySchemes returns the OpenAPI security schemes of exactly the
// accepted methods, by scheme name, for the served /openapi.json (AUTH-15).
// Any one of them suffices, so each goes in its own security requirement.
// It is empty for MethodNone.
func (a *Authenticator) SecuritySchemes() map[string]SecurityScheme {
	out := map[string]SecurityScheme{}
	for _, m := range a.methods {
		switch m {
		case MethodAPIKey:
			out["apiKey"] = SecurityScheme{Type: "apiKey", In: "header", Name: HeaderAPIKey,
				Description: "A static API key (OTC-API-Key; OXP-API-Key and Authorization: Bearer <key> are accepted too)."}
		case MethodJWT:
			out["bearerAuth"] = SecurityScheme{Type: "http", Scheme: "bearer", BearerFormat: "JWT",
				Description: fmt.Sprintf("An HS256 JWT signed with the shared secret, with an exp claim at most %s ahead.", a.maxTTL)}
		case MethodMTLS:
			out["mutualTLS"] = SecurityScheme{Type: "mutualTLS",
				Description: "A client certificate issued by the server's client CA."}
		}
	}
	return out
}
