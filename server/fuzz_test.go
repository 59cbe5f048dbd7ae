package server

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/otc-dev/otc"
)

// FuzzDecodeCallRequest feeds arbitrary bodies to the call decoder: it must
// never panic, must refuse with an *otc.Error of CodeBadRequest, and what
// it accepts must be well formed.
func FuzzDecodeCallRequest(f *testing.F) {
	for _, s := range []string{
		`{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`,
		`{"$schema":"otc://1.0","request":{"call_id":"c","trace_id":"t","tool_id":"A.B","inputs":{}}}`,
		`{"request":{"tool_id":"Demo.WhoAmI","context":{"user_id":"u","authorization":[{"id":"demo","token":"t"}],"secrets":[{"id":"S","value":"v"}],"ext":1}}}`,
		`{"request":{"tool_id":"A.B","input":{"x":1},"inputs":{"x":1}}}`,
		`{"request":{"tool_id":"A.B","TOOL_ID":"C.D"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeCallRequest(body, 32)
		if err != nil {
			var e *otc.Error
			if !errors.As(err, &e) || e.Code != otc.CodeBadRequest || e.Message == "" {
				t.Fatalf("error %v is not a bad-request *otc.Error", err)
			}
			return
		}
		r := req.Request
		if len(r.CallID) > MaxIDLength || len(r.TraceID) > MaxIDLength {
			t.Fatalf("accepted an id longer than %d bytes", MaxIDLength)
		}
		for _, s := range []string{req.Schema, r.CallID, r.TraceID, r.ToolID} {
			if !utf8.ValidString(s) {
				t.Fatalf("accepted invalid UTF-8 %q", s)
			}
		}
		if len(r.Input) > 0 && r.Input[0] != '{' {
			t.Fatalf("accepted a non-object input %q", r.Input)
		}
		if validateJSON(body, 32) != nil {
			t.Fatal("accepted a body the validator rejects")
		}
		if strings.TrimSpace(string(body))[0] != '{' {
			t.Fatal("accepted a body that is not an object")
		}
	})
}
