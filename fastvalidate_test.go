package otc_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/toolkits/examples"
)

// differentialTools are the fixed schemas the differential tests run
// against: every tool of the examples toolkit, the validation test's tool
// (which mixes fast and other parameters) and a schema of only fast
// keywords.
func differentialTools(t testing.TB) []*otc.Tool {
	t.Helper()
	simple, err := otc.NewRawTool(validSpec(), json.RawMessage(simpleParams), nil, echo)
	if err != nil {
		t.Fatal(err)
	}
	return append(examples.Tools(examples.Options{InstanceID: "test"}), validationTool(t), simple)
}

// checkAgreement fails t when the fast path's verdict on input disagrees
// with the full validator, or when ValidateInput's answer differs from the
// full validator's. It returns the verdict.
func checkAgreement(t *testing.T, tool *otc.Tool, input []byte) string {
	t.Helper()
	if len(strings.TrimSpace(string(input))) == 0 {
		input = []byte(`{}`)
	}
	verdict := otc.FastVerdict(tool, input)
	full := otc.ValidateInputFull(tool, input)
	switch {
	case verdict == "valid" && full != nil:
		t.Errorf("%s: fast path says valid, full validator says %v, for %q", tool.ID(), full, input)
	case verdict == "invalid" && full == nil:
		t.Errorf("%s: fast path says invalid, full validator accepts %q", tool.ID(), input)
	}
	if diff := cmp.Diff(describe(full), describe(tool.ValidateInput(input))); diff != "" {
		t.Errorf("%s: ValidateInput(%q) differs from the full validator (-full +got):\n%s", tool.ID(), input, diff)
	}
	return verdict
}

// describe renders a validation result for comparison.
func describe(err error) string {
	if e, ok := err.(*otc.Error); ok {
		b, _ := json.Marshal(e.ParameterErrors)
		return fmt.Sprintf("%s %s %s", e.Code, e.Message, b)
	}
	return fmt.Sprint(err)
}

func TestFastValidateAgrees(t *testing.T) {
	// OTC: CALL-4 — the fast path changes no answer, and the common inputs
	// take it.
	tools := map[string]*otc.Tool{}
	for _, tool := range differentialTools(t) {
		tools[tool.ID()+tool.Definition().Description] = tool
	}
	add := tools["Calculator.Add@1.0.0Adds two numbers and returns the sum."]
	rounded := tools["Calculator.Add@1.1.0Adds two numbers and returns the sum, optionally rounded to a number of decimal digits."]
	fail := tools["Demo.Fail@1.0.0"+examplesDescription(t, "Demo.Fail@1.0.0")]
	simple := tools["Calculator.Add@1.0.0Adds two numbers."]
	if add == nil || rounded == nil || fail == nil || simple == nil {
		t.Fatal("a tool of the test is missing")
	}
	tests := []struct {
		name    string
		tool    *otc.Tool
		input   string
		verdict string
	}{
		{"add", add, `{"a": 1.5, "b": 2}`, "valid"},
		{"add, compact", add, `{"a":1.5,"b":2}`, "valid"},
		{"add, white space everywhere", add, " \t\r\n{ \"a\" : -0.5e3 , \"b\" : 0 } \n", "valid"},
		{"add, missing b", add, `{"a": 1}`, "invalid"},
		{"add, unknown", add, `{"a": 1, "b": 2, "c": 3}`, "invalid"},
		{"add, wrong case", add, `{"A": 1, "b": 2}`, "invalid"},
		{"add, string", add, `{"a": "1", "b": 2}`, "invalid"},
		{"add, null", add, `{"a": null, "b": 2}`, "invalid"},
		{"add, nested", add, `{"a": {"x": [1, "]"]}, "b": 2}`, "invalid"},
		{"add, out of range", add, `{"a": 1e400, "b": 2}`, "invalid"},
		{"add, duplicate that fixes", add, `{"a": "x", "b": 2, "a": 1}`, "unsure"},
		{"add, duplicate that breaks", add, `{"a": 1, "b": 2, "a": "x"}`, "unsure"},
		{"add, escaped key", add, `{"\u0061": 1, "b": 2}`, "unsure"},
		{"add, trailing data", add, `{"a": 1, "b": 2} x`, "unsure"},
		{"add, trailing comma", add, `{"a": 1, "b": 2,}`, "unsure"},
		{"add, leading zero", add, `{"a": 01, "b": 2}`, "unsure"},
		{"add, vertical tab", add, "\v{\"a\": 1, \"b\": 2}", "unsure"},
		{"add, array", add, `[1, 2]`, "unsure"},
		{"rounded, in range", rounded, `{"a": 1, "b": 2, "round": 10}`, "valid"},
		{"rounded, above maximum", rounded, `{"a": 1, "b": 2, "round": 11}`, "invalid"},
		{"rounded, below minimum", rounded, `{"a": 1, "b": 2, "round": -1}`, "invalid"},
		{"rounded, integral fraction", rounded, `{"a": 1, "b": 2, "round": 5.0}`, "unsure"},
		{"rounded, fraction", rounded, `{"a": 1, "b": 2, "round": 5.5}`, "unsure"},
		{"rounded, beyond 15 digits", rounded, `{"a": 1, "b": 2, "round": 10.0000000000000000001}`, "unsure"},
		{"fail, enum", fail, `{"mode": "panic"}`, "valid"},
		{"fail, not in enum", fail, `{"mode": "explode"}`, "invalid"},
		{"fail, escaped enum value", fail, `{"mode": "p\u0061nic"}`, "valid"},
		{"simple, every parameter", simple, `{"n": 10.5, "i": 100, "mode": "b", "s": "abcd", "ok": false}`, "valid"},
		{"simple, just above maximum", simple, `{"n": 10.5000000000001, "mode": "a"}`, "invalid"},
		{"simple, pattern", simple, `{"n": 1, "mode": "a", "s": "aB"}`, "invalid"},
		{"simple, length in code points", simple, `{"n": 1, "mode": "a", "s": "éé"}`, "invalid"},
		{"simple, too long", simple, `{"n": 1, "mode": "a", "s": "abcde"}`, "invalid"},
		{"simple, invalid UTF-8", simple, "{\"n\": 1, \"mode\": \"a\", \"s\": \"a\xff\"}", "invalid"},
		{"simple, control character", simple, "{\"n\": 1, \"mode\": \"a\", \"s\": \"a\nb\"}", "unsure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkAgreement(t, tt.tool, []byte(tt.input)); got != tt.verdict {
				t.Errorf("verdict %s, want %s", got, tt.verdict)
			}
		})
	}
}

func examplesDescription(t *testing.T, id string) string {
	t.Helper()
	for _, tool := range examples.Tools(examples.Options{InstanceID: "test"}) {
		if tool.ID() == id {
			return tool.Definition().Description
		}
	}
	t.Fatalf("no example tool %s", id)
	return ""
}

// FuzzFastValidate is the differential test of the fast path: for random
// inputs, against the example tools' schemas and random simple schemas, its
// "valid" and "invalid" must be the full validator's answers, and
// ValidateInput must answer exactly as the full validator does.
func FuzzFastValidate(f *testing.F) {
	for _, s := range [][2]string{
		{"\x00", `{"a": 1.5, "b": 2}`},
		{"\x0c", `{"n": 10.5, "mode": "b", "s": "ab"}`},
		{"\x0d\x05\x01\x02\x03\x04\x05\x06\x07", `{"a": 1}`},
		{"\x0d\xff\x10\x20\x30\x40\x50\x60\x70\x80\x90", `{}`},
		{"\x0d\x03\x07\x0b\x13\x17\x1b", `{"c": "é", "a": 0.1}`},
	} {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	tools := differentialTools(f)
	f.Fuzz(func(t *testing.T, gen, input []byte) {
		g := &generator{data: gen}
		choice := int(g.next()) % (len(tools) + 1)
		if choice < len(tools) {
			checkAgreement(t, tools[choice], input)
			checkAgreement(t, tools[choice], g.input())
			return
		}
		params := g.schema()
		tool, err := otc.NewRawTool(validSpec(), params, nil, echo)
		if err != nil {
			return // a pool pattern or bound the compiler refuses
		}
		checkAgreement(t, tool, input)
		checkAgreement(t, tool, g.input())
	})
}

// generator builds simple schemas and inputs for them from fuzz bytes.
type generator struct{ data []byte }

func (g *generator) next() byte {
	if len(g.data) == 0 {
		return 0
	}
	b := g.data[0]
	g.data = g.data[1:]
	return b
}

func (g *generator) pick(pool []string) string { return pool[int(g.next())%len(pool)] }

var (
	genNames   = []string{"a", "b", "c", "d", "é"}
	genTypes   = []string{`"number"`, `"integer"`, `"string"`, `"boolean"`, `"array"`, `["string","null"]`}
	genNumbers = []string{"0", "1", "-1", "10.5", "0.1", "1e20", "100", "2.5e-3", "9007199254740993", "1e-320", "0.30000000000000004"}
	genStrings = []string{`"a"`, `"ab"`, `"é"`, `""`, `"\u0061"`, `"a\"b"`}
	genPattern = []string{`"^[a-z]+$"`, `"a"`, `"^.$"`, `"\\d"`}
	genKeys    = []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
		"pattern", "enum", "format", "multipleOf", "const", "title"}
	genValues = []string{`1`, `0`, `-1`, `10.5`, `10.50000000000000001`, `1e400`, `5.0`, `1e2`, `-0`, `0.1`,
		`0.30000000000000004`, `1e20`, `100`, `9007199254740993`, `2.5e-3`, `1e-320`, `"a"`, `"ab"`, `"é"`, `"\u0061"`,
		`"a\nb"`, "\"\xff\"", `""`, `"abcd"`, `"5"`, `true`, `false`, `null`, `[1]`, `{"x": [1, "}"]}`, `tru`}
)

// schema returns the parameters of a random simple schema.
func (g *generator) schema() json.RawMessage {
	var props, required []string
	for n := int(g.next()) % 5; n > 0; n-- {
		name := g.pick(genNames)
		var kw []string
		kw = append(kw, `"description": "d"`, `"type": `+g.pick(genTypes))
		for k := int(g.next()) % 4; k > 0; k-- {
			switch key := g.pick(genKeys); key {
			case "minLength", "maxLength":
				kw = append(kw, fmt.Sprintf("%q: %d", key, g.next()%4))
			case "pattern":
				kw = append(kw, `"pattern": `+g.pick(genPattern))
			case "enum":
				kw = append(kw, `"enum": [`+g.pick(genStrings)+`, `+g.pick(genStrings)+`]`)
			case "format":
				kw = append(kw, `"format": "email"`)
			case "const":
				kw = append(kw, `"const": `+g.pick(genStrings))
			case "title":
				kw = append(kw, `"title": "t"`)
			default:
				kw = append(kw, fmt.Sprintf("%q: %s", key, g.pick(genNumbers)))
			}
		}
		props = append(props, fmt.Sprintf("%q: {%s}", name, strings.Join(kw, ", ")))
		if g.next()%2 == 0 {
			required = append(required, fmt.Sprintf("%q", name))
		}
	}
	extra := g.pick([]string{``, `, "additionalProperties": false`, `, "additionalProperties": true`})
	return json.RawMessage(fmt.Sprintf(`{"type": "object", "properties": {%s}, "required": [%s]%s}`,
		strings.Join(props, ", "), strings.Join(required, ", "), extra))
}

// input returns a random input object for the schemas above.
func (g *generator) input() []byte {
	var members []string
	for n := int(g.next()) % 5; n > 0; n-- {
		key := g.pick(append(genNames, "z", "A", `\u0061`))
		members = append(members, fmt.Sprintf(`"%s": %s`, key, g.pick(genValues)))
	}
	return []byte("{" + strings.Join(members, ", ") + "}")
}
