package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc"
)

type listBodyJSON struct {
	Schema string               `json:"$schema"`
	Tools  []otc.ToolDefinition `json:"tools"`
	Items  []otc.ToolDefinition `json:"items"`
}

func decodeList(t *testing.T, b []byte) listBodyJSON {
	t.Helper()
	var l listBodyJSON
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatalf("list body: %v\n%s", err, b)
	}
	return l
}

func ids(defs []otc.ToolDefinition) []string {
	out := make([]string, len(defs))
	for i, d := range defs {
		out[i] = d.ID
	}
	return out
}

// OTC: LIST-1, COMPAT-1, COMPAT-5
func TestList(t *testing.T) {
	reg := newRegistry(t)
	s := newServer(t, Options{Registry: reg})
	rec := serve(s.Handler(), request{method: "GET", path: "/tools"})
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	checkDocs(t, "GET", "/tools", rec)
	l := decodeList(t, rec.Body.Bytes())
	if l.Schema != otc.SchemaOTC {
		t.Errorf("$schema = %q", l.Schema)
	}
	var want []string
	for _, tool := range reg.Tools() {
		want = append(want, tool.ID())
	}
	if diff := cmp.Diff(want, ids(l.Tools)); diff != "" {
		t.Errorf("tools (-want +got):\n%s", diff)
	}
	// COMPAT-1: the same array under items.
	if diff := cmp.Diff(l.Tools, l.Items); diff != "" {
		t.Errorf("items differ from tools:\n%s", diff)
	}
	// COMPAT-5: input_schema in the OTC form.
	if !bytes.Contains(rec.Body.Bytes(), []byte(`"input_schema":{"parameters":{`)) {
		t.Error(`input_schema is not {"parameters": ...}`)
	}
	// Complete definitions, as the tool gives them.
	if diff := cmp.Diff(reg.Tools()[0].Definition(), l.Tools[0]); diff != "" {
		t.Errorf("first definition (-want +got):\n%s", diff)
	}
}

// OTC: LIST-2
func TestListEmpty(t *testing.T) {
	s := newServer(t, Options{Registry: otc.NewRegistry()})
	rec := serve(s.Handler(), request{method: "GET", path: "/tools"})
	if want := `{"$schema":"otc://1.0","tools":[],"items":[]}` + "\n"; rec.Body.String() != want {
		t.Errorf("body = %s, want %s", rec.Body, want)
	}
	checkDocs(t, "GET", "/tools", rec)
}

// OTC: LIST-3, SCHEMA-3, COMPAT-3
func TestListSchemaBody(t *testing.T) {
	s := newServer(t, Options{})
	tests := []struct {
		name, body, contentType string
		wantStatus              int
		wantSchema              string
	}{
		{"no body", "", "", 200, otc.SchemaOTC},
		{"empty object", `{}`, "application/json", 200, otc.SchemaOTC},
		{"oxp shorthand", `{"$schema":"urn:oxp:1.0"}`, "application/json", 200, otc.SchemaOXP},
		{"oxp url", `{"$schema":"https://openexecprotocol.org/openapi/1.0.json"}`, "application/json", 200, otc.SchemaOXPURL},
		{"no content type", `{"$schema":"otc://1.0"}`, "", 200, otc.SchemaOTC},
		{"white space only", "  \n", "text/plain", 200, otc.SchemaOTC},
		{"unsupported", `{"$schema":"otc://2.0"}`, "application/json", 400, ""},
		{"unknown member", `{"$schema":"otc://1.0","x":1}`, "application/json", 400, ""},
		{"malformed", `{"$schema":`, "application/json", 400, ""},
		{"not JSON content", `{"$schema":"otc://1.0"}`, "text/plain", 415, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "/tools", strings.NewReader(tc.body))
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			rec := recordRequest(s.Handler(), r)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tc.wantStatus, rec.Body)
			}
			checkDocs(t, "GET", "/tools", rec)
			if tc.wantStatus == 200 {
				if got := decodeList(t, rec.Body.Bytes()).Schema; got != tc.wantSchema {
					t.Errorf("$schema = %q, want %q", got, tc.wantSchema)
				}
			}
		})
	}
}

// The catalog is served with a strong ETag, answers If-None-Match with
// 304, is gzipped for clients that accept it, and changes with the
// registry.
func TestListCaching(t *testing.T) {
	reg := newRegistry(t)
	s := newServer(t, Options{Registry: reg})
	get := func(h http.Header) *responseRecorder {
		return serve(s.Handler(), request{method: "GET", path: "/tools", header: h})
	}
	first := get(nil)
	etag := first.Header().Get("ETag")
	if !strings.HasPrefix(etag, `"`) || first.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("ETag %q, Vary %q", etag, first.Header().Get("Vary"))
	}
	if cc := first.Header().Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control = %q", cc)
	}

	for _, inm := range []string{etag, "W/" + etag, `"x", ` + etag, "*"} {
		rec := get(http.Header{"If-None-Match": {inm}})
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag {
			t.Errorf("If-None-Match %s: %d, %d body bytes, ETag %q", inm, rec.Code, rec.Body.Len(), rec.Header().Get("ETag"))
		}
		checkDocs(t, "GET", "/tools", rec)
	}
	if rec := get(http.Header{"If-None-Match": {`"stale"`}}); rec.Code != 200 {
		t.Errorf("stale If-None-Match: %d", rec.Code)
	}

	gz := get(http.Header{"Accept-Encoding": {"br;q=1, gzip;q=0.8"}})
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("ETag") == etag {
		t.Fatalf("gzip: Content-Encoding %q, ETag %q (identity %q)", gz.Header().Get("Content-Encoding"), gz.Header().Get("ETag"), etag)
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(plain, first.Body.Bytes()) {
		t.Errorf("gunzipped body differs from the identity body (%v)", err)
	}
	if rec := get(http.Header{"Accept-Encoding": {"gzip;q=0"}}); rec.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 was answered with gzip")
	}
	if rec := get(http.Header{"Accept-Encoding": {"*"}}); rec.Header().Get("Content-Encoding") != "gzip" {
		t.Error("* was not answered with gzip")
	}
	if rec := get(http.Header{"If-None-Match": {etag}, "Accept-Encoding": {"gzip"}}); rec.Code != 200 {
		t.Errorf("the identity ETag matched the gzip representation: %d", rec.Code)
	}

	extra, err := otc.NewRawTool(otc.ToolSpec{Toolkit: "Late", Name: "Tool", Version: "1.0.0", Description: "Registered later."}, nil, nil,
		func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Register(extra); err != nil {
		t.Fatal(err)
	}
	after := get(http.Header{"If-None-Match": {etag}})
	if after.Code != 200 || after.Header().Get("ETag") == etag || !bytes.Contains(after.Body.Bytes(), []byte("Late.Tool@1.0.0")) {
		t.Errorf("after Register: %d, ETag %q; the new tool listed: %v", after.Code, after.Header().Get("ETag"),
			bytes.Contains(after.Body.Bytes(), []byte("Late.Tool@1.0.0")))
	}
	if rec := serve(s.Handler(), request{method: "HEAD", path: "/tools"}); rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("HEAD /tools: %d with %d body bytes", rec.Code, rec.Body.Len())
	}
}

// A caller with restricted access sees and calls only its tools; a denied
// tool is answered exactly as a tool the server does not have.
func TestCallerFiltering(t *testing.T) {
	onlyCalculator := &otc.Caller{Method: "api_key", Name: "calc-client",
		Allow: func(q string) bool { return strings.HasPrefix(q, "Calculator.") }}
	as := func(c *otc.Caller) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				next.ServeHTTP(w, r.WithContext(otc.WithCaller(r.Context(), c)))
			})
		}
	}
	logger, logs := newLogger()
	s := newServer(t, Options{Protect: as(onlyCalculator), Logger: logger, Now: fixedNow})

	rec := serve(s.Handler(), request{method: "GET", path: "/tools"})
	l := decodeList(t, rec.Body.Bytes())
	want := []string{"Calculator.Add@1.0.0", "Calculator.Add@1.1.0", "Calculator.Add@2.0.0", "Calculator.Divide@1.0.0"}
	if diff := cmp.Diff(want, ids(l.Tools)); diff != "" {
		t.Errorf("listed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, ids(l.Items)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "private, no-cache" {
		t.Errorf("Cache-Control = %q, want private", cc)
	}
	checkDocs(t, "GET", "/tools", rec)
	again := serve(s.Handler(), request{method: "GET", path: "/tools"})
	if again.Header().Get("ETag") != rec.Header().Get("ETag") {
		t.Error("the filtered catalog changed between two requests")
	}

	// The same call to a server that does not have Demo.Counter at all.
	reg := otc.NewRegistry()
	for _, tool := range newRegistry(t).Tools() {
		if tool.QualifiedName() != "Demo.Counter" {
			if err := reg.Register(tool); err != nil {
				t.Fatal(err)
			}
		}
	}
	without := newServer(t, Options{Registry: reg, Now: fixedNow})
	for _, id := range []string{"Demo.Counter", "Demo.Counter@1", "Demo.Counter@9.9.9"} {
		body := `{"request":{"tool_id":"` + id + `"}}`
		denied, unknown := post(s.Handler(), body), post(without.Handler(), body)
		if denied.Code != 400 || denied.Code != unknown.Code || denied.Body.String() != unknown.Body.String() {
			t.Errorf("%s: denied %d %s; unknown %d %s", id, denied.Code, denied.Body, unknown.Code, unknown.Body)
		}
	}
	var sawDenial bool
	for _, line := range logLines(t, logs) {
		if line["outcome"] == OutcomeDenied && line["requested_tool_id"] == "Demo.Counter" && line["caller"] == "calc-client" {
			sawDenial = true
		}
	}
	if !sawDenial {
		t.Errorf("no denial logged:\n%s", logs)
	}
	if rec := post(s.Handler(), `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`); rec.Code != 200 {
		t.Errorf("allowed tool: %d %s", rec.Code, rec.Body)
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		in   []string
		want bool
	}{
		{nil, false},
		{[]string{"gzip"}, true},
		{[]string{"GZIP"}, true},
		{[]string{"deflate, gzip;q=0.5"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.000"}, false},
		{[]string{"*"}, true},
		{[]string{"*;q=0"}, false},
		{[]string{"*", "gzip;q=0"}, false},
		{[]string{"identity"}, false},
		{[]string{"x-gzip"}, true},
	}
	for _, tc := range tests {
		if got := acceptsGzip(tc.in); got != tc.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestETagListed(t *testing.T) {
	tag := `"abc"`
	tests := []struct {
		in   []string
		want bool
	}{
		{nil, false},
		{[]string{`"abc"`}, true},
		{[]string{`W/"abc"`}, true},
		{[]string{`"x", "abc"`}, true},
		{[]string{`"x"`, `"abc"`}, true},
		{[]string{`*`}, true},
		{[]string{`"ab"`}, false},
		{[]string{`abc`}, false},
		{[]string{`"abc`}, false},
		{[]string{`"a,bc"`}, false},
	}
	for _, tc := range tests {
		if got := etagListed(tc.in, tag); got != tc.want {
			t.Errorf("etagListed(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// OTC: DEF-1, DEF-2, DEF-3, DEF-4, DEF-5, DEF-6: every served definition
// is complete and well formed, whatever tool produced it.
func TestListDefinitions(t *testing.T) {
	s := newServer(t, Options{})
	rec := serve(s.Handler(), request{method: "GET", path: "/tools"})
	var body struct {
		Tools []map[string]json.RawMessage `json:"tools"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	idPattern := regexp.MustCompile(`^[A-Za-z0-9_]+\.[A-Za-z0-9_]+@[0-9]+\.[0-9]+\.[0-9]+$`)
	namePattern := regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	seen := map[string]bool{}
	for _, def := range body.Tools {
		var id, name, desc, version string
		_ = json.Unmarshal(def["id"], &id)
		_ = json.Unmarshal(def["name"], &name)
		_ = json.Unmarshal(def["description"], &desc)
		_ = json.Unmarshal(def["version"], &version)
		if !idPattern.MatchString(id) || seen[id] { // DEF-1
			t.Errorf("id %q is malformed or repeated", id)
		}
		seen[id] = true
		if !namePattern.MatchString(name) { // DEF-2
			t.Errorf("%s: name %q", id, name)
		}
		if desc == "" || !strings.HasSuffix(id, "@"+version) { // DEF-3
			t.Errorf("%s: description %q, version %q", id, desc, version)
		}
		var in struct { // DEF-4
			Parameters *struct {
				Properties map[string]map[string]any `json:"properties"`
			} `json:"parameters"`
		}
		if err := json.Unmarshal(def["input_schema"], &in); err != nil || in.Parameters == nil {
			t.Errorf("%s: input_schema %s has no parameters", id, def["input_schema"])
			continue
		}
		for p, sch := range in.Parameters.Properties {
			if d, _ := sch["description"].(string); d == "" {
				t.Errorf("%s: parameter %s has no description", id, p)
			}
		}
		if bytes.Contains(def["input_schema"], []byte(`"$ref"`)) || bytes.Contains(def["input_schema"], []byte(`"$defs"`)) {
			t.Errorf("%s: input_schema has references", id)
		}
		if out, ok := def["output_schema"]; !ok || (string(out) != "null" && out[0] != '{') { // DEF-5
			t.Errorf("%s: output_schema %s", id, out)
		}
		if req, ok := def["requirements"]; ok { // DEF-6
			var r otc.Requirements
			d := json.NewDecoder(bytes.NewReader(req))
			d.DisallowUnknownFields()
			if err := d.Decode(&r); err != nil {
				t.Errorf("%s: requirements %s: %v", id, req, err)
			}
		}
	}
	if len(seen) == 0 {
		t.Fatal("no tools listed")
	}
}
