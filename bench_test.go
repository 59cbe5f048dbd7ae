package otc_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/otc-dev/otc"
)

func BenchmarkResolve(b *testing.B) {
	r := calculatorRegistry(b)
	for _, id := range []string{"Calculator.Add@1.10.0", "Calculator.Add@2", "Calculator.Add"} {
		ref, err := otc.ParseToolID(id)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(id, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Resolve(ref); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkValidateInput(b *testing.B) {
	tool := validationTool(b)
	add := otc.MustNewTool(validSpec(), func(_ context.Context, in AddInput) (float64, error) { return in.A + in.B, nil })
	simple, err := otc.NewRawTool(validSpec(), json.RawMessage(simpleParams), nil, echo)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name  string
		tool  *otc.Tool
		input string
	}{
		{"valid", tool, `{"n": 10.5, "i": 5, "mode": "b", "s": "ab", "list": [1, 2], "obj": {"x": "", "y": [{"z": true}]}}`},
		{"invalid", tool, `{"n": "x", "mode": "c", "extra": 1, "obj": {"y": [{"z": 1}]}}`},
		// The benchmark's call: Calculator.Add@1.0.0.
		{"add", add, `{"a": 1.5, "b": 2}`},
		{"simple", simple, `{"n": 10.5, "i": 5, "mode": "b", "s": "ab", "ok": true}`},
		{"simple-invalid", simple, `{"n": 11, "i": 5, "mode": "b", "s": "ab", "ok": true}`},
	} {
		input := json.RawMessage(bc.input)
		tool := bc.tool
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = tool.ValidateInput(input)
			}
		})
	}
}

// simpleParams has only the keywords of the common case: scalar
// parameters with bounds, an enum, lengths and a pattern.
const simpleParams = `{
	"type": "object",
	"additionalProperties": false,
	"required": ["n", "mode"],
	"properties": {
		"n":    {"type": "number", "description": "d", "minimum": 1, "maximum": 10.5},
		"i":    {"type": "integer", "description": "d", "minimum": 0, "maximum": 100},
		"mode": {"type": "string", "description": "d", "enum": ["a", "b"]},
		"s":    {"type": "string", "description": "d", "minLength": 2, "maxLength": 4, "pattern": "^[a-z]+$"},
		"ok":   {"type": "boolean", "description": "d"}
	}
}`

func BenchmarkTypedCall(b *testing.B) {
	add := otc.MustNewTool(validSpec(), func(_ context.Context, in AddInput) (float64, error) { return in.A + in.B, nil })
	input := json.RawMessage(`{"a": 1.5, "b": 2}`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := add.Call(ctx, input); err != nil {
			b.Fatal(err)
		}
	}
}
