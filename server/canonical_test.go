package server

import (
	"bytes"
	"testing"

	"github.com/otc-dev/otc"
)

func TestIsCanonical(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     bool
	}{
		{"Empty", `{}`, true},
		{"Sorted", `{"a":1,"b":2}`, true},
		{"Nested", `{"a":[{"x":null,"y":true},[],"s"],"b":{"c":-0.5e3}}`, true},
		{"HTMLCharacters", `{"a":"<&>"}`, true},
		{"Unicode", `{"z":"日本","é":"ü"}`, true},
		{"UnicodeSortsAfterASCII", `{"é":"ü","z":"日本"}`, false},
		{"Unsorted", `{"b":1,"a":2}`, false},
		{"UnsortedNested", `{"a":[{"y":1,"x":2}]}`, false},
		{"UppercaseSortsFirst", `{"B":1,"a":2}`, true},
		{"Space", `{"a": 1}`, false},
		{"Newline", "{\"a\":1}\n", false},
		{"SpaceInString", `{"a":"x y"}`, true},
		{"Escape", `{"a":"\u0041"}`, false},
		{"EscapedKey", `{"\u0061":1}`, false},
		{"LineSeparator", "{\"a\":\"\u2028\"}", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := validateJSON([]byte(tc.in), DefaultMaxJSONDepth); err != nil {
				t.Fatalf("test input is not valid: %v", err)
			}
			if got := isCanonical([]byte(tc.in)); got != tc.want {
				t.Fatalf("isCanonical(%s) = %v, want %v", tc.in, got, tc.want)
			}
			// Whatever the path, the result is the long way's.
			slow, err := reencodeJSON([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := canonicalJSON([]byte(tc.in))
			if err != nil || !bytes.Equal(got, slow) {
				t.Fatalf("canonicalJSON(%s) = %s, %v; want %s", tc.in, got, err, slow)
			}
		})
	}
}

// FuzzCanonicalJSON checks that an input isCanonical accepts is exactly
// what decoding and encoding it again gives: the digest of a call_id's
// record must not depend on which path computed it.
func FuzzCanonicalJSON(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":2}`, `{"b":[1,2.50,"x<y"],"a":{"d":null,"c":true}}`, `{"a":1E+2,"b":-0}`, `[]`, `"x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if validateJSON(data, DefaultMaxJSONDepth) != nil || !isCanonical(data) {
			return
		}
		slow, err := reencodeJSON(data)
		if err != nil {
			t.Fatalf("reencodeJSON(%q): %v", data, err)
		}
		if !bytes.Equal(slow, data) {
			t.Fatalf("isCanonical(%q) but re-encoded it is %q", data, slow)
		}
	})
}

// The digest is stored in call records: its value must never change, or
// repeats of calls recorded before an upgrade would be refused as
// conflicts. These values were computed by the first implementation.
//
// OTC: CALL-6
func TestRequestDigestStable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tool   string
		input  string
		caller *otc.Caller
		cc     *otc.CallContext
		want   string
	}{
		{"Anonymous", "Calculator.Add@1.0.0", `{"a":1,"b":2}`, nil, nil,
			"6692c60242f935afeb9dffdaa78a2f132f7de264f2c16af9e2cb5e3525733ef2"},
		{"CallerAndUser", "A.B@1.0.0", `{"x":[1,"é"]}`, &otc.Caller{Method: "jwt", Name: "alice"}, &otc.CallContext{UserID: "u-1"},
			"c2ee1e9dcba3c979e82e00817cca5c802f19d8b4ab58ba5294c2016dba78ed9e"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := requestDigest(tc.tool, []byte(tc.input), tc.caller, tc.cc); got != tc.want {
				t.Fatalf("requestDigest = %s, want %s", got, tc.want)
			}
		})
	}
}
