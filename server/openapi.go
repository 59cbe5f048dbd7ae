package server

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
)

// openAPITemplate is the OpenAPI 3.1 document of this server's API without
// its security, which New adds from Options.AuthMethods. It derives from
// the OTC 1.0 document (MIT, Arcade AI), as its info says.
//
//go:embed openapi.json
var openAPITemplate []byte

// openAPIDoc mirrors the document's top level, in its order, so that the
// served document reads like the embedded one.
type openAPIDoc struct {
	OpenAPI    string                `json:"openapi"`
	Info       json.RawMessage       `json:"info"`
	Security   []map[string][]string `json:"security,omitempty"`
	Paths      json.RawMessage       `json:"paths"`
	Components openAPIComponents     `json:"components"`
}

type openAPIComponents struct {
	SecuritySchemes map[string]any  `json:"securitySchemes,omitempty"`
	Responses       json.RawMessage `json:"responses"`
	Schemas         json.RawMessage `json:"schemas"`
}

type securityScheme struct {
	Type         string `json:"type"`
	Description  string `json:"description,omitempty"`
	Name         string `json:"name,omitempty"`
	In           string `json:"in,omitempty"`
	Scheme       string `json:"scheme,omitempty"`
	BearerFormat string `json:"bearerFormat,omitempty"`
}

// securitySchemes are the OpenAPI schemes of the auth methods, by method.
var securitySchemes = map[string]struct {
	name   string
	scheme securityScheme
}{
	AuthAPIKey: {"apiKey", securityScheme{Type: "apiKey", In: "header", Name: "OTC-API-Key",
		Description: "A static API key (AUTH-3). OXP-API-Key is accepted as the same header (COMPAT-4), " +
			"and so is Authorization: Bearer with a key that is not shaped like a JWT (COMPAT-6)."}},
	AuthJWT: {"bearerAuth", securityScheme{Type: "http", Scheme: "bearer", BearerFormat: "JWT",
		Description: "A JWT signed with HS256 and the shared secret, with exp at most 15 minutes ahead (AUTH-8..14)."}},
	AuthMTLS: {"mutualTLS", securityScheme{Type: "mutualTLS",
		Description: "A TLS client certificate signed by a trusted client CA."}},
}

// buildOpenAPI returns the served document: the template with exactly the
// security schemes of methods (AUTH-15), any one of which admits a
// request ("none" among them: so does no credential at all). /health and
// /openapi.json keep their own empty requirement.
func buildOpenAPI(methods []string, schemes map[string]any) (*representation, error) {
	var doc openAPIDoc
	d := json.NewDecoder(bytes.NewReader(openAPITemplate))
	d.DisallowUnknownFields()
	if err := d.Decode(&doc); err != nil {
		return nil, fmt.Errorf("server: embedded openapi.json: %w", err)
	}
	var names []string // one requirement per scheme: any one admits
	if schemes == nil {
		schemes = map[string]any{}
		for _, m := range methods {
			if m == AuthNone {
				continue
			}
			s, ok := securitySchemes[m]
			if !ok {
				return nil, fmt.Errorf("server: no OpenAPI security scheme for auth method %q", m)
			}
			schemes[s.name] = s.scheme
			names = append(names, s.name) // in the order of the methods
		}
	} else {
		names = slices.Sorted(maps.Keys(schemes))
	}
	if len(names) > 0 {
		doc.Components.SecuritySchemes = schemes
	}
	for _, name := range names {
		doc.Security = append(doc.Security, map[string][]string{name: {}})
	}
	anonymous := slices.Contains(methods, AuthNone)
	if anonymous && len(doc.Security) > 0 {
		// The empty requirement: a request without credentials is admitted.
		doc.Security = append(doc.Security, map[string][]string{})
	}
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("server: marshal openapi.json: %w", err)
	}
	return newRepresentation(append(body, '\n'), "application/json"), nil
}

// handleOpenAPI serves GET /openapi.json, built once by New.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request, x *exchange) error {
	s.openapi.serve(w, r, "no-cache")
	return nil
}
