package otc

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Input types of the typed-call fast path's tests.
type (
	fastAdd struct {
		A float64 `json:"a"`
		B float64 `json:"b"`
	}
	fastMixed struct {
		F32   float32 `json:"f32,omitempty"`
		I     int     `json:"i"`
		I8    int8    `json:"i8"`
		U16   uint16  `json:"u16"`
		U     *uint64 `json:"u,omitzero"`
		S     string  `json:"s"`
		PS    *string `json:"ps"`
		OK    bool    `json:"ok"`
		Round *int    `json:"round,omitempty"`
		Plain float64 // named by its field name
		skip  int     //nolint:unused // unexported: not a parameter
		Dash  string  `json:"-"`
	}
	withString struct {
		N int `json:"n,string"`
	}
	withEmbedded struct {
		fastAdd
	}
	withNamed struct {
		Mode mode `json:"mode"`
	}
	withSlice struct {
		L []float64 `json:"l"`
	}
	withFolded struct {
		A int `json:"a"`
		B int `json:"A"`
	}
	mode string
	// selfDecoding decodes itself, so the fast decoder must leave it alone.
	selfDecoding struct {
		A float64 `json:"a"`
	}
)

func (s *selfDecoding) UnmarshalJSON([]byte) error { s.A = 42; return nil }

func TestCompileStructDecoder(t *testing.T) {
	tests := []struct {
		name string
		typ  reflect.Type
		want bool
	}{
		{"scalar fields", reflect.TypeFor[fastAdd](), true},
		{"every scalar kind and pointers", reflect.TypeFor[fastMixed](), true},
		{"no fields", reflect.TypeFor[NoValue](), true},
		{",string option", reflect.TypeFor[withString](), false},
		{"embedded struct", reflect.TypeFor[withEmbedded](), false},
		{"named scalar type", reflect.TypeFor[withNamed](), false},
		{"slice", reflect.TypeFor[withSlice](), false},
		{"names equal but for case", reflect.TypeFor[withFolded](), false},
		{"pointer to struct", reflect.TypeFor[*fastAdd](), false},
		{"own unmarshaler", reflect.TypeFor[selfDecoding](), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := compileStructDecoder(tt.typ) != nil; got != tt.want {
				t.Errorf("compiled: %v, want %v", got, tt.want)
			}
		})
	}
}

// decodeBoth decodes input into a T with the fast decoder and, when it
// succeeds, checks that encoding/json succeeds with the same value. It
// returns whether the fast decoder succeeded.
func decodeBoth[T any](t *testing.T, input []byte) bool {
	t.Helper()
	d := compileStructDecoder(reflect.TypeFor[T]())
	var fast T
	if !d.decode(input, reflect.ValueOf(&fast).Elem()) {
		return false
	}
	var slow T
	if err := json.Unmarshal(input, &slow); err != nil {
		t.Fatalf("fast decoder accepted %q, encoding/json refuses it: %v", input, err)
	}
	if diff := cmp.Diff(slow, fast, cmp.AllowUnexported(fastMixed{})); diff != "" {
		t.Errorf("decoding %q (-encoding/json +fast):\n%s", input, diff)
	}
	return true
}

func TestStructDecoderAgrees(t *testing.T) {
	tests := []struct {
		input string
		fast  bool
	}{
		{`{"a": 1.5, "b": 2}`, true},
		{` {"b":-0,"a":1e308} `, true},
		{`{}`, true},
		{`{"a": 1e309, "b": 2}`, false},
		{`{"A": 1, "b": 2}`, false},
		{`{"a": 1, "a": 2}`, false},
		{`{"a": null}`, false},
		{`{"a": "1"}`, false},
		{`{"a": 1, "c": 2}`, false},
		{`{"a": 1,}`, false},
		{`{"a": 1} x`, false},
	}
	for _, tt := range tests {
		if got := decodeBoth[fastAdd](t, []byte(tt.input)); got != tt.fast {
			t.Errorf("fast decoding of %q: %v, want %v", tt.input, got, tt.fast)
		}
	}
	mixed := []struct {
		input string
		fast  bool
	}{
		{`{"f32": 0.1, "i": -7, "i8": 127, "u16": 65535, "u": 18446744073709551615, "s": "é", "ps": "", "ok": true, "round": 0, "Plain": 2}`, true},
		{`{"i8": 128}`, false},
		{`{"u16": -1}`, false},
		{`{"i": 5.0}`, false},
		{`{"i": -0}`, false},
		{`{"s": "a\"b"}`, false},
		{`{"plain": 2}`, false},
		{`{"Dash": "x"}`, false},
		{`{"skip": 1}`, false},
		{`{"ok": false, "ps": "x"}`, true},
	}
	for _, tt := range mixed {
		if got := decodeBoth[fastMixed](t, []byte(tt.input)); got != tt.fast {
			t.Errorf("fast decoding of %q: %v, want %v", tt.input, got, tt.fast)
		}
	}
}

// FuzzStructDecoder checks the typed call's fast decoder against
// encoding/json: whatever it decodes, encoding/json decodes to the same
// value.
func FuzzStructDecoder(f *testing.F) {
	for _, s := range []string{`{"a": 1.5, "b": 2}`, `{"i": -7, "u16": 65535, "s": "é", "ok": true}`,
		`{"round": 3, "ps": "x", "f32": 1e38}`, `{"a": 1, "a": 2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		decodeBoth[fastAdd](t, input)
		decodeBoth[fastMixed](t, input)
	})
}
