package app

// AUTH-15: the server documents the authentication methods it supports, in
// three places that must agree: the served /openapi.json, the challenges
// of a 401, and the README.

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc/auth"
	"github.com/otc-dev/otc/internal/config"
)

// allMethods are the values of --auth.
var allMethods = []string{config.MethodNone, config.MethodAPIKey, config.MethodJWT, config.MethodMTLS}

// openAPISecurity is the part of the served document that declares
// authentication.
type openAPISecurity struct {
	Security   []map[string][]string `json:"security"`
	Components struct {
		SecuritySchemes map[string]struct {
			Type         string `json:"type"`
			In           string `json:"in"`
			Name         string `json:"name"`
			Scheme       string `json:"scheme"`
			BearerFormat string `json:"bearerFormat"`
		} `json:"securitySchemes"`
	} `json:"components"`
}

// documentedMethods returns the methods the document's security schemes
// describe, by what each scheme is rather than by its name, sorted; and
// fails the test on a scheme that is none of them, or that is not among
// the document's security requirements.
func documentedMethods(t *testing.T, body []byte) []string {
	t.Helper()
	var doc openAPISecurity
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("/openapi.json: %v", err)
	}
	required := map[string]bool{}
	for _, req := range doc.Security {
		for name := range req {
			required[name] = true
		}
	}
	methods := []string{}
	for name, s := range doc.Components.SecuritySchemes {
		switch {
		case s.Type == "apiKey" && s.In == "header" && s.Name == auth.HeaderAPIKey:
			methods = append(methods, config.MethodAPIKey)
		case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer") && s.BearerFormat == "JWT":
			methods = append(methods, config.MethodJWT)
		case s.Type == "mutualTLS":
			methods = append(methods, config.MethodMTLS)
		default:
			t.Errorf("security scheme %q (%+v) describes no method of this server", name, s)
		}
		if !required[name] {
			t.Errorf("security scheme %q is declared but no security requirement uses it", name)
		}
	}
	for name := range required {
		if _, ok := doc.Components.SecuritySchemes[name]; !ok {
			t.Errorf("security requirement %q names no declared scheme", name)
		}
	}
	slices.Sort(methods)
	return methods
}

// challengedMethods returns the methods that WWW-Authenticate challenges
// name, sorted.
func challengedMethods(t *testing.T, challenges []string) []string {
	t.Helper()
	methods := []string{}
	for _, c := range challenges {
		scheme, _, _ := strings.Cut(c, " ")
		switch scheme {
		case "APIKey":
			methods = append(methods, config.MethodAPIKey)
		case "Bearer":
			methods = append(methods, config.MethodJWT)
		case "MutualTLS":
			methods = append(methods, config.MethodMTLS)
		default:
			t.Errorf("challenge %q names no method of this server", c)
		}
	}
	slices.Sort(methods)
	return methods
}

// OTC: AUTH-15, AUTH-16, AUTH-2 — for each set of methods, /openapi.json
// declares exactly the enabled ones, a 401 challenges exactly the same
// ones, and the README describes each challenge the server sends.
func TestAuthMethodsDocumented(t *testing.T) {
	t.Parallel()
	readme := readmeAuthSection(t)
	certFile, keyFile, roots := devCert(t)
	caDir := t.TempDir()
	caFile := writeFile(t, caDir, "client-ca.pem", string(newTestCA(t, "otc test client CA").pem))

	tests := []struct {
		name    string
		methods []string // sorted
	}{
		{"none", []string{config.MethodNone}},
		{"api_key", []string{config.MethodAPIKey}},
		{"jwt", []string{config.MethodJWT}},
		{"api_key,jwt", []string{config.MethodAPIKey, config.MethodJWT}},
		{"api_key,jwt,mtls", []string{config.MethodAPIKey, config.MethodJWT, config.MethodMTLS}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := []string{"--auth", tt.name}
			if slices.Contains(tt.methods, config.MethodMTLS) {
				args = append(args, "--tls-cert", certFile, "--tls-key", keyFile, "--tls-client-ca", caFile)
			}
			s := startServer(t, serveOptions{args: args})
			if s.cfg.TLSCert != "" {
				s.client = tlsClient(roots)
			}

			want := slices.DeleteFunc(slices.Clone(tt.methods), func(m string) bool { return m == config.MethodNone })
			doc := s.do(t, http.MethodGet, "/openapi.json", "")
			if doc.status != http.StatusOK {
				t.Fatalf("GET /openapi.json: status %d", doc.status)
			}
			if diff := cmp.Diff(want, documentedMethods(t, doc.body)); diff != "" {
				t.Errorf("methods in /openapi.json (-enabled +documented):\n%s", diff)
			}

			// A request without credentials, and one with garbage in
			// Authorization, which only "none" ignores (AUTH-2).
			for _, header := range [][]string{nil, {"Authorization", "Garbage !!"}} {
				r := s.do(t, http.MethodGet, "/tools", "", header...)
				challenges := r.header.Values("WWW-Authenticate")
				if slices.Equal(tt.methods, []string{config.MethodNone}) {
					if r.status != http.StatusOK || len(challenges) > 0 {
						t.Errorf("GET /tools %q without authentication: status %d, challenges %q; want 200 and none", header, r.status, challenges)
					}
					continue
				}
				if r.status != http.StatusUnauthorized {
					t.Fatalf("GET /tools %q: status %d, want 401", header, r.status)
				}
				if diff := cmp.Diff(want, challengedMethods(t, challenges)); diff != "" {
					t.Errorf("methods challenged by a 401 (-enabled +challenged):\n%s", diff)
				}
				for _, c := range challenges {
					if !strings.Contains(readme, "`"+c+"`") {
						t.Errorf("the README's Authentication section does not show the challenge `%s`", c)
					}
				}
			}
		})
	}
}

// OTC: AUTH-15 — the README's Authentication section has a table row for
// every method of --auth, naming what the client sends, and none for a
// method that does not exist.
func TestReadmeDocumentsAuthMethods(t *testing.T) {
	t.Parallel()
	section := readmeAuthSection(t)
	// What each method's row must name: the header the credential travels
	// in, or what takes its place.
	sends := map[string][]string{
		config.MethodNone:   {"nothing"},
		config.MethodAPIKey: {auth.HeaderAPIKey},
		config.MethodJWT:    {"Authorization: Bearer"},
		config.MethodMTLS:   {"certificate", "--tls-client-ca"},
	}
	rows := map[string]string{}
	for _, line := range strings.Split(section, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			continue
		}
		for _, cell := range strings.Split(strings.Trim(line, "|"), "|") {
			cell = strings.TrimSpace(cell)
			name, ok := strings.CutPrefix(cell, "`")
			if !ok || !strings.HasSuffix(name, "`") || strings.Contains(name[:len(name)-1], "`") {
				continue
			}
			name = strings.TrimSuffix(name, "`")
			if _, err := auth.ParseMethod(name); err != nil {
				continue // other code in the row
			}
			if _, dup := rows[name]; dup {
				t.Errorf("method %q has two rows", name)
			}
			rows[name] = line
			break
		}
	}
	for _, m := range allMethods {
		if _, err := auth.ParseMethod(m); err != nil {
			t.Fatalf("--auth %s is not a method of package auth: %v", m, err)
		}
		row, ok := rows[m]
		if !ok {
			t.Errorf("the README's Authentication table has no row for `%s`", m)
			continue
		}
		for _, s := range sends[m] {
			if !strings.Contains(row, s) {
				t.Errorf("the README's row for `%s` does not name %q: %s", m, s, row)
			}
		}
	}
	for name := range rows {
		if !slices.Contains(allMethods, name) {
			t.Errorf("the README documents `%s`, which --auth does not accept", name)
		}
	}
}

// readmeAuthSection returns the "## Authentication" section of the
// repository's README.
func readmeAuthSection(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatalf("README: %v", err)
	}
	_, rest, ok := strings.Cut("\n"+string(b), "\n## Authentication\n")
	if !ok {
		t.Fatal(`the README has no "## Authentication" section (AUTH-15)`)
	}
	if i := strings.Index(rest, "\n## "); i >= 0 {
		rest = rest[:i]
	}
	return rest
}
