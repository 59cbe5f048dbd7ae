package cli

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/toolkits/examples"
)

func TestResolveKeyValueCall(t *testing.T) {
	var defs []otc.ToolDefinition
	for _, tool := range examples.Tools(examples.Options{InstanceID: "t"}) {
		defs = append(defs, tool.Definition())
	}
	tests := []struct {
		name      string
		toolID    string
		pairs     []string
		wantID    string
		wantInput string
		wantErr   bool
		wantNo    bool
	}{
		{"newest fits: called as given (VER-3)", "Calculator.Add", []string{"numbers=[1,2]"}, "Calculator.Add", `{"numbers":[1,2]}`, false, false},
		{"newest does not fit: newest that does", "Calculator.Add", []string{"a=1", "b=2"}, "Calculator.Add@1.1.0", `{"a":1,"b":2}`, false, false},
		{"exact version is kept (VER-1)", "Calculator.Add@1.0.0", []string{"a=1", "b=2"}, "Calculator.Add@1.0.0", `{"a":1,"b":2}`, false, false},
		{"major version is kept (VER-2)", "Calculator.Add@1", []string{"a=1", "b=2"}, "Calculator.Add@1.0.0", `{"a":1,"b":2}`, false, false},
		{"major version that does not fit is an error", "Calculator.Add@2", []string{"a=1"}, "", "", true, false},
		{"no version fits: the newest's complaint", "Calculator.Add", []string{"x=1"}, "", "", true, false},
		{"unknown tool", "Nope.Tool", []string{"a=1"}, "", "", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, input, err := resolveKeyValueCall(defs, tt.toolID, tt.pairs)
			if tt.wantErr {
				var no *noToolError
				if err == nil || errors.As(err, &no) != tt.wantNo {
					t.Fatalf("err = %v, want an error (no such tool: %v)", err, tt.wantNo)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got, want any
			_ = json.Unmarshal(input, &got)
			_ = json.Unmarshal([]byte(tt.wantInput), &want)
			if id != tt.wantID || !jsonEqual(got, want) {
				t.Fatalf("got %s %s, want %s %s", id, input, tt.wantID, tt.wantInput)
			}
		})
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
