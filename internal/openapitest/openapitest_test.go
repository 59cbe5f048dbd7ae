package openapitest_test

import (
	"path/filepath"
	"testing"

	"github.com/otc-dev/otc/internal/openapitest"
)

const miniDoc = `{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "paths": {
    "/things": {"get": {"responses": {
      "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
      "4XX": {"$ref": "#/components/responses/Problem"},
      "304": {"description": "not modified"}
    }}}
  },
  "components": {
    "responses": {"Problem": {"description": "p", "content": {"application/json": {"schema": {"type": "object", "required": ["message"]}}}}},
    "schemas": {"Thing": {"type": "object", "properties": {"n": {"type": "integer"}, "u": {"type": "string", "format": "uri"}}, "required": ["n"], "additionalProperties": false}}
  }
}`

// fakeT records failures instead of failing the real test, so that the
// helper's own failures can be asserted.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Helper()               {}

func TestValidateResponse(t *testing.T) {
	doc := openapitest.Parse(t, "mini", []byte(miniDoc))
	tests := []struct {
		name     string
		method   string
		status   int
		body     string
		wantFail bool
	}{
		{"valid", "GET", 200, `{"n":1}`, false},
		{"HEAD is GET", "HEAD", 200, `{"n":1}`, false},
		{"missing required", "GET", 200, `{}`, true},
		{"extra member", "GET", 200, `{"n":1,"x":2}`, true},
		{"format asserted", "GET", 200, `{"n":1,"u":"not a uri"}`, true},
		{"not json", "GET", 200, `{`, true},
		{"4XX via components ref", "GET", 404, `{"message":"m"}`, false},
		{"4XX violated", "GET", 422, `{}`, true},
		{"no content documented", "GET", 304, ``, false},
		{"undocumented status", "GET", 500, `{}`, true},
		{"undocumented method", "POST", 200, `{"n":1}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ft := &fakeT{TB: t}
			doc.ValidateResponse(ft, tc.method, "/things", tc.status, []byte(tc.body))
			if ft.failed != tc.wantFail {
				t.Errorf("failed = %v, want %v", ft.failed, tc.wantFail)
			}
		})
	}
}

func TestValidateSchema(t *testing.T) {
	doc := openapitest.Parse(t, "mini", []byte(miniDoc))
	ft := &fakeT{TB: t}
	doc.ValidateSchema(ft, "#/components/schemas/Thing", []byte(`{"n":"x"}`))
	if !ft.failed {
		t.Error("a string n passed the Thing schema")
	}
	ft = &fakeT{TB: t}
	doc.ValidateSchema(ft, "#/components/schemas/Thing", []byte(`{"n":2}`))
	if ft.failed {
		t.Error("a valid Thing failed")
	}
}

func TestDocuments(t *testing.T) {
	doc := openapitest.Parse(t, "mini", []byte(miniDoc))
	for status, want := range map[int]bool{200: true, 404: true, 304: true, 500: false} {
		if got := doc.Documents("GET", "/things", status); got != want {
			t.Errorf("Documents(GET /things %d) = %v, want %v", status, got, want)
		}
	}
}

// The official document's CallToolResponse is read with
// unevaluatedProperties, so that a response with a value passes and one
// with an unknown member still fails.
func TestOfficialDocumentDefects(t *testing.T) {
	doc := openapitest.Load(t, filepath.Join("..", "..", "..", "shared", "spec", "otc-1.0-openapi.json"))
	ok := `{"$schema":"otc://1.0","result":{"call_id":"c","duration":1.5,"success":true,"value":3}}`
	ft := &fakeT{TB: t}
	doc.ValidateResponse(ft, "POST", "/tools/call", 200, []byte(ok))
	if ft.failed {
		t.Error("a success with a value failed the official document")
	}
	failed := `{"result":{"call_id":"c","success":false,"error":{"message":"m"}}}`
	ft = &fakeT{TB: t}
	doc.ValidateResponse(ft, "POST", "/tools/call", 200, []byte(failed))
	if ft.failed {
		t.Error("a failure with an error failed the official document")
	}
	for name, body := range map[string]string{
		"unknown member":       `{"result":{"call_id":"c","success":true,"extra":1}}`,
		"both value and error": `{"result":{"call_id":"c","success":true,"value":1,"error":{"message":"m"}}}`,
	} {
		ft = &fakeT{TB: t}
		doc.ValidateResponse(ft, "POST", "/tools/call", 200, []byte(body))
		if !ft.failed {
			t.Errorf("%s passed the official document", name)
		}
	}
}
