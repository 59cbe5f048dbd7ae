package auth_test

// The middleware in front of the real protocol server and the examples
// toolkit: what the attacks reach, what each client sees, and that the
// served document agrees with the authenticator.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/auth"
	"github.com/otc-dev/otc/server"
	"github.com/otc-dev/otc/toolkits/examples"
)

// liveServer is server.New with the examples toolkit behind a.
type liveServer struct {
	*httptest.Server
	a *auth.Authenticator
}

func newLiveServer(t *testing.T, cfg auth.Config) *liveServer {
	t.Helper()
	a := mustNew(t, cfg)
	reg := otc.NewRegistry()
	if err := reg.Register(examples.Tools(examples.Options{InstanceID: "auth-test"})...); err != nil {
		t.Fatal(err)
	}
	var methods []string
	for _, m := range a.Methods() {
		methods = append(methods, string(m))
	}
	srv, err := server.New(server.Options{Registry: reg, Protect: a.Middleware, AuthMethods: methods})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &liveServer{Server: ts, a: a}
}

// do sends one request, with credentials set by creds, and returns the
// status, headers and body.
func (s *liveServer) do(t *testing.T, method, path, body string, creds func(*http.Request)) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if creds != nil {
		creds(r)
	}
	resp, err := s.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

func withKey(key string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("OTC-API-Key", key) }
}

func withToken(tok string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

const counterCall = `{"request":{"tool_id":"Demo.Counter"}}`

// count runs Demo.Counter with a valid key and returns its count.
func (s *liveServer) count(t *testing.T) int64 {
	t.Helper()
	code, _, body := s.do(t, http.MethodPost, "/tools/call", counterCall, withKey(keyAlpha))
	var resp struct {
		Result struct {
			Success bool
			Value   struct{ Count int64 }
		}
	}
	if code != http.StatusOK || json.Unmarshal(body, &resp) != nil || !resp.Result.Success {
		t.Fatalf("Demo.Counter with a valid key: %d %s", code, body)
	}
	return resp.Result.Value.Count
}

// Every attack gets a 401 from the real server on both protected routes,
// and Demo.Counter never runs: its count shows the first run is the
// control's.
func TestIntegrationAttacks(t *testing.T) {
	s := newLiveServer(t, baseConfig())
	list, good := attacks()
	for _, tt := range list {
		t.Run(tt.name, func(t *testing.T) {
			for _, rt := range []struct{ method, path, body string }{
				{http.MethodPost, "/tools/call", counterCall},
				{http.MethodGet, "/tools", ""},
			} {
				code, h, body := s.do(t, rt.method, rt.path, rt.body, tt.req)
				if code != http.StatusUnauthorized {
					t.Fatalf("%s %s: status %d, want 401: %s", rt.method, rt.path, code, body)
				}
				// OTC: AUTHZ-6 — the server's 401 is authentication's.
				if h.Get("Cache-Control") != "no-store" || len(h.Values("WWW-Authenticate")) != 2 {
					t.Errorf("401 headers %v", h)
				}
				if strings.Contains(string(body), good) || strings.Contains(string(body), keyAlpha) {
					t.Error("401 body echoes a credential")
				}
			}
		})
	}
	if n := s.count(t); n != 1 {
		t.Errorf("Demo.Counter count %d after the attacks and one valid call, want 1: an attack ran it", n)
	}
	// The control token of the attacks is admitted.
	if code, _, body := s.do(t, http.MethodPost, "/tools/call", counterCall, withToken(good)); code != http.StatusOK {
		t.Errorf("valid token: %d %s", code, body)
	}
}

// OTC: HEALTH-1 — /health needs no authentication, and neither does the
// served document; garbage credentials do not change that.
func TestIntegrationHealthIsPublic(t *testing.T) {
	s := newLiveServer(t, baseConfig())
	for _, creds := range []func(*http.Request){nil, withKey("wrong"), withToken("garbage.token.here")} {
		for _, path := range []string{"/health", "/openapi.json"} {
			if code, _, body := s.do(t, http.MethodGet, path, "", creds); code != http.StatusOK {
				t.Errorf("GET %s: %d %s", path, code, body)
			}
		}
	}
}

// Each client sees and calls only its tools: API key patterns, audience
// patterns and scope, through the real catalog; a denied call is answered
// like an unknown tool and runs nothing.
func TestIntegrationToolAccess(t *testing.T) {
	s := newLiveServer(t, baseConfig())
	list := func(creds func(*http.Request)) []string {
		code, _, body := s.do(t, http.MethodGet, "/tools", "", creds)
		if code != http.StatusOK {
			t.Fatalf("GET /tools: %d %s", code, body)
		}
		var l struct{ Tools []struct{ ID string } }
		if err := json.Unmarshal(body, &l); err != nil {
			t.Fatal(err)
		}
		kits := map[string]bool{}
		for _, tool := range l.Tools {
			name, _, _ := strings.Cut(tool.ID, "@")
			kits[name] = true
		}
		var out []string
		for k := range kits {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	all := list(withKey(keyAlpha))
	if len(all) < 5 {
		t.Fatalf("the examples toolkit lists only %v", all)
	}
	var calculator []string
	for _, name := range all {
		if strings.HasPrefix(name, "Calculator.") {
			calculator = append(calculator, name)
		}
	}
	tests := []struct {
		name  string
		creds func(*http.Request)
		want  []string
	}{
		{"key with every tool", withKey(keyAlpha), all},
		{"key with Calculator.*", withKey(keyBeta), calculator},
		{"jwt of an audience with patterns", withToken(validToken(`"aud":"ci"`)), append(append([]string{}, calculator...), "Demo.WhoAmI")},
		{"jwt scope narrows", withToken(validToken(`"aud":"agents"`, `"scope":"Demo.WhoAmI Demo.Counter"`)), []string{"Demo.Counter", "Demo.WhoAmI"}},
		{"jwt scope cannot widen", withToken(validToken(`"aud":"ci"`, `"scope":"*"`)), append(append([]string{}, calculator...), "Demo.WhoAmI")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, list(tt.creds)); diff != "" {
				t.Errorf("listed (-want +got):\n%s", diff)
			}
		})
	}

	before := s.count(t)
	deniedCode, _, denied := s.do(t, http.MethodPost, "/tools/call", counterCall, withKey(keyBeta))
	unknownCode, _, unknown := s.do(t, http.MethodPost, "/tools/call", `{"request":{"tool_id":"Demo.Nope"}}`, withKey(keyBeta))
	if deniedCode != http.StatusBadRequest || deniedCode != unknownCode ||
		strings.ReplaceAll(string(denied), "Demo.Counter", "X") != strings.ReplaceAll(string(unknown), "Demo.Nope", "X") {
		t.Errorf("denied %d %s; unknown %d %s", deniedCode, denied, unknownCode, unknown)
	}
	if after := s.count(t); after != before+1 {
		t.Errorf("count went from %d to %d: the denied call ran", before, after)
	}
	// The caller reaches the tool: Demo.Counter ran for alpha above; the
	// allowed call for beta runs too.
	if code, _, body := s.do(t, http.MethodPost, "/tools/call", `{"request":{"tool_id":"Calculator.Add@1.0.0","input":{"a":1,"b":2}}}`, withKey(keyBeta)); code != http.StatusOK {
		t.Errorf("allowed call: %d %s", code, body)
	}
}

// OTC: AUTH-15 — the served /openapi.json declares exactly the
// authenticator's methods, under the names SecuritySchemes gives.
func TestIntegrationOpenAPIAgrees(t *testing.T) {
	for _, methods := range [][]auth.Method{
		{auth.MethodAPIKey}, {auth.MethodJWT}, {auth.MethodAPIKey, auth.MethodJWT}, {auth.MethodAPIKey, auth.MethodJWT, auth.MethodMTLS},
	} {
		cfg := baseConfig()
		cfg.Methods = methods
		s := newLiveServer(t, cfg)
		code, _, body := s.do(t, http.MethodGet, "/openapi.json", "", nil)
		if code != http.StatusOK {
			t.Fatalf("GET /openapi.json: %d", code)
		}
		var doc struct {
			Components struct {
				SecuritySchemes map[string]struct{ Type, In, Name, Scheme string }
			}
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		for name, sc := range s.a.SecuritySchemes() {
			want[name] = sc.Type + "/" + sc.In + "/" + sc.Name + "/" + sc.Scheme
		}
		got := map[string]string{}
		for name, sc := range doc.Components.SecuritySchemes {
			got[name] = sc.Type + "/" + sc.In + "/" + sc.Name + "/" + sc.Scheme
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%v: served schemes (-auth +served):\n%s", methods, diff)
		}
	}
}
