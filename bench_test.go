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
	for _, bc := range []struct{ name, input string }{
		{"valid", `{"n": 10.5, "i": 5, "mode": "b", "s": "ab", "list": [1, 2], "obj": {"x": "", "y": [{"z": true}]}}`},
		{"invalid", `{"n": "x", "mode": "c", "extra": 1, "obj": {"y": [{"z": 1}]}}`},
	} {
		input := json.RawMessage(bc.input)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = tool.ValidateInput(input)
			}
		})
	}
}

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
