package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/internal/reqinfo"
)

// callCase is one POST /tools/call and what its answer must be.
type callCase struct {
	name       string
	opts       Options // Registry and Now are filled in
	body       string
	wantStatus int
	check      func(t *testing.T, d decoded, raw []byte)
}

func runCallCases(t *testing.T, cases []callCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.opts.Now == nil {
				tc.opts.Now = fixedNow
			}
			s := newServer(t, tc.opts)
			rec := post(s.Handler(), tc.body)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status = %d, want %d; body: %s", rec.Code, tc.wantStatus, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			checkDocs(t, "POST", "/tools/call", rec)
			if tc.check != nil {
				tc.check(t, decode(t, rec), rec.Body.Bytes())
			}
		})
	}
}

func wantValue(want string) func(*testing.T, decoded, []byte) {
	return func(t *testing.T, d decoded, _ []byte) {
		t.Helper()
		if !d.Result.Success || d.Result.Error != nil {
			t.Fatalf("success = %v, error = %+v; want success", d.Result.Success, d.Result.Error)
		}
		if got := string(d.Result.Value); got != want {
			t.Errorf("value = %s, want %s", got, want)
		}
	}
}

func wantToolError(want otc.ToolError) func(*testing.T, decoded, []byte) {
	return func(t *testing.T, d decoded, raw []byte) {
		t.Helper()
		if d.Result.Success || d.Result.Error == nil {
			t.Fatalf("success = %v, want a tool error; body %s", d.Result.Success, raw)
		}
		// OTC: CALL-10
		if d.Result.Value != nil {
			t.Errorf("a failed call carries a value: %s", raw)
		}
		if diff := cmp.Diff(want, *d.Result.Error); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	}
}

func wantMessage(sub string) func(*testing.T, decoded, []byte) {
	return func(t *testing.T, d decoded, raw []byte) {
		t.Helper()
		if d.Message == "" {
			t.Errorf("no message in %s", raw)
		}
		if !strings.Contains(d.Message+" "+d.DeveloperMessage, sub) {
			t.Errorf("message %q / developer message %q do not mention %q", d.Message, d.DeveloperMessage, sub)
		}
	}
}

// OTC: CALL-1, CALL-2, CALL-3, CALL-4, CALL-9, CALL-10, SCHEMA-1, SCHEMA-2, SCHEMA-3, COMPAT-2, COMPAT-3
func TestCall(t *testing.T) {
	runCallCases(t, []callCase{
		// OTC: CALL-1, CALL-2
		{name: "success", body: `{"request":{"tool_id":"Calculator.Add@1.0.0","input":{"a":1,"b":2}}}`,
			wantStatus: 200, check: wantValue("3")},
		// OTC: SCHEMA-2, COMPAT-3: no $schema: the latest, answered as otc://1.0
		{name: "schema absent", body: `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`,
			wantStatus: 200, check: func(t *testing.T, d decoded, _ []byte) {
				if d.Schema != otc.SchemaOTC {
					t.Errorf("$schema = %q, want %q", d.Schema, otc.SchemaOTC)
				}
			}},
		// OTC: SCHEMA-1, COMPAT-3: each form is answered in kind
		{name: "schema oxp shorthand", body: `{"$schema":"urn:oxp:1.0","request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`,
			wantStatus: 200, check: func(t *testing.T, d decoded, _ []byte) {
				if d.Schema != otc.SchemaOXP {
					t.Errorf("$schema = %q, want %q", d.Schema, otc.SchemaOXP)
				}
			}},
		{name: "schema otc url", body: `{"$schema":"https://opentoolcalling.org/openapi/1.0.json","request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`,
			wantStatus: 200, check: func(t *testing.T, d decoded, _ []byte) {
				if d.Schema != otc.SchemaOTCURL {
					t.Errorf("$schema = %q, want %q", d.Schema, otc.SchemaOTCURL)
				}
			}},
		// OTC: SCHEMA-3, CALL-3
		{name: "schema major unsupported", body: `{"$schema":"otc://2.0","request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`,
			wantStatus: 400, check: wantMessage("not supported")},
		{name: "schema minor above ours", body: `{"$schema":"otc://1.1","request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`,
			wantStatus: 400, check: wantMessage("not supported")},
		{name: "schema garbage", body: `{"$schema":"hello","request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`,
			wantStatus: 400, check: wantMessage("not supported")},
		// OTC: CALL-3
		{name: "unknown tool", body: `{"request":{"tool_id":"Calculator.Nope","input":{}}}`,
			wantStatus: 400, check: wantMessage("does not exist")},
		{name: "invalid tool id", body: `{"request":{"tool_id":"Calculator","input":{}}}`,
			wantStatus: 400, check: wantMessage("not valid")},
		{name: "version not available", body: `{"request":{"tool_id":"Calculator.Add@9","input":{}}}`,
			wantStatus: 400, check: wantMessage("not available")},
		{name: "exact version not available", body: `{"request":{"tool_id":"Calculator.Add@1.2.0","input":{}}}`,
			wantStatus: 400, check: wantMessage("not available")},
		// OTC: CALL-4
		{name: "invalid input", body: `{"request":{"tool_id":"Calculator.Add@1","input":{"a":"one","b":2}}}`,
			wantStatus: 422, check: func(t *testing.T, d decoded, raw []byte) {
				if d.ParameterErrors["a"] == "" {
					t.Errorf("parameter_errors = %v, want an entry for a", d.ParameterErrors)
				}
				if bytes.Contains(raw, []byte("one")) {
					t.Errorf("the 422 echoes the input value: %s", raw)
				}
			}},
		{name: "missing parameter", body: `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1}}}`,
			wantStatus: 422, check: func(t *testing.T, d decoded, _ []byte) {
				if d.ParameterErrors["b"] == "" {
					t.Errorf("parameter_errors = %v, want an entry for b", d.ParameterErrors)
				}
			}},
		{name: "absent input is the empty object", body: `{"request":{"tool_id":"System.GetTimestamp"}}`,
			wantStatus: 200},
		// OTC: COMPAT-2
		{name: "inputs accepted", body: `{"request":{"tool_id":"Calculator.Add@1","inputs":{"a":1,"b":2}}}`,
			wantStatus: 200, check: wantValue("3")},
		{name: "input and inputs alike", body: `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2},"inputs":{ "b":2, "a":1 }}}`,
			wantStatus: 200, check: wantValue("3")},
		{name: "input and inputs differ", body: `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2},"inputs":{"a":1,"b":3}}}`,
			wantStatus: 400, check: wantMessage("differ")},
		// OTC: CALL-2, CALL-9: a failing tool is still a 200
		{name: "tool error", body: `{"request":{"tool_id":"Demo.Fail","input":{"mode":"error"}}}`,
			wantStatus: 200, check: wantToolError(otc.ToolError{Message: "Demo.Fail failed, as asked.", DeveloperMessage: "Demo.Fail: mode error"})},
		{name: "retryable tool error", body: `{"request":{"tool_id":"Demo.Fail","input":{"mode":"retryable"}}}`,
			wantStatus: 200, check: wantToolError(otc.ToolError{Message: "Demo.Fail failed, as asked; a retry may succeed.",
				CanRetry: true, RetryAfterMS: 1000, AdditionalPromptContent: "Demo.Fail with mode retryable fails on every attempt."})},
		{name: "plain Go error", body: `{"request":{"tool_id":"Calculator.Divide","input":{"a":1,"b":0}}}`,
			wantStatus: 200, check: func(t *testing.T, d decoded, raw []byte) {
				if d.Result.Success || d.Result.Error == nil || d.Result.Error.Message == "" {
					t.Errorf("want a tool error, got %s", raw)
				}
			}},
		{name: "panic", body: `{"request":{"tool_id":"Demo.Fail","input":{"mode":"panic"}}}`,
			wantStatus: 200, check: func(t *testing.T, d decoded, raw []byte) {
				wantToolError(otc.ToolError{Message: otc.GenericToolErrorMessage, DeveloperMessage: "the tool panicked"})(t, d, raw)
				if bytes.Contains(raw, []byte("goroutine")) || bytes.Contains(raw, []byte("mode panic")) {
					t.Errorf("the response reveals the panic: %s", raw)
				}
			}},
		// OTC: CALL-10: a tool that returns nothing has no value
		{name: "no value", body: `{"request":{"tool_id":"Doorbell.Ring","input":{"doorbell_id":"doorbell42"}}}`,
			wantStatus: 200, check: func(t *testing.T, d decoded, raw []byte) {
				if !d.Result.Success || bytes.Contains(raw, []byte(`"value"`)) || bytes.Contains(raw, []byte(`"error"`)) {
					t.Errorf("want success without value or error, got %s", raw)
				}
			}},
		{name: "output unchecked by default", body: `{"request":{"tool_id":"Test.BadOutput"}}`,
			wantStatus: 200, check: wantValue(`{"n":"not a number"}`)},
		{name: "output checked", opts: Options{ValidateOutput: true}, body: `{"request":{"tool_id":"Test.BadOutput"}}`,
			wantStatus: 200, check: wantToolError(otc.ToolError{Message: otc.GenericToolErrorMessage,
				DeveloperMessage: "the tool returned an invalid value: a bug of the tool"})},
		{name: "output not JSON", body: `{"request":{"tool_id":"Test.InvalidJSON"}}`,
			wantStatus: 200, check: wantToolError(otc.ToolError{Message: otc.GenericToolErrorMessage,
				DeveloperMessage: "the tool returned an invalid value: a bug of the tool"})},
		{name: "value compacted", body: `{"request":{"tool_id":"Test.Echo","input":{ "x" : [ 1 , 2 ] }}}`,
			wantStatus: 200, check: func(t *testing.T, _ decoded, raw []byte) {
				if !bytes.Contains(raw, []byte(`"value":{"x":[1,2]}`)) {
					t.Errorf("value not compacted: %s", raw)
				}
			}},
	})
}

// OTC: VER-1, VER-2, VER-3
func TestVersionResolution(t *testing.T) {
	s := newServer(t, Options{Now: fixedNow})
	tests := []struct{ toolID, input, want string }{
		{"Calculator.Add@1.1.0", `{"a":1,"b":2}`, "Calculator.Add@1.1.0"}, // VER-1
		{"Calculator.Add@1.0.0", `{"a":1,"b":2}`, "Calculator.Add@1.0.0"}, // VER-1
		{"Calculator.Add@1", `{"a":1,"b":2}`, "Calculator.Add@1.0.0"},     // VER-2: x.0.0, not the newest 1.x
		{"Calculator.Add@2", `{"numbers":[1]}`, "Calculator.Add@2.0.0"},   // VER-2
		{"Calculator.Add", `{"numbers":[1]}`, "Calculator.Add@2.0.0"},     // VER-3: the newest
	}
	for _, tc := range tests {
		t.Run(tc.toolID, func(t *testing.T) {
			ctx, info := reqinfo.New(context.Background())
			rec := serve(s.Handler(), request{method: "POST", path: "/tools/call", ctx: ctx,
				body: `{"request":{"tool_id":"` + tc.toolID + `","input":` + tc.input + `}}`})
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if info.ToolID != tc.want {
				t.Errorf("resolved %s, want %s", info.ToolID, tc.want)
			}
		})
	}
}

// OTC: CALL-6, CALL-7
func TestCallIdentifiers(t *testing.T) {
	s := newServer(t, Options{Now: fixedNow})
	d := decode(t, post(s.Handler(), `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`))
	id, err := uuid.Parse(d.Result.CallID)
	if err != nil || id.Version() != 7 {
		t.Errorf("generated call_id %q is not a UUIDv7 (%v)", d.Result.CallID, err)
	}
	d2 := decode(t, post(s.Handler(), `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`))
	if d2.Result.CallID == d.Result.CallID {
		t.Error("two calls without call_id got the same id")
	}

	ctx, info := reqinfo.New(context.Background())
	rec := serve(s.Handler(), request{method: "POST", path: "/tools/call", ctx: ctx,
		body: `{"request":{"call_id":"mine-1","trace_id":"trace-9","tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`})
	if got := decode(t, rec).Result.CallID; got != "mine-1" {
		t.Errorf("call_id = %q, want the client's mine-1", got)
	}
	want := reqinfo.Info{Route: "POST /tools/call", ToolID: "Calculator.Add@1.0.0", CallID: "mine-1", TraceID: "trace-9", Outcome: OutcomeSuccess}
	if diff := cmp.Diff(want, *info); diff != "" {
		t.Errorf("reqinfo (-want +got):\n%s", diff)
	}
}

// stepClock advances by step on every reading, so that the duration of a
// call (two readings) is exactly step.
type stepClock struct {
	mu   chan struct{}
	now  time.Time
	step time.Duration
}

func newStepClock(step time.Duration) *stepClock {
	c := &stepClock{mu: make(chan struct{}, 1), now: testEpoch, step: step}
	return c
}

func (c *stepClock) Now() time.Time {
	c.mu <- struct{}{}
	defer func() { <-c.mu }()
	c.now = c.now.Add(c.step)
	return c.now
}

// OTC: CALL-8
func TestDurationInMilliseconds(t *testing.T) {
	clock := newStepClock(1500 * time.Microsecond)
	s := newServer(t, Options{Now: clock.Now})
	d := decode(t, post(s.Handler(), `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`))
	if d.Result.Duration == nil || *d.Result.Duration != 1.5 {
		t.Errorf("duration = %v, want 1.5 (ms)", d.Result.Duration)
	}
}

// OTC: REQ-1, REQ-2, REQ-3, REQ-4, CALL-3
func TestRequirements(t *testing.T) {
	const secret = `{"id":"DEMO_SECRET","value":"s3cr3t-value"}`
	const token = `{"id":"demo","token":"t0k3n-value"}`
	missing := func(want otc.MissingRequirements) func(*testing.T, decoded, []byte) {
		return func(t *testing.T, d decoded, raw []byte) {
			t.Helper()
			if d.MissingRequirements == nil {
				t.Fatalf("no missing_requirements in %s", raw)
			}
			if diff := cmp.Diff(want, *d.MissingRequirements); diff != "" {
				t.Errorf("missing_requirements (-want +got):\n%s", diff)
			}
			for _, v := range []string{"s3cr3t-value", "t0k3n-value", "someone"} {
				if bytes.Contains(raw, []byte(v)) {
					t.Errorf("the answer echoes %q: %s", v, raw)
				}
			}
		}
	}
	whoAmIReq := otc.AuthorizationRequirement{ID: "demo", OAuth2: &otc.OAuth2Scopes{Scopes: []string{"profile"}}}
	runCallCases(t, []callCase{
		// OTC: REQ-1
		{name: "no requirements", body: `{"request":{"tool_id":"Calculator.Add@1","input":{"a":1,"b":2},"context":{"secrets":[` + secret + `]}}}`,
			wantStatus: 200, check: wantValue("3")},
		// OTC: REQ-3
		{name: "secret missing", body: `{"request":{"tool_id":"Demo.SecretFingerprint"}}`,
			wantStatus: 400, check: missing(otc.MissingRequirements{Secrets: []otc.SecretRequirement{{ID: "DEMO_SECRET"}}})},
		{name: "secret under another id", body: `{"request":{"tool_id":"Demo.SecretFingerprint","context":{"secrets":[{"id":"OTHER","value":"s3cr3t-value"}]}}}`,
			wantStatus: 400, check: missing(otc.MissingRequirements{Secrets: []otc.SecretRequirement{{ID: "DEMO_SECRET"}}})},
		{name: "secret empty", body: `{"request":{"tool_id":"Demo.SecretFingerprint","context":{"secrets":[{"id":"DEMO_SECRET","value":""}]}}}`,
			wantStatus: 400, check: missing(otc.MissingRequirements{Secrets: []otc.SecretRequirement{{ID: "DEMO_SECRET"}}})},
		{name: "secret twice", body: `{"request":{"tool_id":"Demo.SecretFingerprint","context":{"secrets":[` + secret + `,` + secret + `]}}}`,
			wantStatus: 400, check: wantMessage("more than one")},
		{name: "secret given", body: `{"request":{"tool_id":"Demo.SecretFingerprint","context":{"secrets":[` + secret + `]}}}`,
			wantStatus: 200, check: func(t *testing.T, d decoded, raw []byte) {
				if !d.Result.Success || bytes.Contains(raw, []byte("s3cr3t-value")) {
					t.Errorf("want a fingerprint, not the secret: %s", raw)
				}
			}},
		// OTC: REQ-2, REQ-4
		{name: "token and user missing", body: `{"request":{"tool_id":"Demo.WhoAmI"}}`,
			wantStatus: 400, check: missing(otc.MissingRequirements{Authorization: []otc.AuthorizationRequirement{whoAmIReq}, UserID: true})},
		{name: "user missing", body: `{"request":{"tool_id":"Demo.WhoAmI","context":{"authorization":[` + token + `]}}}`,
			wantStatus: 400, check: missing(otc.MissingRequirements{UserID: true})},
		{name: "token empty", body: `{"request":{"tool_id":"Demo.WhoAmI","context":{"user_id":"someone","authorization":[{"id":"demo","token":""}]}}}`,
			wantStatus: 400, check: missing(otc.MissingRequirements{Authorization: []otc.AuthorizationRequirement{whoAmIReq}})},
		{name: "all given", body: `{"request":{"tool_id":"Demo.WhoAmI","context":{"user_id":"someone","authorization":[` + token + `],"extension":{"x":1}}}}`,
			wantStatus: 200, check: func(t *testing.T, d decoded, raw []byte) {
				var v struct {
					UserID string `json:"user_id"`
				}
				if err := json.Unmarshal(d.Result.Value, &v); err != nil || v.UserID != "someone" {
					t.Errorf("value = %s, want user_id someone", d.Result.Value)
				}
				if bytes.Contains(raw, []byte("t0k3n-value")) {
					t.Errorf("the token is echoed: %s", raw)
				}
			}},
		// A case variant of user_id is an unknown extension, never user_id.
		{name: "case variant of user_id", body: `{"request":{"tool_id":"Demo.WhoAmI","context":{"USER_ID":"someone","authorization":[` + token + `]}}}`,
			wantStatus: 400, check: missing(otc.MissingRequirements{UserID: true})},
	})
}

// OTC: REQ-5: a tool's context holds only what it declared.
func TestGrantOnlyDeclared(t *testing.T) {
	var got struct {
		secret, other, token string
		okOther              bool
	}
	tool, err := otc.NewRawTool(otc.ToolSpec{Toolkit: "Test", Name: "Peek", Version: "1.0.0", Description: "Reads its context.",
		Requirements: &otc.Requirements{Secrets: []otc.SecretRequirement{{ID: "A"}}}}, nil, nil,
		func(ctx context.Context, _ json.RawMessage) (json.RawMessage, error) {
			got.secret, _ = otc.SecretFromContext(ctx, "A")
			got.other, got.okOther = otc.SecretFromContext(ctx, "B")
			got.token, _ = otc.AuthorizationTokenFromContext(ctx, "p")
			return nil, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	reg := otc.NewRegistry()
	if err := reg.Register(tool); err != nil {
		t.Fatal(err)
	}
	s := newServer(t, Options{Registry: reg})
	rec := post(s.Handler(), `{"request":{"tool_id":"Test.Peek","context":{"secrets":[{"id":"A","value":"a"},{"id":"B","value":"b"}],"authorization":[{"id":"p","token":"t"}]}}}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if got.secret != "a" || got.okOther || got.other != "" || got.token != "" {
		t.Errorf("tool saw secret %q, undeclared secret %q (%v), undeclared token %q; want only the declared secret",
			got.secret, got.other, got.okOther, got.token)
	}
}
