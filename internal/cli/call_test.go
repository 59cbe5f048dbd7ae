package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// addSchema is an input schema with a parameter of every type.
const addSchema = `{
  "type": "object",
  "properties": {
    "a": {"type": "number", "description": "first"},
    "n": {"type": "integer", "description": "count"},
    "flag": {"type": "boolean", "description": "flag"},
    "tags": {"type": "array", "items": {"type": "string"}, "description": "tags"},
    "opts": {"type": "object", "description": "options"},
    "name": {"type": "string", "description": "name"},
    "maybe": {"type": ["integer", "null"], "description": "optional number"},
    "either": {"anyOf": [{"type": "boolean"}, {"type": "string"}], "description": "bool or text"},
    "any": {"description": "no type"}
  },
  "additionalProperties": false
}`

func TestKeyValueInput(t *testing.T) {
	tests := []struct {
		name    string
		schema  string
		pairs   []string
		want    string
		wantErr string
	}{
		{name: "calculator", schema: addSchema, pairs: []string{"a=1", "n=2"}, want: `{"a":1,"n":2}`},
		{name: "number forms", schema: addSchema, pairs: []string{"a=-1.5e3"}, want: `{"a":-1500}`},
		{name: "fraction", schema: addSchema, pairs: []string{"a=0.25"}, want: `{"a":0.25}`},
		{name: "integer written as float", schema: addSchema, pairs: []string{"n=3.0"}, want: `{"n":3}`},
		{name: "big integer", schema: addSchema, pairs: []string{"n=123456789012345678901234567890"}, want: `{"n":123456789012345678901234567890}`},
		{name: "booleans", schema: addSchema, pairs: []string{"flag=TRUE"}, want: `{"flag":true}`},
		{name: "array as JSON", schema: addSchema, pairs: []string{`tags=["x", "y"]`}, want: `{"tags":["x","y"]}`},
		{name: "object as JSON", schema: addSchema, pairs: []string{`opts={"k": 1}`}, want: `{"opts":{"k":1}}`},
		{name: "string as is", schema: addSchema, pairs: []string{"name=12 = twelve"}, want: `{"name":"12 = twelve"}`},
		{name: "empty string", schema: addSchema, pairs: []string{"name="}, want: `{"name":""}`},
		{name: "integer or null", schema: addSchema, pairs: []string{"maybe=null"}, want: `{"maybe":null}`},
		{name: "anyOf boolean", schema: addSchema, pairs: []string{"either=false"}, want: `{"either":false}`},
		{name: "anyOf falls back to string", schema: addSchema, pairs: []string{"either=maybe"}, want: `{"either":"maybe"}`},
		{name: "untyped is a string", schema: addSchema, pairs: []string{"any=1"}, want: `{"any":"1"}`},
		{name: "schema without properties", schema: `{}`, pairs: []string{"x=1"}, want: `{"x":"1"}`},
		{name: "unreadable schema", schema: `[1]`, pairs: []string{"x=1"}, want: `{"x":"1"}`},
		{name: "unknown parameter", schema: addSchema, pairs: []string{"b=2"}, wantErr: `no parameter "b" (it has: a, any, either`},
		{name: "not a number", schema: addSchema, pairs: []string{"a=one"}, wantErr: `parameter "a": the value is not a valid number`},
		{name: "infinite number", schema: addSchema, pairs: []string{"a=1e999"}, wantErr: "not a valid number"},
		{name: "NaN", schema: addSchema, pairs: []string{"a=NaN"}, wantErr: "not a valid number"},
		{name: "fractional integer", schema: addSchema, pairs: []string{"n=1.5"}, wantErr: "not a valid integer"},
		{name: "not a boolean", schema: addSchema, pairs: []string{"flag=yes"}, wantErr: "not a valid boolean"},
		{name: "array not JSON", schema: addSchema, pairs: []string{"tags=x,y"}, wantErr: "not a valid array"},
		{name: "object given an array", schema: addSchema, pairs: []string{"opts=[1]"}, wantErr: "not a valid object"},
		{name: "integer or null given text", schema: addSchema, pairs: []string{"maybe=x"}, wantErr: "not a valid integer or null"},
		{name: "no equals sign", schema: addSchema, pairs: []string{"a=1", "s3cr3t"}, wantErr: "argument 2 after TOOL_ID: want key=value"},
		{name: "empty key", schema: addSchema, pairs: []string{"=1"}, wantErr: "want key=value"},
		{name: "twice", schema: addSchema, pairs: []string{"a=1", "a=2"}, wantErr: `"a" is given twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := keyValueInput(json.RawMessage(tt.schema), tt.pairs)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "one") {
					t.Errorf("error echoes the value: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("input (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadInputFlag(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "in.json")
	if err := os.WriteFile(good, []byte(" {\"a\": 1}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("[1]"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, value, stdin, want, wantErr string
	}{
		{name: "inline", value: `{"a":1}`, want: `{"a":1}`},
		{name: "file", value: "@" + good, want: `{"a": 1}`},
		{name: "stdin", value: "@-", stdin: `{"b":true}`, want: `{"b":true}`},
		{name: "inline not JSON", value: `{a:1}`, wantErr: "--input is not valid JSON"},
		{name: "inline array", value: `[1]`, wantErr: "must be a JSON object"},
		{name: "file array", value: "@" + bad, wantErr: bad + " must be a JSON object"},
		{name: "missing file", value: "@" + filepath.Join(dir, "nope.json"), wantErr: "no such file"},
		{name: "empty stdin", value: "@-", wantErr: "standard input is not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readInputFlag(tt.value, strings.NewReader(tt.stdin))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("input = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCallOptionsFlags(t *testing.T) {
	tests := []struct {
		name    string
		flags   callFlags
		wantErr string
		wantN   int
	}{
		{name: "all", flags: callFlags{callID: "c", traceID: "t", userID: "u", secrets: []string{"K=v=with=equals"},
			authorization: []string{"google=tok"}}, wantN: 5},
		{name: "none", wantN: 0},
		{name: "secret without id", flags: callFlags{secrets: []string{"the-secret-value"}}, wantErr: "--secret takes ID=VALUE"},
		{name: "secret with empty id", flags: callFlags{secrets: []string{"=the-secret-value"}}, wantErr: "--secret takes ID=VALUE"},
		{name: "token without id", flags: callFlags{authorization: []string{"the-token"}}, wantErr: "--authorization takes ID=TOKEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, err := tt.flags.callOptions()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "the-secret-value") || strings.Contains(err.Error(), "the-token") {
					t.Errorf("error echoes the credential: %v", err)
				}
				return
			}
			if err != nil || len(opts) != tt.wantN {
				t.Fatalf("callOptions = %d options, %v; want %d", len(opts), err, tt.wantN)
			}
		})
	}
}

// FuzzKeyValueInput checks that any command-line argument typed by any
// schema gives a JSON object or an error, never a panic.
func FuzzKeyValueInput(f *testing.F) {
	f.Add(addSchema, "a=1")
	f.Add(addSchema, `tags=["x"]`)
	f.Add(`{"properties":{"x":{"type":["integer","string"]}}}`, "x=1e2")
	f.Add(`{"properties":{"x":{"oneOf":[{"type":"object"}]}}}`, `x={"a":[1,{}]}`)
	f.Fuzz(func(t *testing.T, schema, pair string) {
		got, err := keyValueInput(json.RawMessage(schema), []string{pair})
		if err != nil {
			return
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(got, &obj); err != nil || len(obj) != 1 {
			t.Fatalf("input %q is not an object of one parameter: %v", got, err)
		}
	})
}
