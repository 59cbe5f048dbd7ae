package server

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/otc-dev/otc"
)

// OTC: CALL-2
func TestAppendResultValue(t *testing.T) {
	for _, tc := range []struct {
		name, value, want string
	}{
		{"Compact", `{"sum":3.75,"s":"a b"}`, `{"sum":3.75,"s":"a b"}`},
		{"Spaces", "{ \"sum\" : 3.75,\n\t\"s\": \"a b\" }", `{"sum":3.75,"s":"a b"}`},
		{"EscapedQuote", `{"s":"x\" y"}`, `{"s":"x\" y"}`},
		{"EscapedQuoteThenSpace", `{"s":"x\\" , "t":1}`, `{"s":"x\\","t":1}`},
		{"Number", `3`, `3`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := appendResult(nil, &otc.CallToolResponse{CallID: "c", Success: true, Value: json.RawMessage(tc.value)})
			want := `{"call_id":"c","duration":0,"success":true,"value":` + tc.want + `}`
			if string(got) != want {
				t.Fatalf("appendResult = %s, want %s", got, want)
			}
		})
	}
}

// FuzzIsCompact checks that a value isCompact lets through unchanged is
// what json.Compact would have made of it.
func FuzzIsCompact(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{ "a" : [1, 2] }`, `"x\" y"`, `{"s":"x\\" , "t":1}`, `[true,null,-1.5e3]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		if !json.Valid(v) || !isCompact(v) {
			return
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, v); err != nil {
			t.Fatalf("Compact(%q): %v", v, err)
		}
		if !bytes.Equal(buf.Bytes(), v) {
			t.Fatalf("isCompact(%q) but json.Compact gives %q", v, buf.Bytes())
		}
	})
}
