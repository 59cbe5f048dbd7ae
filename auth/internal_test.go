package auth

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// OTC: AUTHZ-7 — every stored digest is compared, in full, whichever key
// matches and whether any does: no early exit reveals which key or how much
// of it matched.
func TestMatchAPIKeyComparesAll(t *testing.T) {
	var keys []storedKey
	for i := 0; i < 100; i++ {
		keys = append(keys, storedKey{digest: sha256.Sum256([]byte(fmt.Sprint("key-", i)))})
	}
	calls := 0
	compareDigest = func(x, y []byte) int {
		calls++
		if len(x) != sha256.Size || len(y) != sha256.Size {
			t.Errorf("compared %d and %d bytes, want two digests", len(x), len(y))
		}
		return sha256Equal(x, y)
	}
	t.Cleanup(func() { compareDigest = defaultCompare })
	tests := []struct {
		name      string
		presented string
		want      int
	}{
		{"first", "key-0", 0},
		{"middle", "key-50", 50},
		{"last", "key-99", 99},
		{"none", "key-100", -1},
		{"prefix", "key-", -1},
		{"empty", "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls = 0
			if got := matchAPIKey(keys, tt.presented); got != tt.want {
				t.Errorf("matched %d, want %d", got, tt.want)
			}
			if calls != len(keys) {
				t.Errorf("%d comparisons, want %d (one per stored key)", calls, len(keys))
			}
		})
	}
}

var defaultCompare = compareDigest

func sha256Equal(x, y []byte) int {
	if string(x) == string(y) {
		return 1
	}
	return 0
}

// OTC: AUTHZ-3 — names equal under case folding collide, as they would in
// encoding/json.
func TestFoldName(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"exp", "EXP", true},
		{"exp", "ExP", true},
		{"kid", "\u212Aid", true}, // Kelvin sign folds to k
		{"ſub", "sub", true},      // long s folds to s
		{"exp", "exp ", false},
		{"aud", "aub", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := foldName(tt.a) == foldName(tt.b); got != tt.same {
				t.Errorf("same %v, want %v", got, tt.same)
			}
		})
	}
}

// OTC: AUTHZ-3 — NumericDate values are integer JSON numbers in range.
func TestNumericDate(t *testing.T) {
	tests := []struct {
		raw     string
		want    int64
		wantErr bool
	}{
		{"0", 0, false},
		{"1767225600", 1767225600, false},
		{"253402300799", 253402300799, false},
		{"253402300800", 0, true},
		{"-1", 0, true},
		{"1.0", 0, true},
		{"1e3", 0, true},
		{`"1"`, 0, true},
		{"null", 0, true},
		{"true", 0, true},
		{"[1]", 0, true},
		{"", 0, true},
		{"99999999999999999999999", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := numericDate(json.RawMessage(tt.raw))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("got %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// OTC: AUTHZ-3 — one object, unique names at every depth, nothing after it.
func TestDecodeObject(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string]string
		wantErr string
	}{
		{"flat", `{"a":1,"b":"x"}`, map[string]string{"a": "1", "b": `"x"`}, ""},
		{"spaces around", " {\"a\" : 1} \n", map[string]string{"a": "1"}, ""},
		{"nested unique", `{"a":{"b":[{"c":1},{"c":2}]}}`, map[string]string{"a": `{"b":[{"c":1},{"c":2}]}`}, ""},
		{"duplicate", `{"a":1,"a":2}`, nil, "duplicate"},
		{"case variant", `{"a":1,"A":2}`, nil, "duplicate"},
		{"nested duplicate", `{"x":[{"a":1,"a":2}]}`, nil, "duplicate"},
		{"escaped duplicate", `{"a":1,"\u0061":2}`, nil, "duplicate"},
		{"array", `[]`, nil, "not a JSON object"},
		{"string", `"x"`, nil, "not a JSON object"},
		{"two objects", `{}{}`, nil, "invalid JSON"},
		{"trailing garbage", `{}x`, nil, "invalid JSON"},
		{"invalid utf8", "{\"a\":\"\xff\"}", nil, "UTF-8"},
		{"too deep", `{"a":` + nest(20) + `}`, nil, "deeply"},
		{"empty", ``, nil, "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeObject([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			gotS := map[string]string{}
			for k, v := range got {
				gotS[k] = string(v)
			}
			if diff := cmp.Diff(tt.want, gotS); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func nest(n int) string {
	s := "1"
	for i := 0; i < n; i++ {
		s = "[" + s + "]"
	}
	return s
}

func TestToolPatterns(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		allowed  []string
		denied   []string
		wantErr  bool
	}{
		{"default all", nil, []string{"Calculator.Add", "Demo.WhoAmI"}, nil, false},
		{"star", []string{"*"}, []string{"Calculator.Add"}, nil, false},
		{"toolkit", []string{"Calculator.*"}, []string{"Calculator.Add", "Calculator.Divide"}, []string{"Demo.WhoAmI", "CalculatorX.Add", "calculator.Add"}, false},
		{"tool", []string{"Demo.WhoAmI"}, []string{"Demo.WhoAmI"}, []string{"Demo.Counter", "Demo.WhoAmIx"}, false},
		{"mixed", []string{"Calculator.*", "Demo.WhoAmI"}, []string{"Calculator.Add", "Demo.WhoAmI"}, []string{"Demo.Counter"}, false},
		{"prefix glob", []string{"Calc*"}, nil, nil, true},
		{"tool glob", []string{"*.Add"}, nil, nil, true},
		{"version", []string{"Demo.WhoAmI@1.0.0"}, nil, nil, true},
		{"empty", []string{""}, nil, nil, true},
		{"star then bad", []string{"*", "bad"}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := compileTools(tt.patterns)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			for _, q := range tt.allowed {
				if !s.allows(q) {
					t.Errorf("%s denied", q)
				}
			}
			for _, q := range tt.denied {
				if s.allows(q) {
					t.Errorf("%s allowed", q)
				}
			}
		})
	}
}

// FuzzDecodeObject: the strict decoder never panics, and what it accepts
// is a JSON object that encoding/json reads the same, with no two names
// equal under case folding.
func FuzzDecodeObject(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"exp":1,"EXP":2}`, `{"a":{"b":[{"c":1,"C":2}]}}`, `{"\u0061":1,"a":2}`, "{\"\u212a\":1,\"k\":2}", `[]`, `{}{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeObject(b)
		if err != nil {
			return
		}
		var std map[string]json.RawMessage
		if err := json.Unmarshal(b, &std); err != nil {
			t.Fatalf("accepted what encoding/json refuses: %v", err)
		}
		if len(std) != len(got) {
			t.Fatalf("%d members, encoding/json sees %d", len(got), len(std))
		}
		names := make([]string, 0, len(got))
		for k := range got {
			names = append(names, k)
		}
		for i := range names {
			for j := i + 1; j < len(names); j++ {
				if strings.EqualFold(names[i], names[j]) {
					t.Fatalf("accepted names %q and %q", names[i], names[j])
				}
			}
		}
	})
}
