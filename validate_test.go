package otc_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc"
)

// validationParams exercises one keyword per parameter.
const validationParams = `{
	"type": "object",
	"additionalProperties": false,
	"required": ["n", "mode"],
	"properties": {
		"n":     {"type": "number", "description": "d", "minimum": 1, "maximum": 10.5},
		"i":     {"type": "integer", "description": "d", "exclusiveMinimum": 0, "exclusiveMaximum": 100, "multipleOf": 5},
		"mode":  {"type": "string", "description": "d", "enum": ["a", "b"]},
		"fixed": {"description": "d", "const": 42},
		"s":     {"type": "string", "description": "d", "minLength": 2, "maxLength": 4, "pattern": "^[a-z]+$"},
		"email": {"type": "string", "description": "d", "format": "email"},
		"list":  {"type": "array", "description": "d", "minItems": 1, "maxItems": 2, "uniqueItems": true, "items": {"type": "integer"}},
		"opt":   {"description": "d", "oneOf": [{"type": "number"}, {"type": "null"}]},
		"obj":   {"type": "object", "description": "d", "additionalProperties": false, "required": ["x"],
		          "minProperties": 1,
		          "properties": {"x": {"type": "string"}, "y": {"type": "array", "items": {"type": "object", "properties": {"z": {"type": "boolean"}}}}}},
		"never": {"description": "d", "not": {}}
	}
}`

func validationTool(t testing.TB) *otc.Tool {
	t.Helper()
	tool, err := otc.NewRawTool(validSpec(), json.RawMessage(validationParams), nil, echo)
	if err != nil {
		t.Fatal(err)
	}
	return tool
}

func TestValidateInput(t *testing.T) {
	// OTC: CALL-4
	tool := validationTool(t)
	tests := []struct {
		name  string
		input string
		want  map[string]string // nil means valid
	}{
		{"valid", `{"n": 1, "mode": "a"}`, nil},
		{"valid with every parameter", `{"n": 10.5, "i": 5, "mode": "b", "fixed": 42, "s": "ab", "email": "a@example.com",
			"list": [1, 2], "opt": null, "obj": {"x": "", "y": [{"z": true}]}}`, nil},
		{"absent input is the empty object", ``, map[string]string{"n": "is required", "mode": "is required"}},
		{"empty object", `{}`, map[string]string{"n": "is required", "mode": "is required"}},
		{"null", `null`, map[string]string{"": "input must be a JSON object"}},
		{"an array", `[{"n": 1}]`, map[string]string{"": "input must be a JSON object"}},
		{"a string", `"n"`, map[string]string{"": "input must be a JSON object"}},
		{"not JSON", `{"n": `, map[string]string{"": "input is not valid JSON"}},
		{"trailing data", `{"n": 1, "mode": "a"} x`, map[string]string{"": "input is not valid JSON"}},
		{"unknown parameter", `{"n": 1, "mode": "a", "extra": true}`, map[string]string{"extra": "is not a parameter of this tool"}},
		{"wrong case is unknown", `{"N": 1, "mode": "a"}`, map[string]string{"N": "is not a parameter of this tool", "n": "is required"}},
		{"wrong type", `{"n": "1", "mode": "a"}`, map[string]string{"n": "must be a number"}},
		{"not an integer", `{"n": 1, "mode": "a", "i": 7.5}`, map[string]string{"i": "must be an integer"}},
		{"below minimum", `{"n": 0, "mode": "a"}`, map[string]string{"n": "must be at least 1"}},
		{"above maximum", `{"n": 11, "mode": "a"}`, map[string]string{"n": "must be at most 10.5"}},
		{"exclusive minimum", `{"n": 1, "mode": "a", "i": 0}`, map[string]string{"i": "must be greater than 0"}},
		{"exclusive maximum", `{"n": 1, "mode": "a", "i": 100}`, map[string]string{"i": "must be less than 100"}},
		{"multiple of", `{"n": 1, "mode": "a", "i": 7}`, map[string]string{"i": "must be a multiple of 5"}},
		{"enum", `{"n": 1, "mode": "c"}`, map[string]string{"mode": "must be one of: a, b"}},
		{"const", `{"n": 1, "mode": "a", "fixed": 41}`, map[string]string{"fixed": "must be 42"}},
		{"too short", `{"n": 1, "mode": "a", "s": "a"}`, map[string]string{"s": "must be at least 2 characters long"}},
		{"too long and off pattern", `{"n": 1, "mode": "a", "s": "ABCDE"}`, map[string]string{"s": "must be at most 4 characters long; must match the pattern ^[a-z]+$"}},
		{"format", `{"n": 1, "mode": "a", "email": "not-an-email"}`, map[string]string{"email": "must be a valid email"}},
		{"too few items", `{"n": 1, "mode": "a", "list": []}`, map[string]string{"list": "must have at least 1 item"}},
		{"too many items", `{"n": 1, "mode": "a", "list": [1, 2, 3]}`, map[string]string{"list": "must have at most 2 items"}},
		{"duplicate items", `{"n": 1, "mode": "a", "list": [1, 1]}`, map[string]string{"list": "must not contain duplicate items"}},
		{"wrong item type", `{"n": 1, "mode": "a", "list": [1, "2"]}`, map[string]string{"list": "list[1] must be an integer"}},
		{"nullable", `{"n": 1, "mode": "a", "opt": "x"}`, map[string]string{"opt": "must be a number or null"}},
		{"nested required and unknown", `{"n": 1, "mode": "a", "obj": {"w": 1}}`,
			map[string]string{"obj": "obj.w is not an allowed field; obj.x is required"}},
		{"nested too few properties", `{"n": 1, "mode": "a", "obj": {}}`,
			map[string]string{"obj": "must have at least 1 field; obj.x is required"}},
		{"deeply nested", `{"n": 1, "mode": "a", "obj": {"x": "", "y": [{"z": true}, {"z": "no"}]}}`,
			map[string]string{"obj": "obj.y[1].z must be a boolean"}},
		{"not", `{"n": 1, "mode": "a", "never": 1}`, map[string]string{"never": "is not allowed in this form"}},
		{"number too large for a float64", `{"n": 1e400, "mode": "a"}`, map[string]string{"n": "must be a number within the range of a 64-bit floating-point value"}},
		{"tiny number is an ordinary number", `{"n": 1e-400, "mode": "a"}`, map[string]string{"n": "must be at least 1"}},
		{"huge exponent", `{"n": 1, "mode": "a", "i": 1e999999}`, map[string]string{"i": "must be a number within the range of a 64-bit floating-point value"}},
		{"huge exponent of zero", `{"n": 0e99999999999, "mode": "a"}`, map[string]string{"n": "must be a number within the range of a 64-bit floating-point value"}},
		{"exponent beyond big.Rat", `{"n": 1, "mode": "a", "list": [1, 1e9999999]}`, map[string]string{"list": "list[1] must be a number within the range of a 64-bit floating-point value"}},
		{"number too long", `{"n": 1.` + strings.Repeat("0", 300) + `, "mode": "a"}`, map[string]string{"n": "must be a number written in at most 256 characters"}},
		{"long but ordinary number", `{"n": 1.` + strings.Repeat("0", 200) + `1, "mode": "a"}`, nil},
		{"several parameters", `{"n": "x", "mode": 1, "zzz": 0}`, map[string]string{
			"n": "must be a number", "mode": "must be a string", "zzz": "is not a parameter of this tool"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tool.ValidateInput(json.RawMessage(tt.input))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("ValidateInput = %v, want nil", err)
				}
				return
			}
			var e *otc.Error
			if !errors.As(err, &e) {
				t.Fatalf("ValidateInput = %v (%T), want an *otc.Error", err, err)
			}
			if e.Code != otc.CodeInvalidInput || e.HTTPStatus() != 422 {
				t.Errorf("code %s (status %d), want invalid_input (422)", e.Code, e.HTTPStatus())
			}
			if e.Message == "" {
				t.Error("Message is empty")
			}
			if diff := cmp.Diff(tt.want, e.ParameterErrors); diff != "" {
				t.Errorf("ParameterErrors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateInputNeverShowsValues(t *testing.T) {
	// OTC: REQ-5 (tool inputs never reach error messages), CALL-4, CALL-5
	tool := validationTool(t)
	const secret = "s3cr3t-VALUE-9f8e7d"
	inputs := []string{
		`{"n": "` + secret + `", "mode": "` + secret + `"}`,
		`{"n": 1, "mode": "a", "s": "` + secret + `"}`,
		`{"n": 1, "mode": "a", "email": "` + secret + `"}`,
		`{"n": 1, "mode": "a", "fixed": "` + secret + `"}`,
		`{"n": 1, "mode": "a", "list": ["` + secret + `", "` + secret + `"]}`,
		`{"n": 1, "mode": "a", "opt": "` + secret + `"}`,
		`{"n": 1, "mode": "a", "obj": {"x": {"deep": "` + secret + `"}}}`,
		`"` + secret + `"`,
		`["` + secret + `"]`,
	}
	for i, in := range inputs {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			err := tool.ValidateInput(json.RawMessage(in))
			if err == nil {
				t.Fatal("ValidateInput accepted the input")
			}
			var e *otc.Error
			errors.As(err, &e)
			all, _ := json.Marshal(e.ParameterErrors)
			for _, text := range []string{err.Error(), e.Message, e.DeveloperMessage, string(all)} {
				if strings.Contains(text, secret) {
					t.Errorf("the submitted value leaked into %q", text)
				}
			}
		})
	}
}

func TestValidateInputBoundsKeys(t *testing.T) {
	// An input with many unknown parameters does not produce an equally
	// large error, and an unknown parameter's long name is truncated.
	tool := validationTool(t)
	var sb strings.Builder
	sb.WriteString(`{"n": 1, "mode": "a"`)
	for i := range 100 {
		fmt.Fprintf(&sb, `, "unknown%03d": 1`, i)
	}
	sb.WriteString(`, "` + strings.Repeat("x", 1000) + `": 1}`)
	var e *otc.Error
	if !errors.As(tool.ValidateInput(json.RawMessage(sb.String())), &e) {
		t.Fatal("want an *otc.Error")
	}
	if n := len(e.ParameterErrors); n > 33 {
		t.Errorf("%d parameter errors, want at most 33", n)
	}
	if got := e.ParameterErrors[""]; !strings.Contains(got, "more parameters have errors") {
		t.Errorf(`ParameterErrors[""] = %q, want a count of the parameters left out`, got)
	}
	for k := range e.ParameterErrors {
		if len(k) > 100 {
			t.Errorf("key of %d bytes not truncated", len(k))
		}
	}
}

func TestValidateOutput(t *testing.T) {
	// OTC: DEF-5, CALL-10
	withSchema, err := otc.NewRawTool(validSpec(), nil,
		json.RawMessage(`{"type":"object","required":["sum"],"properties":{"sum":{"type":"number"},"items":{"type":"array","items":{"type":"string"}}}}`), echo)
	if err != nil {
		t.Fatal(err)
	}
	list, err := otc.NewRawTool(validSpec(), nil, json.RawMessage(`{"type":"array","items":{"type":"integer"}}`), echo)
	if err != nil {
		t.Fatal(err)
	}
	anyValue, err := otc.NewRawTool(validSpec(), nil, json.RawMessage(`{}`), echo)
	if err != nil {
		t.Fatal(err)
	}
	nothing, err := otc.NewRawTool(validSpec(), nil, json.RawMessage(`null`), echo)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		tool  *otc.Tool
		value string
		want  map[string]string // nil means conforming
	}{
		{"conforming object", withSchema, `{"sum": 1, "items": ["a"]}`, nil},
		{"missing value", withSchema, ``, map[string]string{"": "value is required by the output schema"}},
		{"wrong type", withSchema, `[]`, map[string]string{"": "value must be an object"}},
		{"missing property", withSchema, `{}`, map[string]string{"sum": "is required"}},
		{"wrong nested type", withSchema, `{"sum": 1, "items": ["a", 2]}`, map[string]string{"items": "items[1] must be a string"}},
		{"not JSON", withSchema, `{`, map[string]string{"": "value is not valid JSON"}},
		{"number out of range", withSchema, `{"sum": 1e999999}`, map[string]string{"sum": "must be a number within the range of a 64-bit floating-point value"}},
		{"top-level array item", list, `[1, "x"]`, map[string]string{"": "value[1] must be an integer"}},
		{"any value", anyValue, `"anything"`, nil},
		{"any value, or none", anyValue, ``, nil},
		{"any value must still be JSON", anyValue, `{`, map[string]string{"": "value is not valid JSON"}},
		{"no value", nothing, ``, nil},
		{"a value where none is declared", nothing, `1`, map[string]string{"": "value must be absent: the output schema is null"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.tool.ValidateOutput(json.RawMessage(tt.value))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("ValidateOutput = %v, want nil", err)
				}
				return
			}
			var oe *otc.OutputError
			if !errors.As(err, &oe) {
				t.Fatalf("ValidateOutput = %v (%T), want an *otc.OutputError", err, err)
			}
			if oe.Tool != tt.tool.ID() {
				t.Errorf("OutputError.Tool = %q, want %q", oe.Tool, tt.tool.ID())
			}
			if diff := cmp.Diff(tt.want, oe.Problems); diff != "" {
				t.Errorf("Problems (-want +got):\n%s", diff)
			}
			if !strings.Contains(err.Error(), tt.tool.ID()) {
				t.Errorf("error %q does not name the tool", err)
			}
		})
	}
}
