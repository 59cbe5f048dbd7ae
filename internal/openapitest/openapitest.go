// Package openapitest checks HTTP responses against the response schemas
// of an OpenAPI 3.1 document, in tests. Schemas are compiled with
// santhosh-tekuri/jsonschema as JSON Schema draft 2020-12 (the dialect of
// OpenAPI 3.1), with the whole document loaded as one resource so that
// "#/components/..." references resolve, and with no loader for anything
// outside it.
//
// Known defects of the OTC 1.0 document are read as they are meant
// (OTC-1.0.md, "Known defects"): CallToolResponse's additionalProperties
// false is read as unevaluatedProperties false, without which every
// response carrying value or error would fail.
package openapitest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// docURL is the location the document is loaded at; it is never fetched.
const docURL = "https://openapitest.invalid/openapi.json"

// Doc is a loaded OpenAPI document.
type Doc struct {
	name     string
	root     map[string]any
	compiler *jsonschema.Compiler

	mu      sync.Mutex
	schemas map[string]*jsonschema.Schema
}

// Load reads the OpenAPI document at path. A missing file skips the test,
// so that a checkout without the shared spec folder still runs the rest;
// any other problem fails it.
func Load(t testing.TB, path string) *Doc {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("openapitest: %s is missing; skipping the checks against it", path)
	}
	if err != nil {
		t.Fatalf("openapitest: %v", err)
	}
	return Parse(t, path, data)
}

// Parse loads an OpenAPI document from data; name labels failures.
func Parse(t testing.TB, name string, data []byte) *Doc {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("openapitest: %s: %v", name, err)
	}
	root, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("openapitest: %s is not a JSON object", name)
	}
	fixKnownDefects(root)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseLoader(noLoader{})
	if err := c.AddResource(docURL, root); err != nil {
		t.Fatalf("openapitest: %s: %v", name, err)
	}
	return &Doc{name: name, root: root, compiler: c, schemas: map[string]*jsonschema.Schema{}}
}

// fixKnownDefects rewrites CallToolResponse's additionalProperties: false
// as unevaluatedProperties: false, which is what it means: value and error
// are declared inside its oneOf, where additionalProperties cannot see them.
func fixKnownDefects(root map[string]any) {
	comps, _ := root["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	ctr, _ := schemas["CallToolResponse"].(map[string]any)
	if ctr == nil {
		return
	}
	if ap, ok := ctr["additionalProperties"].(bool); ok && !ap {
		delete(ctr, "additionalProperties")
		ctr["unevaluatedProperties"] = false
	}
}

type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("openapitest: refusing to load %s: only the document itself is available", url)
}

// Documents reports whether the document describes responses with status
// to method on path (exactly, as "4XX", or as "default").
func (d *Doc) Documents(method, path string, status int) bool {
	_, ok := d.responseKey(method, path, status)
	return ok
}

// ValidateResponse checks body against the schema the document gives for
// status of method on path. An undocumented status fails the test; a
// response documented without content is not checked further.
func (d *Doc) ValidateResponse(t testing.TB, method, path string, status int, body []byte) {
	t.Helper()
	key, ok := d.responseKey(method, path, status)
	if !ok {
		t.Errorf("%s: %s %s: status %d is not documented", d.name, method, path, status)
		return
	}
	op := strings.ToLower(operationMethod(method))
	ptr := "/paths/" + escape(path) + "/" + op + "/responses/" + escape(key)
	resp, _ := d.lookup(ptr).(map[string]any)
	if r, ok := resp["$ref"].(string); ok && strings.HasPrefix(r, "#") {
		ptr = strings.TrimPrefix(r, "#")
		resp, _ = d.lookup(ptr).(map[string]any)
	}
	content, _ := resp["content"].(map[string]any)
	if content == nil {
		// Documented without content (the official 401, our 304): the
		// document says nothing about the body to check.
		return
	}
	if _, ok := content["application/json"]; !ok {
		t.Errorf("%s: %s %s %d: no application/json content documented", d.name, method, path, status)
		return
	}
	d.validate(t, ptr+"/content/application~1json/schema", body, fmt.Sprintf("%s %s %d", method, path, status))
}

// ValidateSchema checks body against the schema at a JSON pointer into the
// document, "#/components/schemas/ServerErrorResponse" for example: for
// responses no operation lists, such as a 404 for an unknown path.
func (d *Doc) ValidateSchema(t testing.TB, pointer string, body []byte) {
	t.Helper()
	d.validate(t, strings.TrimPrefix(pointer, "#"), body, pointer)
}

func (d *Doc) validate(t testing.TB, ptr string, body []byte, label string) {
	t.Helper()
	sch, err := d.schema(ptr)
	if err != nil {
		t.Errorf("%s: %s: compile schema: %v", d.name, label, err)
		return
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s: %s: body is not JSON: %v\n%s", d.name, label, err, body)
		return
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("%s: %s: body does not match the documented schema:\n%v\nbody: %s", d.name, label, err, body)
	}
}

func (d *Doc) schema(ptr string) (*jsonschema.Schema, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.schemas[ptr]; ok {
		return s, nil
	}
	s, err := d.compiler.Compile(docURL + "#" + ptr)
	if err != nil {
		return nil, err
	}
	d.schemas[ptr] = s
	return s, nil
}

// responseKey finds the key under responses that covers status.
func (d *Doc) responseKey(method, path string, status int) (string, bool) {
	responses, _ := d.lookup("/paths/" + escape(path) + "/" + strings.ToLower(operationMethod(method)) + "/responses").(map[string]any)
	if responses == nil {
		return "", false
	}
	for _, k := range []string{strconv.Itoa(status), strconv.Itoa(status/100) + "XX", "default"} {
		if _, ok := responses[k]; ok {
			return k, true
		}
	}
	return "", false
}

// operationMethod maps HEAD to the GET operation that describes it.
func operationMethod(m string) string {
	if strings.EqualFold(m, "HEAD") {
		return "GET"
	}
	return m
}

// lookup resolves a JSON pointer into the document.
func (d *Doc) lookup(ptr string) any {
	var v any = d.root
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[unescape(tok)]
	}
	return v
}

func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}
