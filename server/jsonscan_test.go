package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidateJSON(t *testing.T) {
	many := func(n int, dupAt int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			k := i
			if i == dupAt {
				k = 0
			}
			fmt.Fprintf(&b, `"k%d":%d`, k, i)
		}
		b.WriteString("}")
		return b.String()
	}
	tests := []struct {
		name  string
		in    string
		depth int
		want  string // "" for valid, else a part of the reason
	}{
		{"scalars", `[true,false,null,0,-0,1.5,-2e10,3E+2,4e-2,"s"]`, 64, ""},
		{"white space", " \t\r\n{ \"a\" : [ ] } \n", 64, ""},
		{"escapes", `"\" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"`, 64, ""},
		{"utf-8", `"héllo ✓ 😀"`, 64, ""},
		{"replacement char is valid", "\"\xef\xbf\xbd\"", 64, ""},
		{"empty", ``, 64, "empty"},
		{"only space", `   `, 64, "empty"},
		{"BOM", "\xef\xbb\xbf{}", 64, "invalid character"},
		{"trailing", `{} x`, 64, "after the JSON value"},
		{"trailing comma array", `[1,]`, 64, "invalid character"},
		{"trailing comma object", `{"a":1,}`, 64, "object key"},
		{"leading zero", `01`, 64, "after the JSON value"},
		{"bare minus", `-`, 64, "invalid number"},
		{"dot without digit", `1.`, 64, "decimal point"},
		{"exponent without digit", `1e+`, 64, "exponent"},
		{"plus sign", `+1`, 64, "invalid character"},
		{"NaN", `NaN`, 64, "invalid character"},
		{"bad literal", `tru`, 64, "invalid literal"},
		{"single quotes", `{'a':1}`, 64, "object key"},
		{"unquoted key", `{a:1}`, 64, "object key"},
		{"missing colon", `{"a" 1}`, 64, "':'"},
		{"unterminated string", `"abc`, 64, "unterminated"},
		{"control char", "\"a\x01b\"", 64, "control character"},
		{"raw newline", "\"a\nb\"", 64, "control character"},
		{"bad escape", `"\x41"`, 64, "invalid escape"},
		{"short unicode escape", `"\u12"`, 64, `\u escape`},
		{"lone low surrogate", `"\udc00"`, 64, "surrogate"},
		{"lone high surrogate", `"\ud800x"`, 64, "surrogate"},
		{"high then high", `"\ud800\ud800"`, 64, "surrogate"},
		{"invalid utf-8", "\"\xc3\x28\"", 64, "UTF-8"},
		{"overlong utf-8", "\"\xc0\xaf\"", 64, "UTF-8"},
		{"utf-8 surrogate", "\"\xed\xa0\x80\"", 64, "UTF-8"},
		{"invalid utf-8 in key", "{\"\xff\":1}", 64, "UTF-8"},
		{"duplicate", `{"a":1,"a":2}`, 64, "duplicate"},
		{"case variant", `{"tool_id":1,"TOOL_ID":2}`, 64, "duplicate"},
		{"escaped duplicate", `{"a":1,"\u0061":2}`, 64, "duplicate"},
		{"long s folds to s", `{"s":1,"\u017f":2}`, 64, "duplicate"},
		{"same key in sibling objects", `[{"a":1},{"a":2}]`, 64, ""},
		{"same key nested", `{"a":{"a":{"a":1}}}`, 64, ""},
		{"duplicate after nested close", `{"a":{"b":1,"c":2},"b":3,"a":4}`, 64, "duplicate"},
		{"many keys", many(100, -1), 64, ""},
		{"many keys duplicate", many(100, 99), 64, "duplicate"},
		{"many keys case variant", strings.Replace(many(100, -1), `"k99"`, `"K5"`, 1), 64, "duplicate"},
		{"large siblings alike", "[" + many(40, -1) + "," + many(40, -1) + "]", 64, ""},
		{"large then small sibling", "[" + many(40, -1) + `,{"k1":1,"k1":2}]`, 64, "duplicate"},
		{"large sibling duplicate", "[" + many(40, -1) + "," + many(40, 39) + "]", 64, "duplicate"},
		{"depth at limit", strings.Repeat("[", 3) + strings.Repeat("]", 3), 3, ""},
		{"depth over limit", strings.Repeat("[", 4) + strings.Repeat("]", 4), 3, "deeper than 3"},
		{"object depth", `{"a":{"b":{"c":{}}}}`, 3, "deeper than 3"},
		{"unclosed", `{"a":[1,2`, 64, "end of input"},
		{"closing mismatch", `[1}`, 64, "expected ',' or ']'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := validateJSON([]byte(tc.in), tc.depth)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("validateJSON(%q) = %v, want nil", tc.in, err)
			case tc.want != "" && err == nil:
				t.Errorf("validateJSON(%q) = nil, want an error about %q", tc.in, tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Errorf("validateJSON(%q) = %v, want it to mention %q", tc.in, err, tc.want)
			}
			var je *JSONError
			if err != nil && !errors.As(err, &je) {
				t.Errorf("error %T is not a *JSONError", err)
			}
		})
	}
}

// The validator must agree with encoding/json on syntax: anything it
// accepts, encoding/json accepts (the reverse does not hold: it is
// stricter).
func checkAgainstStdlib(t *testing.T, data []byte) {
	err := validateJSON(data, 10_000)
	if err == nil && !json.Valid(data) {
		t.Fatalf("validateJSON accepted %q, which encoding/json rejects", data)
	}
	if err == nil && !utf8.Valid(data) {
		t.Fatalf("validateJSON accepted invalid UTF-8 %q", data)
	}
	if err != nil && json.Valid(data) && utf8.Valid(data) {
		// Only the stricter rules may reject valid JSON.
		var je *JSONError
		if !errors.As(err, &je) {
			t.Fatalf("not a *JSONError: %v", err)
		}
		if !strings.Contains(je.Reason, "duplicate") && !strings.Contains(je.Reason, "surrogate") {
			t.Fatalf("validateJSON rejected valid JSON %q: %v", data, err)
		}
	}
}

func FuzzValidateJSON(f *testing.F) {
	for _, s := range []string{`{}`, `[1,"a",{"b":null}]`, `{"a":1,"A":2}`, `"\ud83d\ude00"`, `-0.5e-3`, `{"a":{"a":[]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAgainstStdlib(t, data)
		if validateJSON(data, 10_000) != nil {
			return
		}
		// The walkers must handle whatever the validator accepts.
		if len(data) > 0 {
			i := skipSpace(data, 0)
			if end := skipValue(data, i); skipSpace(data, end) != len(data) {
				t.Fatalf("skipValue stopped at %d of %q", end, data)
			}
			switch data[i] {
			case '{':
				for it := members(data[i:]); it.next(); {
					if validateJSON(it.value, 10_000) != nil {
						t.Fatalf("a member of %q is not a JSON value: %q", data, it.value)
					}
				}
			case '[':
				for it := elements(data[i:]); it.next(); {
					if validateJSON(it.value, 10_000) != nil {
						t.Fatalf("element %d of %q is not a JSON value: %q", it.n, data, it.value)
					}
				}
			case '"':
				s, ok := jsonString(data[i:skipValue(data, i)])
				var want string
				if err := json.Unmarshal(data, &want); err != nil || !ok || s != want {
					t.Fatalf("jsonString(%q) = %q, %v; encoding/json says %q (%v)", data, s, ok, want, err)
				}
			}
		}
	})
}

func TestUnescapeAgreesWithStdlib(t *testing.T) {
	for _, s := range []string{`"a\"b"`, `"\u00e9\u4e2d\ud83d\ude00"`, `"\/\\\b\f\n\r\t"`, `"plain"`, `""`} {
		got, ok := jsonString([]byte(s))
		var want string
		if err := json.Unmarshal([]byte(s), &want); err != nil || !ok || got != want {
			t.Errorf("jsonString(%s) = %q, want %q", s, got, want)
		}
	}
}

func TestFoldMatchesEqualFold(t *testing.T) {
	pairs := [][2]string{{"tool_id", "TOOL_ID"}, {"k", "\u212a"}, {"s", "\u017f"}, {"straße", "STRASSE"}, {"Σίσυφος", "ΣΊΣΥΦΟΣ"}, {"ǅ", "ǆ"}, {"a", "b"}}
	for _, p := range pairs {
		fa, fb := string(appendFolded(nil, []byte(p[0]))), string(appendFolded(nil, []byte(p[1])))
		if (fa == fb) != strings.EqualFold(p[0], p[1]) {
			t.Errorf("fold(%q) == fold(%q) is %v; strings.EqualFold says %v", p[0], p[1], fa == fb, strings.EqualFold(p[0], p[1]))
		}
	}
}

func FuzzFold(f *testing.F) {
	f.Add("tool_id", "TOOL_ID")
	f.Add("k", "\u212a")
	f.Fuzz(func(t *testing.T, a, b string) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			return
		}
		fa, fb := string(appendFolded(nil, []byte(a))), string(appendFolded(nil, []byte(b)))
		if (fa == fb) != strings.EqualFold(a, b) {
			t.Fatalf("fold(%q) == fold(%q) is %v; strings.EqualFold says %v", a, b, fa == fb, strings.EqualFold(a, b))
		}
	})
}
