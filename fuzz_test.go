package otc_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/otc-dev/otc"
)

// FuzzValidateInput feeds arbitrary bytes as a tool's input: validation must
// answer with nil or a 422 naming at least one key, never panic.
func FuzzValidateInput(f *testing.F) {
	for _, s := range []string{``, `{}`, `null`, `[]`, `{"n":1,"mode":"a"}`, `{"n":"x","extra":1}`,
		`{"obj":{"y":[{"z":1}]}}`, `{"list":[1,1,"a"]}`, `{"email":"x"}`, `{"n":1e400}`, `{"n":1,"n":2}`, "{\"s\":\"\xff\"}"} {
		f.Add([]byte(s))
	}
	tool := validationTool(f)
	f.Fuzz(func(t *testing.T, input []byte) {
		err := tool.ValidateInput(input)
		if err == nil {
			if len(input) > 0 && !json.Valid(input) {
				t.Errorf("accepted input that is not JSON: %q", input)
			}
			return
		}
		var e *otc.Error
		if !errors.As(err, &e) || e.Code != otc.CodeInvalidInput {
			t.Fatalf("error %v (%T), want an *otc.Error with CodeInvalidInput", err, err)
		}
		if len(e.ParameterErrors) == 0 || len(e.ParameterErrors) > 33 {
			t.Errorf("%d parameter errors", len(e.ParameterErrors))
		}
		for k, msg := range e.ParameterErrors {
			if msg == "" || len(k) > 100 {
				t.Errorf("parameter error %q: %q", k, msg)
			}
		}
	})
}

// FuzzNewRawTool feeds arbitrary bytes as a raw tool's schemas, which may
// come from configuration or a plugin: the result is a tool or a
// *DefinitionError, never a panic.
func FuzzNewRawTool(f *testing.F) {
	for _, s := range [][2]string{
		{validParams, `{"type":"number"}`},
		{`{"type":"object"}`, `null`},
		{`{"type":"object","properties":{"a":{"description":"d","$ref":"#"}}}`, `{}`},
		{`{"type":"object","properties":{"a":{"description":"d","pattern":"(?<=x)"}}}`, ``},
		{`{"type":"object","$schema":"http://json-schema.org/draft-07/schema#"}`, `{"$ref":"file:///etc/passwd"}`},
		{`{"type":"object","type":"array"}`, `[`},
	} {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, params, output []byte) {
		tool, err := otc.NewRawTool(validSpec(), params, output, echo)
		if err != nil {
			var de *otc.DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T), want a *DefinitionError", err, err)
			}
			return
		}
		d := tool.Definition()
		if !json.Valid(d.InputSchema.Parameters) || !json.Valid(d.OutputSchema) {
			t.Errorf("served schemas are not JSON: %s, %s", d.InputSchema.Parameters, d.OutputSchema)
		}
		_ = tool.ValidateInput(params)
		_ = tool.ValidateOutput(output)
	})
}
