package jsonx

import (
	"encoding/json"
	"math"
	"testing"
	"unicode/utf8"
)

// AppendString with the escaped replacement writes what encoding/json
// decodes back to the same string (invalid UTF-8 becoming U+FFFD), for
// every kind of character it treats specially.
func TestAppendStringRoundTrip(t *testing.T) {
	for _, s := range []string{
		"", "plain", `quote " backslash \`, "ctl \x00\x01\x1f\x7f", "nl\n cr\r tab\t",
		"unicode é ✓ 😀", "ls \u2028 ps \u2029", "bad \xff\xfe utf8", "<html>&",
	} {
		for _, invalid := range []string{EscapedReplacement, RawReplacement} {
			b := AppendString(nil, s, invalid)
			if !json.Valid(b) {
				t.Fatalf("AppendString(%q) = %s: not valid JSON", s, b)
			}
			var got string
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if want := string([]rune(s)); got != want && utf8.ValidString(s) {
				t.Errorf("round trip of %q gave %q", s, got)
			}
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("a\"b\\c\n\x00\u2028\xff")
	f.Fuzz(func(t *testing.T, s string) {
		b := AppendString(nil, s, EscapedReplacement)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("AppendString(%q) = %s: %v", s, b, err)
		}
		if utf8.ValidString(s) && got != s {
			t.Fatalf("round trip of %q gave %q", s, got)
		}
	})
}

// FuzzAppendFloat checks that a float64 output is written exactly as
// encoding/json writes it.
func FuzzAppendFloat(f *testing.F) {
	for _, x := range []float64{0, math.Copysign(0, -1), 1.5, 1e-7, 1e21, 123456789e-15, math.MaxFloat64, math.SmallestNonzeroFloat64, math.NaN(), math.Inf(-1)} {
		f.Add(math.Float64bits(x))
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		x := math.Float64frombits(bits)
		want, err := json.Marshal(x)
		got, ok := AppendFloat(nil, x)
		if ok != (err == nil) {
			t.Fatalf("%v: AppendFloat ok %v, json.Marshal error %v", x, ok, err)
		}
		if ok && string(got) != string(want) {
			t.Errorf("%v: AppendFloat %s, json.Marshal %s", x, got, want)
		}
	})
}
