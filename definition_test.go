package otc_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc"
)

// validSpec returns a spec that passes every check; cases change one thing.
func validSpec() otc.ToolSpec {
	return otc.ToolSpec{Toolkit: "Calculator", Name: "Add", Version: "1.0.0", Description: "Adds two numbers."}
}

const validParams = `{"type":"object","properties":{"a":{"type":"number","description":"The first number."}},"required":["a"]}`

func echo(_ context.Context, in json.RawMessage) (json.RawMessage, error) { return in, nil }

// wantDefinitionError checks that err is a *DefinitionError about field.
func wantDefinitionError(t *testing.T, err error, field string) {
	t.Helper()
	var de *otc.DefinitionError
	if !errors.As(err, &de) {
		t.Fatalf("error = %v (%T), want a *DefinitionError about %q", err, err, field)
	}
	if de.Field != field {
		t.Errorf("DefinitionError.Field = %q, want %q (error: %v)", de.Field, field, err)
	}
	if !strings.Contains(err.Error(), field) {
		t.Errorf("error message %q does not name the field %q", err.Error(), field)
	}
	if de.Reason == "" {
		t.Errorf("DefinitionError.Reason is empty")
	}
}

func TestSpecChecks(t *testing.T) {
	tests := []struct {
		name   string
		change func(*otc.ToolSpec)
		field  string // "" means valid
	}{
		// OTC: DEF-1
		{"DEF-1 identifiers with digits and underscores", func(s *otc.ToolSpec) { s.Toolkit, s.Name = "My_Kit2", "do_it_3" }, ""},
		{"DEF-1 empty toolkit", func(s *otc.ToolSpec) { s.Toolkit = "" }, "toolkit"},
		{"DEF-1 toolkit with a dot", func(s *otc.ToolSpec) { s.Toolkit = "Calc.ulator" }, "toolkit"},
		{"DEF-1 toolkit with a dash", func(s *otc.ToolSpec) { s.Toolkit = "Calc-ulator" }, "toolkit"},
		{"DEF-1 toolkit with a non-ASCII letter", func(s *otc.ToolSpec) { s.Toolkit = "Calcülator" }, "toolkit"},
		{"DEF-1 empty name", func(s *otc.ToolSpec) { s.Name = "" }, "name"},
		{"DEF-1 name with a space", func(s *otc.ToolSpec) { s.Name = "Add Two" }, "name"},
		{"DEF-1 name with an at sign", func(s *otc.ToolSpec) { s.Name = "Add@1" }, "name"},
		// OTC: DEF-2
		{"DEF-2 served name of 64 characters", func(s *otc.ToolSpec) { s.Toolkit, s.Name = strings.Repeat("K", 31), strings.Repeat("N", 32) }, ""},
		{"DEF-2 served name of 65 characters", func(s *otc.ToolSpec) { s.Toolkit, s.Name = strings.Repeat("K", 32), strings.Repeat("N", 32) }, "name"},
		// OTC: DEF-3
		{"DEF-3 empty description", func(s *otc.ToolSpec) { s.Description = "" }, "description"},
		{"DEF-3 blank description", func(s *otc.ToolSpec) { s.Description = " \t\n" }, "description"},
		{"DEF-3 version 0.0.0", func(s *otc.ToolSpec) { s.Version = "0.0.0" }, ""},
		{"DEF-3 empty version", func(s *otc.ToolSpec) { s.Version = "" }, "version"},
		{"DEF-3 version x.y", func(s *otc.ToolSpec) { s.Version = "1.0" }, "version"},
		{"DEF-3 version with four parts", func(s *otc.ToolSpec) { s.Version = "1.0.0.0" }, "version"},
		{"DEF-3 version with a v", func(s *otc.ToolSpec) { s.Version = "v1.0.0" }, "version"},
		{"DEF-3 version with a pre-release", func(s *otc.ToolSpec) { s.Version = "1.0.0-beta" }, "version"},
		{"DEF-3 version with a sign", func(s *otc.ToolSpec) { s.Version = "+1.0.0" }, "version"},
		{"DEF-3 version with a leading zero", func(s *otc.ToolSpec) { s.Version = "1.02.0" }, "version"},
		{"DEF-3 version beyond uint64", func(s *otc.ToolSpec) { s.Version = "18446744073709551616.0.0" }, "version"},
		// OTC: DEF-6
		{"DEF-6 all requirements", func(s *otc.ToolSpec) {
			s.Requirements = &otc.Requirements{UserID: true,
				Authorization: []otc.AuthorizationRequirement{{ID: "google", OAuth2: &otc.OAuth2Scopes{Scopes: []string{"email"}}}, {ID: "github"}},
				Secrets:       []otc.SecretRequirement{{ID: "API_KEY"}, {ID: "OTHER"}}}
		}, ""},
		{"DEF-6 empty authorization id", func(s *otc.ToolSpec) {
			s.Requirements = &otc.Requirements{Authorization: []otc.AuthorizationRequirement{{ID: "a"}, {ID: " "}}}
		}, "requirements.authorization[1].id"},
		{"DEF-6 repeated authorization id", func(s *otc.ToolSpec) {
			s.Requirements = &otc.Requirements{Authorization: []otc.AuthorizationRequirement{{ID: "a"}, {ID: "a"}}}
		}, "requirements.authorization[1].id"},
		{"DEF-6 empty scope", func(s *otc.ToolSpec) {
			s.Requirements = &otc.Requirements{Authorization: []otc.AuthorizationRequirement{{ID: "a", OAuth2: &otc.OAuth2Scopes{Scopes: []string{"x", ""}}}}}
		}, "requirements.authorization[0].oauth2.scopes[1]"},
		{"DEF-6 empty secret id", func(s *otc.ToolSpec) {
			s.Requirements = &otc.Requirements{Secrets: []otc.SecretRequirement{{ID: ""}}}
		}, "requirements.secrets[0].id"},
		{"DEF-6 repeated secret id", func(s *otc.ToolSpec) {
			s.Requirements = &otc.Requirements{Secrets: []otc.SecretRequirement{{ID: "K"}, {ID: "L"}, {ID: "K"}}}
		}, "requirements.secrets[2].id"},
		{"negative timeout", func(s *otc.ToolSpec) { s.Timeout = -time.Second }, "timeout"},
		{"negative concurrency limit", func(s *otc.ToolSpec) { s.MaxConcurrent = -1 }, "max_concurrent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSpec()
			tt.change(&s)
			// Both constructors run the same checks.
			_, rawErr := otc.NewRawTool(s, json.RawMessage(validParams), nil, echo)
			_, typedErr := otc.NewTool(s, func(context.Context, otc.NoValue) (otc.NoValue, error) { return otc.NoValue{}, nil })
			for _, err := range []error{rawErr, typedErr} {
				if tt.field == "" {
					if err != nil {
						t.Fatalf("unexpected error: %v", err)
					}
					continue
				}
				wantDefinitionError(t, err, tt.field)
			}
		})
	}
}

func TestParameterChecks(t *testing.T) {
	tests := []struct {
		name   string
		params string
		field  string // "" means valid
	}{
		// OTC: DEF-4
		{"DEF-4 typical parameters", validParams, ""},
		{"DEF-4 no properties", `{"type":"object"}`, ""},
		{"DEF-4 empty properties", `{"type":"object","properties":{}}`, ""},
		{"DEF-4 $schema 2020-12 at the root", `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object"}`, ""},
		{"DEF-4 a parameter named $ref", `{"type":"object","properties":{"$ref":{"type":"string","description":"d"}}}`, ""},
		{"DEF-4 a parameter named definitions", `{"type":"object","properties":{"definitions":{"type":"string","description":"d"}}}`, ""},
		{"DEF-4 $ref inside enum data", `{"type":"object","properties":{"x":{"description":"d","enum":[{"$ref":"#"}]}}}`, ""},
		{"DEF-4 white space is fine", " {\n\"type\" : \"object\"}\n", ""},
		{"DEF-4 not JSON", `{"type":`, "input_schema.parameters"},
		{"DEF-4 trailing data", `{"type":"object"} {}`, "input_schema.parameters"},
		{"DEF-4 duplicate key", `{"type":"object","type":"object"}`, "input_schema.parameters"},
		{"DEF-4 empty object", `{}`, "input_schema.parameters.type"},
		{"DEF-4 an array", `[]`, "input_schema.parameters"},
		{"DEF-4 true", `true`, "input_schema.parameters"},
		{"DEF-4 null", `null`, "input_schema.parameters"},
		{"DEF-4 type array", `{"type":"array"}`, "input_schema.parameters.type"},
		{"DEF-4 type list", `{"type":["object"]}`, "input_schema.parameters.type"},
		{"DEF-4 parameter without description", `{"type":"object","properties":{"a":{"type":"number"}}}`, "input_schema.parameters.properties.a.description"},
		{"DEF-4 parameter with blank description", `{"type":"object","properties":{"a":{"type":"number","description":"  "}}}`, "input_schema.parameters.properties.a.description"},
		{"DEF-4 parameter with non-string description", `{"type":"object","properties":{"a":{"description":1}}}`, "input_schema.parameters.properties.a.description"},
		{"DEF-4 boolean parameter schema", `{"type":"object","properties":{"a":true}}`, "input_schema.parameters.properties.a"},
		{"DEF-4 properties not an object", `{"type":"object","properties":[]}`, "input_schema.parameters.properties"},
		{"DEF-4 required names an undeclared parameter", `{"type":"object","properties":{},"required":["a"]}`, "input_schema.parameters.required[0]"},
		{"DEF-4 required not an array", `{"type":"object","required":"a"}`, "input_schema.parameters.required"},
		{"DEF-4 required with a number", `{"type":"object","required":[1]}`, "input_schema.parameters.required[0]"},
		{"DEF-4 $ref at the root", `{"type":"object","$ref":"#/x"}`, "input_schema.parameters.$ref"},
		{"DEF-4 $ref in a parameter", `{"type":"object","properties":{"a":{"description":"d","$ref":"#"}}}`, "input_schema.parameters.properties.a.$ref"},
		{"DEF-4 $ref deep in items", `{"type":"object","properties":{"a":{"description":"d","type":"array","items":{"anyOf":[{"$ref":"#"}]}}}}`, "input_schema.parameters.properties.a.items.anyOf[0].$ref"},
		{"DEF-4 $ref to a file", `{"type":"object","properties":{"a":{"description":"d","$ref":"file:///etc/passwd"}}}`, "input_schema.parameters.properties.a.$ref"},
		{"DEF-4 $dynamicRef", `{"type":"object","not":{"$dynamicRef":"#x"}}`, "input_schema.parameters.not.$dynamicRef"},
		{"DEF-4 $defs", `{"type":"object","$defs":{"x":{}}}`, "input_schema.parameters.$defs"},
		{"DEF-4 definitions", `{"type":"object","definitions":{"x":{}}}`, "input_schema.parameters.definitions"},
		{"DEF-4 $id", `{"type":"object","$id":"https://example.com/s"}`, "input_schema.parameters.$id"},
		{"DEF-4 $anchor", `{"type":"object","properties":{"a":{"description":"d","$anchor":"x"}}}`, "input_schema.parameters.properties.a.$anchor"},
		{"DEF-4 $schema of another draft", `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object"}`, "input_schema.parameters.$schema"},
		{"DEF-4 $schema below the root", `{"type":"object","properties":{"a":{"description":"d","$schema":"https://json-schema.org/draft/2020-12/schema"}}}`, "input_schema.parameters.properties.a.$schema"},
		{"DEF-4 invalid keyword value", `{"type":"object","properties":{"a":{"description":"d","type":5}}}`, "input_schema.parameters"},
		{"DEF-4 pattern the validator cannot compile", `{"type":"object","properties":{"a":{"description":"d","pattern":"(?<=x)y"}}}`, "input_schema.parameters"},
		{"DEF-4 number out of range", `{"type":"object","properties":{"a":{"description":"d","multipleOf":1e-999999}}}`, "input_schema.parameters"},
		{"DEF-4 nested too deep", `{"type":"object","not":` + strings.Repeat(`{"not":`, 200) + `{}` + strings.Repeat(`}`, 201), "input_schema.parameters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tool, err := otc.NewRawTool(validSpec(), json.RawMessage(tt.params), nil, echo)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if got := tool.Definition().InputSchema.Parameters; !json.Valid(got) {
					t.Errorf("served parameters are not JSON: %s", got)
				}
				return
			}
			wantDefinitionError(t, err, tt.field)
		})
	}
}

func TestOutputSchemaChecks(t *testing.T) {
	tests := []struct {
		name   string
		output string
		served string // "" with field set: an error
		field  string
	}{
		// OTC: DEF-5
		{"DEF-5 absent means nothing", ``, `null`, ""},
		{"DEF-5 null", `null`, `null`, ""},
		{"DEF-5 null with white space", " null ", `null`, ""},
		{"DEF-5 any value", `{}`, `{}`, ""},
		{"DEF-5 a schema", `{"type": "number"}`, `{"type":"number"}`, ""},
		{"DEF-5 true", `true`, "", "output_schema"},
		{"DEF-5 an array", `[]`, "", "output_schema"},
		{"DEF-5 a string", `"number"`, "", "output_schema"},
		{"DEF-5 not JSON", `{`, "", "output_schema"},
		{"DEF-5 a reference", `{"$ref":"#"}`, "", "output_schema.$ref"},
		{"DEF-5 definitions", `{"type":"object","properties":{"a":{"$defs":{}}}}`, "", "output_schema.properties.a.$defs"},
		{"DEF-5 invalid schema", `{"minimum":"one"}`, "", "output_schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tool, err := otc.NewRawTool(validSpec(), nil, json.RawMessage(tt.output), echo)
			if tt.field != "" {
				wantDefinitionError(t, err, tt.field)
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if diff := cmp.Diff(tt.served, string(tool.Definition().OutputSchema)); diff != "" {
				t.Errorf("served output_schema (-want +got):\n%s", diff)
			}
			if got, want := tool.ReturnsValue(), tt.served != "null"; got != want {
				t.Errorf("ReturnsValue() = %v, want %v", got, want)
			}
		})
	}
}

func TestRawToolWithoutParameters(t *testing.T) {
	// OTC: DEF-4 (parameters present, possibly without properties)
	tool, err := otc.NewRawTool(validSpec(), nil, nil, echo)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"object","properties":{},"additionalProperties":false}`
	if diff := cmp.Diff(want, string(tool.Definition().InputSchema.Parameters)); diff != "" {
		t.Errorf("parameters (-want +got):\n%s", diff)
	}
	if err := tool.ValidateInput(nil); err != nil {
		t.Errorf("ValidateInput(nil) = %v", err)
	}
	if err := tool.ValidateInput(json.RawMessage(`{"x":1}`)); err == nil {
		t.Errorf("ValidateInput accepted a parameter of a tool without parameters")
	}
}

func TestNilHandler(t *testing.T) {
	_, err := otc.NewRawTool(validSpec(), nil, nil, nil)
	wantDefinitionError(t, err, "handler")
	_, err = otc.NewTool[otc.NoValue, otc.NoValue](validSpec(), nil)
	wantDefinitionError(t, err, "handler")
}

func TestDefinition(t *testing.T) {
	// OTC: DEF-1, DEF-2, DEF-3, DEF-6
	spec := validSpec()
	spec.Version = "1.2.3"
	spec.Requirements = &otc.Requirements{
		Authorization: []otc.AuthorizationRequirement{{ID: "google", OAuth2: &otc.OAuth2Scopes{}}},
		Secrets:       []otc.SecretRequirement{{ID: "KEY"}},
	}
	tool, err := otc.NewRawTool(spec, json.RawMessage(" "+validParams+"\n"), json.RawMessage(`{ }`), echo)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tool.ID(), "Calculator.Add@1.2.3"; got != want {
		t.Errorf("ID() = %q, want %q", got, want)
	}
	if got, want := tool.QualifiedName(), "Calculator.Add"; got != want {
		t.Errorf("QualifiedName() = %q, want %q", got, want)
	}
	if got, want := tool.Version(), (otc.Version{Major: 1, Minor: 2, Patch: 3}); got != want {
		t.Errorf("Version() = %v, want %v", got, want)
	}
	got, err := json.Marshal(tool.Definition())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"Calculator.Add@1.2.3","name":"Calculator_Add","description":"Adds two numbers.","version":"1.2.3",` +
		`"input_schema":{"parameters":` + validParams + `},"output_schema":{},` +
		`"requirements":{"authorization":[{"id":"google","oauth2":{"scopes":[]}}],"secrets":[{"id":"KEY"}]}}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("served definition (-want +got):\n%s", diff)
	}

	// The tool is immutable: neither the spec it was built from nor the
	// values it hands out reach its definition.
	spec.Requirements.Secrets[0].ID = "CHANGED"
	d := tool.Definition()
	d.InputSchema.Parameters[0] = 'X'
	d.OutputSchema[0] = 'X'
	d.Requirements.Authorization[0].OAuth2.Scopes = append(d.Requirements.Authorization[0].OAuth2.Scopes, "x")
	s := tool.Spec()
	s.Requirements.Secrets[0].ID = "CHANGED"
	again, _ := json.Marshal(tool.Definition())
	if diff := cmp.Diff(string(got), string(again)); diff != "" {
		t.Errorf("definition changed through a copy (-before +after):\n%s", diff)
	}
}
