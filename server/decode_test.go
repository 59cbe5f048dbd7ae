package server

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc"
)

// OTC: CALL-1, CALL-3: every malformed body is a clear 4xx, never a 500.
func TestCallRejectsBadBodies(t *testing.T) {
	deep := strings.Repeat(`[`, 64) + strings.Repeat(`]`, 64)
	tests := []struct {
		name        string
		body        string
		contentType string // "-" sends none
		opts        Options
		wantStatus  int
		wantDetail  string // in the developer message
	}{
		{name: "empty", body: ``, wantStatus: 400, wantDetail: "empty"},
		{name: "not JSON", body: `hello`, wantStatus: 400, wantDetail: "invalid"},
		{name: "truncated", body: `{"request":{"tool_id":"Calculator.Add"`, wantStatus: 400, wantDetail: "end of input"},
		{name: "trailing data", body: `{"request":{"tool_id":"Calculator.Add"}} {}`, wantStatus: 400, wantDetail: "after the JSON value"},
		{name: "two values", body: `{"request":{"tool_id":"Calculator.Add"}}{"request":{}}`, wantStatus: 400, wantDetail: "after the JSON value"},
		{name: "not an object", body: `["request"]`, wantStatus: 400, wantDetail: "must be a JSON object"},
		{name: "invalid UTF-8", body: "{\"request\":{\"tool_id\":\"Calculator.Add\",\"input\":{\"a\":\"\xff\"}}}", wantStatus: 400, wantDetail: "UTF-8"},
		{name: "lone surrogate", body: `{"request":{"tool_id":"Calculator.Add","input":{"a":"\ud800"}}}`, wantStatus: 400, wantDetail: "surrogate"},
		{name: "duplicate envelope key", body: `{"request":{"tool_id":"Demo.Counter"},"request":{"tool_id":"Calculator.Add"}}`, wantStatus: 400, wantDetail: "duplicate"},
		{name: "duplicate tool_id", body: `{"request":{"tool_id":"Demo.Counter","tool_id":"Calculator.Add"}}`, wantStatus: 400, wantDetail: "duplicate"},
		{name: "case-variant tool_id", body: `{"request":{"tool_id":"Demo.Counter","TOOL_ID":"Calculator.Add"}}`, wantStatus: 400, wantDetail: "duplicate"},
		{name: "escaped duplicate", body: `{"request":{"tool_id":"Demo.Counter","tool\u005fid":"Calculator.Add"}}`, wantStatus: 400, wantDetail: "duplicate"},
		{name: "Kelvin sign case variant", body: `{"request":{"tool_id":"Test.Echo","input":{"k":1,"\u212a":2}}}`, wantStatus: 400, wantDetail: "duplicate"},
		{name: "duplicate in input", body: `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"a":2,"b":3}}}`, wantStatus: 400, wantDetail: "duplicate"},
		{name: "duplicate in context", body: `{"request":{"tool_id":"Demo.WhoAmI","context":{"user_id":"a","User_Id":"b"}}}`, wantStatus: 400, wantDetail: "duplicate"},
		{name: "case variant alone", body: `{"request":{"TOOL_ID":"Calculator.Add"}}`, wantStatus: 400, wantDetail: `unknown member "TOOL_ID"`},
		{name: "too deep", body: `{"request":{"tool_id":"Test.Echo","input":{"x":` + deep + `}}}`, wantStatus: 400, wantDetail: "deeper than 64"},
		{name: "depth option", opts: Options{MaxJSONDepth: 3}, body: `{"request":{"tool_id":"Test.Echo","input":{"x":[]}}}`, wantStatus: 400, wantDetail: "deeper than 3"},
		{name: "unknown envelope member", body: `{"request":{"tool_id":"Calculator.Add"},"extra":1}`, wantStatus: 400, wantDetail: `unknown member "extra"`},
		{name: "unknown request member", body: `{"request":{"tool_id":"Calculator.Add","inptu":{}}}`, wantStatus: 400, wantDetail: `unknown member "inptu"`},
		{name: "unknown member with odd name", body: `{"request":{"tool_id":"Calculator.Add"},"a b\n":1}`, wantStatus: 400, wantDetail: "unusual characters"},
		{name: "no request", body: `{"$schema":"otc://1.0"}`, wantStatus: 400, wantDetail: "no request"},
		{name: "request not an object", body: `{"request":"x"}`, wantStatus: 400, wantDetail: "request must be an object"},
		{name: "no tool_id", body: `{"request":{"input":{}}}`, wantStatus: 400, wantDetail: "tool_id is required"},
		{name: "null tool_id", body: `{"request":{"tool_id":null}}`, wantStatus: 400, wantDetail: "tool_id must be a string"},
		{name: "numeric call_id", body: `{"request":{"tool_id":"Calculator.Add","call_id":7}}`, wantStatus: 400, wantDetail: "call_id must be a string"},
		{name: "long call_id", body: `{"request":{"tool_id":"Calculator.Add","call_id":"` + strings.Repeat("x", 256) + `"}}`, wantStatus: 400, wantDetail: "longer than 255"},
		{name: "long trace_id", body: `{"request":{"tool_id":"Calculator.Add","trace_id":"` + strings.Repeat("x", 256) + `"}}`, wantStatus: 400, wantDetail: "longer than 255"},
		{name: "schema not a string", body: `{"$schema":1,"request":{"tool_id":"Calculator.Add"}}`, wantStatus: 400, wantDetail: "$schema must be a string"},
		{name: "input a string", body: `{"request":{"tool_id":"Calculator.Add","input":"a=1"}}`, wantStatus: 400, wantDetail: "input must be a JSON object"},
		{name: "input an array", body: `{"request":{"tool_id":"Calculator.Add","input":[1,2]}}`, wantStatus: 400, wantDetail: "input must be a JSON object"},
		{name: "input null", body: `{"request":{"tool_id":"Calculator.Add","input":null}}`, wantStatus: 400, wantDetail: "input must be a JSON object"},
		{name: "inputs not an object", body: `{"request":{"tool_id":"Calculator.Add","inputs":1}}`, wantStatus: 400, wantDetail: "inputs must be a JSON object"},
		{name: "context not an object", body: `{"request":{"tool_id":"Calculator.Add","context":[]}}`, wantStatus: 400, wantDetail: "context must be an object"},
		{name: "user_id not a string", body: `{"request":{"tool_id":"Calculator.Add","context":{"user_id":1}}}`, wantStatus: 400, wantDetail: "user_id must be a string"},
		{name: "authorization not an array", body: `{"request":{"tool_id":"Calculator.Add","context":{"authorization":{}}}}`, wantStatus: 400, wantDetail: "authorization must be an array"},
		{name: "authorization entry incomplete", body: `{"request":{"tool_id":"Calculator.Add","context":{"authorization":[{"id":"demo"}]}}}`, wantStatus: 400, wantDetail: "authorization[0] needs both id and token"},
		{name: "secret value not a string", body: `{"request":{"tool_id":"Calculator.Add","context":{"secrets":[{"id":"A","value":12345}]}}}`, wantStatus: 400, wantDetail: "secrets[0].value must be a string"},
		{name: "secret entry not an object", body: `{"request":{"tool_id":"Calculator.Add","context":{"secrets":["x"]}}}`, wantStatus: 400, wantDetail: "secrets[0] must be an object"},
		{name: "text/plain", contentType: "text/plain", body: `{"request":{"tool_id":"Calculator.Add"}}`, wantStatus: 415},
		{name: "form", contentType: "application/x-www-form-urlencoded", body: `request=x`, wantStatus: 415},
		{name: "latin-1 charset", contentType: "application/json; charset=latin1", body: `{"request":{"tool_id":"Calculator.Add"}}`, wantStatus: 415},
		{name: "unknown parameter", contentType: "application/json; profile=x", body: `{"request":{"tool_id":"Calculator.Add"}}`, wantStatus: 415},
		{name: "malformed content type", contentType: "application/json;;;=", body: `{"request":{"tool_id":"Calculator.Add"}}`, wantStatus: 415},
		{name: "too large", opts: Options{MaxBodyBytes: 64}, body: `{"request":{"tool_id":"Test.Echo","input":{"x":"` + strings.Repeat("y", 100) + `"}}}`, wantStatus: 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, tc.opts)
			req := request{method: "POST", path: "/tools/call", body: tc.body}
			switch tc.contentType {
			case "":
			case "-":
				req.header = http.Header{"Content-Type": nil}
			default:
				req.header = http.Header{"Content-Type": {tc.contentType}}
			}
			rec := serve(s.Handler(), req)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tc.wantStatus, rec.Body)
			}
			checkDocs(t, "POST", "/tools/call", rec)
			d := decode(t, rec)
			if d.Message == "" {
				t.Errorf("no message: %s", rec.Body)
			}
			if !strings.Contains(d.DeveloperMessage, tc.wantDetail) {
				t.Errorf("developer_message = %q, want it to mention %q", d.DeveloperMessage, tc.wantDetail)
			}
		})
	}
}

// OTC: CALL-1: the accepted Content-Types.
func TestCallContentTypes(t *testing.T) {
	s := newServer(t, Options{Now: fixedNow})
	for _, ct := range []string{"-", "application/json", "application/json; charset=utf-8", "Application/JSON; Charset=UTF-8"} {
		t.Run(ct, func(t *testing.T) {
			h := http.Header{"Content-Type": {ct}}
			if ct == "-" {
				h = http.Header{"Content-Type": nil}
			}
			rec := serve(s.Handler(), request{method: "POST", path: "/tools/call", header: h,
				body: `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`})
			if rec.Code != 200 {
				t.Errorf("status %d: %s", rec.Code, rec.Body)
			}
		})
	}
}

func TestDecodeCallRequest(t *testing.T) {
	body := `{"$schema":"urn:oxp:1.0","request":{"call_id":"c\u00e9","trace_id":"t","tool_id":"A.B@1",` +
		`"input":{"x":[1,{"y":"\"}"}]},"context":{"user_id":"u","x-extension":{"deep":[1]},` +
		`"authorization":[{"id":"p","token":"tk","extra":true}],"secrets":[{"id":"S","value":"v"}]}}}`
	got, err := decodeCallRequest([]byte(body), 64)
	if err != nil {
		t.Fatal(err)
	}
	want := otc.CallRequest{Schema: "urn:oxp:1.0", Request: otc.CallToolRequest{
		CallID: "cé", TraceID: "t", ToolID: "A.B@1", Input: []byte(`{"x":[1,{"y":"\"}"}]}`),
		Context: &otc.CallContext{UserID: "u",
			Authorization: []otc.AuthorizationToken{{ID: "p", Token: "tk"}},
			Secrets:       []otc.Secret{{ID: "S", Value: "v"}}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decodeCallRequest (-want +got):\n%s", diff)
	}
	var e *otc.Error
	_, err = decodeCallRequest([]byte(`{"request":{"tool_id":"A.B","x":1}}`), 64)
	if !errors.As(err, &e) || e.Code != otc.CodeBadRequest {
		t.Errorf("unknown member: err = %v, want an *otc.Error with CodeBadRequest", err)
	}
	var je *JSONError
	_, err = decodeCallRequest([]byte(`{"request":{"tool_id":"A.B","tool_id":"A.B"}}`), 64)
	if !errors.As(err, &je) || je.Offset != 28 {
		t.Errorf("duplicate key: err = %v, want a *JSONError at offset 28", err)
	}
}

// Errors about secrets and tokens name where they are, never what they are.
func TestDecodeErrorsHideValues(t *testing.T) {
	bodies := []string{
		`{"request":{"tool_id":"A.B","context":{"secrets":[{"id":"S","value":"hunter2","value":"hunter2"}]}}}`,
		`{"request":{"tool_id":"A.B","context":{"authorization":[{"id":"hunter2"}]}}}`,
		"{\"request\":{\"tool_id\":\"A.B\",\"input\":{\"hunter2\":\"\xfe\"}}}",
		`{"request":{"tool_id":"A.B","input":{"hunter2":1,"HUNTER2":2}}}`,
	}
	for _, b := range bodies {
		_, err := decodeCallRequest([]byte(b), 64)
		if err == nil {
			t.Fatalf("%s: accepted", b)
		}
		var e *otc.Error
		errors.As(err, &e)
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(e.Message+e.DeveloperMessage, "hunter2") {
			t.Errorf("error echoes a value: %v", err)
		}
	}
}

func TestDecodeListRequest(t *testing.T) {
	tests := []struct {
		body, want string
		wantErr    bool
	}{
		{`{}`, "", false},
		{`{"$schema":"urn:oxp:1.0"}`, "urn:oxp:1.0", false},
		{`{"$schema":1}`, "", true},
		{`{"$schema":"a","$SCHEMA":"b"}`, "", true},
		{`{"tools":true}`, "", true},
		{`[]`, "", true},
		{`{"$schema":"a"} x`, "", true},
	}
	for _, tc := range tests {
		got, err := decodeListRequest([]byte(tc.body), 64)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("decodeListRequest(%s) = %q, %v; want %q, error %v", tc.body, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestCanonicalJSON(t *testing.T) {
	a, err := canonicalJSON([]byte(` { "b" : [1, 2.50, "x<y"], "a" : {"d":null,"c":true} } `))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":{"c":true,"d":null},"b":[1,2.50,"x<y"]}`; string(a) != want {
		t.Errorf("canonicalJSON = %s, want %s", a, want)
	}
	if !sameJSON([]byte(`{"a":1,"b":2}`), []byte(`{"b":2, "a":1}`)) || sameJSON([]byte(`{"a":1}`), []byte(`{"a":1.0}`)) {
		t.Error("sameJSON: wrong equality")
	}
	if bytes.Equal(a, nil) {
		t.Error("empty canonical form")
	}
}
