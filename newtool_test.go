package otc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc"
)

type address struct {
	City string  `json:"city" jsonschema:"description=The city."`
	Zip  *string `json:"zip"`
}

type embedded struct {
	Shared string `json:"shared" jsonschema:"description=A field promoted from an embedded struct."`
}

type derivedInput struct {
	embedded
	Name     string         `json:"name" jsonschema:"description=A required string\\, with a comma in its description."`
	Count    int            `json:"count,omitempty" jsonschema_description:"An optional integer." jsonschema:"minimum=1,maximum=5"`
	Ratio    *float64       `json:"ratio" jsonschema:"description=Optional because it is a pointer."`
	Forced   *bool          `json:"forced" jsonschema:"description=A pointer made required by its tag.,required"`
	Nullable *string        `json:"nullable,omitempty" jsonschema:"description=May be null.,nullable"`
	Mode     string         `json:"mode" jsonschema:"description=One of a fixed set.,enum=fast,enum=slow"`
	When     time.Time      `json:"when" jsonschema:"description=A time."`
	Address  address        `json:"address" jsonschema:"description=A nested object."`
	Places   []address      `json:"places,omitempty" jsonschema:"description=Nested objects in a list."`
	Labels   map[string]int `json:"labels,omitempty" jsonschema:"description=A map."`
	Any      any            `json:"any,omitempty" jsonschema:"description=Any value."`
	Skipped  chan int       `json:"-"`
	hidden   func()         // unexported: not a parameter, whatever its type
}

func TestDerivedInputSchema(t *testing.T) {
	// OTC: DEF-4
	tool, err := otc.NewTool(validSpec(), func(context.Context, derivedInput) (otc.NoValue, error) { return otc.NoValue{}, nil })
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(tool.Definition().InputSchema.Parameters, &got); err != nil {
		t.Fatal(err)
	}
	addressSchema := map[string]any{
		"type": "object", "description": "A nested object.", "additionalProperties": false,
		"properties": map[string]any{
			"city": map[string]any{"type": "string", "description": "The city."},
			"zip":  map[string]any{"type": "string"},
		},
		"required": []any{"city"},
	}
	placeSchema := map[string]any{
		"type": "object", "additionalProperties": false,
		"properties": addressSchema["properties"],
		"required":   []any{"city"},
	}
	want := map[string]any{
		"type":                 "object",
		"additionalProperties": false,
		"required":             []any{"shared", "name", "forced", "mode", "when", "address"},
		"properties": map[string]any{
			"shared": map[string]any{"type": "string", "description": "A field promoted from an embedded struct."},
			"name":   map[string]any{"type": "string", "description": "A required string, with a comma in its description."},
			"count":  map[string]any{"type": "integer", "description": "An optional integer.", "minimum": 1.0, "maximum": 5.0},
			"ratio":  map[string]any{"type": "number", "description": "Optional because it is a pointer."},
			"forced": map[string]any{"type": "boolean", "description": "A pointer made required by its tag."},
			"nullable": map[string]any{"description": "May be null.",
				"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "null"}}},
			"mode":    map[string]any{"type": "string", "description": "One of a fixed set.", "enum": []any{"fast", "slow"}},
			"when":    map[string]any{"type": "string", "format": "date-time", "description": "A time."},
			"address": addressSchema,
			"places":  map[string]any{"type": "array", "description": "Nested objects in a list.", "items": placeSchema},
			"labels": map[string]any{"type": "object", "description": "A map.",
				"additionalProperties": map[string]any{"type": "integer"}},
			"any": map[string]any{"description": "Any value."},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("derived parameters (-want +got):\n%s", diff)
	}
	for _, key := range []string{`"$ref"`, `"$defs"`, `"$schema"`, `"$id"`} {
		if strings.Contains(string(tool.Definition().InputSchema.Parameters), key) {
			t.Errorf("derived parameters contain %s", key)
		}
	}
}

type (
	noDescription struct {
		A int `json:"a"`
	}
	recursive struct {
		Name     string       `json:"name" jsonschema:"description=n"`
		Children []*recursive `json:"children" jsonschema:"description=c"`
	}
	withChannel struct {
		C chan int `json:"c" jsonschema:"description=c"`
	}
	withFunc struct {
		F func() `json:"f" jsonschema:"description=f"`
	}
	withComplex struct {
		C complex128 `json:"c" jsonschema:"description=c"`
	}
	withStructKeys struct {
		M map[struct{ A int }]int `json:"m" jsonschema:"description=m"`
	}
)

func TestDerivedSchemaErrors(t *testing.T) {
	// OTC: DEF-4, DEF-5
	nop := func(t *testing.T, err error, field string) { t.Helper(); wantDefinitionError(t, err, field) }
	spec := validSpec()
	tests := []struct {
		name  string
		build func() error
		field string
	}{
		{"DEF-4 parameter without description", func() error {
			_, err := otc.NewTool(spec, func(context.Context, noDescription) (int, error) { return 0, nil })
			return err
		}, "input_schema.parameters.properties.a.description"},
		{"DEF-4 recursive input type", func() error {
			_, err := otc.NewTool(spec, func(context.Context, recursive) (int, error) { return 0, nil })
			return err
		}, "input_schema.parameters"},
		{"DEF-4 channel field", func() error {
			_, err := otc.NewTool(spec, func(context.Context, withChannel) (int, error) { return 0, nil })
			return err
		}, "input_schema.parameters"},
		{"DEF-4 func field", func() error {
			_, err := otc.NewTool(spec, func(context.Context, withFunc) (int, error) { return 0, nil })
			return err
		}, "input_schema.parameters"},
		{"DEF-4 complex field", func() error {
			_, err := otc.NewTool(spec, func(context.Context, withComplex) (int, error) { return 0, nil })
			return err
		}, "input_schema.parameters"},
		{"DEF-4 map with struct keys", func() error {
			_, err := otc.NewTool(spec, func(context.Context, withStructKeys) (int, error) { return 0, nil })
			return err
		}, "input_schema.parameters"},
		{"DEF-4 input of type any", func() error {
			_, err := otc.NewTool(spec, func(context.Context, any) (int, error) { return 0, nil })
			return err
		}, "input_schema.parameters"},
		{"DEF-4 input that is a list", func() error {
			_, err := otc.NewTool(spec, func(context.Context, []int) (int, error) { return 0, nil })
			return err
		}, "input_schema.parameters.type"},
		{"DEF-4 input that is a number", func() error {
			_, err := otc.NewTool(spec, func(context.Context, float64) (int, error) { return 0, nil })
			return err
		}, "input_schema.parameters.type"},
		{"DEF-5 recursive output type", func() error {
			_, err := otc.NewTool(spec, func(context.Context, otc.NoValue) (recursive, error) { return recursive{}, nil })
			return err
		}, "output_schema"},
		{"DEF-5 channel output", func() error {
			_, err := otc.NewTool(spec, func(context.Context, otc.NoValue) (chan int, error) { return nil, nil })
			return err
		}, "output_schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { nop(t, tt.build(), tt.field) })
	}
}

type result struct {
	Sum   float64 `json:"sum"`
	Notes string  `json:"notes,omitempty"`
}

func TestDerivedOutputSchema(t *testing.T) {
	// OTC: DEF-5
	spec := validSpec()
	served := func(tool *otc.Tool, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return string(tool.Definition().OutputSchema)
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"NoValue is null", served(otc.NewTool(spec, func(context.Context, otc.NoValue) (otc.NoValue, error) { return otc.NoValue{}, nil })), `null`},
		{"any is any value", served(otc.NewTool(spec, func(context.Context, otc.NoValue) (any, error) { return nil, nil })), `{}`},
		{"an interface is any value", served(otc.NewTool(spec, func(context.Context, otc.NoValue) (error, error) { return nil, nil })), `{}`},
		{"json.RawMessage is any value", served(otc.NewTool(spec, func(context.Context, otc.NoValue) (json.RawMessage, error) { return nil, nil })), `{}`},
		{"a number", served(otc.NewTool(spec, func(context.Context, otc.NoValue) (float64, error) { return 0, nil })), `{"type":"number"}`},
		{"a list of strings", served(otc.NewTool(spec, func(context.Context, otc.NoValue) ([]string, error) { return nil, nil })), `{"items":{"type":"string"},"type":"array"}`},
		{"a struct", served(otc.NewTool(spec, func(context.Context, otc.NoValue) (result, error) { return result{}, nil })),
			`{"properties":{"sum":{"type":"number"},"notes":{"type":"string"}},"additionalProperties":false,"type":"object","required":["sum"]}`},
		{"a pointer to a struct", served(otc.NewTool(spec, func(context.Context, otc.NoValue) (*result, error) { return nil, nil })),
			`{"properties":{"sum":{"type":"number"},"notes":{"type":"string"}},"additionalProperties":false,"type":"object","required":["sum"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("output_schema (-want +got):\n%s", diff)
			}
		})
	}
}

type pair struct {
	A float64 `json:"a" jsonschema:"description=a"`
	B float64 `json:"b" jsonschema:"description=b"`
}

type small struct {
	N int8 `json:"n" jsonschema:"description=n"`
}

func TestTypedCall(t *testing.T) {
	spec := validSpec()
	add := otc.MustNewTool(spec, func(_ context.Context, in pair) (result, error) { return result{Sum: in.A + in.B}, nil })
	ptr := otc.MustNewTool(spec, func(_ context.Context, in *pair) (float64, error) { return in.A + in.B, nil })
	nothing := otc.MustNewTool(spec, func(context.Context, pair) (otc.NoValue, error) { return otc.NoValue{}, nil })
	raw := otc.MustNewTool(spec, func(context.Context, otc.NoValue) (json.RawMessage, error) {
		return json.RawMessage(`{ "a" : [1, 2] }`), nil
	})
	toolErr := &otc.ToolError{Message: "no"}
	failing := otc.MustNewTool(spec, func(context.Context, otc.NoValue) (float64, error) { return 1, toolErr })
	unencodable := otc.MustNewTool(spec, func(context.Context, otc.NoValue) (float64, error) { return math.Inf(1), nil })
	int8Tool := otc.MustNewTool(spec, func(_ context.Context, in small) (int8, error) { return in.N, nil })

	tests := []struct {
		name    string
		tool    *otc.Tool
		input   string
		want    string // the value, "" for none
		wantErr func(error) bool
	}{
		{"struct in, struct out", add, `{"a":1,"b":2.5}`, `{"sum":3.5}`, nil},
		{"pointer input", ptr, `{"a":1,"b":2}`, `3`, nil},
		{"pointer input from absent input", ptr, ``, `0`, nil},
		{"absent input is the empty object", add, ``, `{"sum":0}`, nil},
		{"NoValue returns no value", nothing, `{"a":1,"b":2}`, ``, nil},
		{"json.RawMessage is compacted", raw, `{}`, `{"a":[1,2]}`, nil},
		{"a tool error is returned as is", failing, `{}`, ``, func(err error) bool { return err == toolErr }},
		{"an unencodable output is an error", unencodable, `{}`, ``, func(err error) bool {
			var te *otc.ToolError
			return err != nil && !errors.As(err, &te)
		}},
		{"a number the Go type cannot hold is invalid input", int8Tool, `{"n":1000}`, ``, func(err error) bool {
			var e *otc.Error
			return errors.As(err, &e) && e.Code == otc.CodeInvalidInput &&
				cmp.Equal(e.ParameterErrors, map[string]string{"n": "is out of the range this tool accepts"})
		}},
		{"input of the wrong type is invalid input", int8Tool, `{"n":"x"}`, ``, func(err error) bool {
			var e *otc.Error
			return errors.As(err, &e) && e.Code == otc.CodeInvalidInput && e.ParameterErrors["n"] == "has the wrong type for this tool"
		}},
		{"input that is not an object is invalid input", int8Tool, `[1]`, ``, func(err error) bool {
			return otc.ErrorCode(err) == otc.CodeInvalidInput
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.tool.Call(context.Background(), json.RawMessage(tt.input))
			if tt.wantErr != nil {
				if !tt.wantErr(err) {
					t.Fatalf("Call error = %v (%T), not the one expected", err, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Call: %v", err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("value (-want +got):\n%s", diff)
			}
			if err := tt.tool.ValidateOutput(got); err != nil {
				t.Errorf("ValidateOutput: %v", err)
			}
		})
	}
}

func TestCallDoesNotRecover(t *testing.T) {
	tool := otc.MustNewTool(validSpec(), func(context.Context, otc.NoValue) (otc.NoValue, error) { panic("boom") })
	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("recovered %v, want the tool's panic", p)
		}
	}()
	_, _ = tool.Call(context.Background(), nil)
	t.Error("Call returned after the tool panicked")
}

func TestCallPassesContext(t *testing.T) {
	// OTC: REQ-5 (the tool reads its secret from the context it is given)
	tool := otc.MustNewTool(validSpec(), func(ctx context.Context, _ otc.NoValue) (string, error) {
		s, _ := otc.SecretFromContext(ctx, "K")
		return s, nil
	})
	ctx := otc.NewCallContext(context.Background(), otc.CallInfo{}, map[string]string{"K": "v"}, nil)
	got, err := tool.Call(ctx, nil)
	if err != nil || string(got) != `"v"` {
		t.Errorf("Call = %s, %v; want \"v\"", got, err)
	}
}

func TestMustNewToolPanics(t *testing.T) {
	defer func() {
		err, _ := recover().(error)
		var de *otc.DefinitionError
		if !errors.As(err, &de) {
			t.Errorf("MustNewTool panicked with %v, want a *DefinitionError", err)
		}
	}()
	spec := validSpec()
	spec.Description = ""
	otc.MustNewTool(spec, func(context.Context, otc.NoValue) (otc.NoValue, error) { return otc.NoValue{}, nil })
	t.Error("MustNewTool did not panic")
}

func TestConcurrentUse(t *testing.T) {
	// Run with -race: one tool validates and runs many calls at once.
	tool := otc.MustNewTool(validSpec(), func(_ context.Context, in pair) (result, error) { return result{Sum: in.A + in.B}, nil })
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				input := json.RawMessage(fmt.Sprintf(`{"a": %d, "b": %d}`, i, j))
				if err := tool.ValidateInput(input); err != nil {
					t.Error(err)
					return
				}
				if tool.ValidateInput(json.RawMessage(`{"a": "x"}`)) == nil {
					t.Error("invalid input passed")
					return
				}
				v, err := tool.Call(context.Background(), input)
				if err != nil || string(v) != fmt.Sprintf(`{"sum":%d}`, i+j) {
					t.Errorf("Call = %s, %v", v, err)
					return
				}
				_ = tool.Definition()
			}
		})
	}
	wg.Wait()
}

func TestEmptyRequirementsAreNotServed(t *testing.T) {
	// OTC: REQ-1, DEF-6
	spec := validSpec()
	spec.Requirements = &otc.Requirements{Secrets: []otc.SecretRequirement{}}
	tool := otc.MustNewTool(spec, func(context.Context, otc.NoValue) (otc.NoValue, error) { return otc.NoValue{}, nil })
	if r := tool.Definition().Requirements; r != nil {
		t.Errorf("Requirements = %+v, want nil", r)
	}
}
