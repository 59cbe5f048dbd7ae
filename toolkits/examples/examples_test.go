package examples_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/toolkits/examples"
)

// sortStrings compares string slices as sets.
var sortStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })

var fixedNow = time.Date(2025, 3, 4, 5, 6, 7, 890, time.FixedZone("CET", 3600))

// toolsByID builds the toolkit with a fixed clock and instance id.
func toolsByID(t *testing.T) map[string]*otc.Tool {
	t.Helper()
	m := map[string]*otc.Tool{}
	for _, tool := range examples.Tools(examples.Options{InstanceID: "test-instance", Now: func() time.Time { return fixedNow }}) {
		m[tool.ID()] = tool
	}
	return m
}

func TestToolSet(t *testing.T) {
	want := []string{
		"Calculator.Add@1.0.0", "Calculator.Add@1.1.0", "Calculator.Add@2.0.0", "Calculator.Divide@1.0.0",
		"Demo.Counter@1.0.0", "Demo.Fail@1.0.0", "Demo.SecretFingerprint@1.0.0", "Demo.Sleep@1.0.0", "Demo.WhoAmI@1.0.0",
		"Doorbell.Ring@0.1.0", "System.GetTimestamp@1.0.0",
	}
	// The whole set registers: ids unique (DEF-1), served names consistent (DEF-2).
	reg := otc.NewRegistry()
	if err := reg.Register(examples.Tools(examples.Options{})...); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tool := range reg.Tools() {
		got = append(got, tool.ID())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tools (-want +got):\n%s", diff)
	}
}

func TestDefinitions(t *testing.T) {
	// OTC: DEF-4, DEF-5, DEF-6 — the parameters, output schemas and
	// requirements each tool is documented to have.
	tools := toolsByID(t)
	tests := []struct {
		id           string
		params       []string // parameter names
		required     []string
		output       string // "null", "{}" or the output schema's "type"
		requirements *otc.Requirements
	}{
		{"Calculator.Add@1.0.0", []string{"a", "b"}, []string{"a", "b"}, "number", nil},
		{"Calculator.Add@1.1.0", []string{"a", "b", "round"}, []string{"a", "b"}, "number", nil},
		{"Calculator.Add@2.0.0", []string{"numbers"}, []string{"numbers"}, "number", nil},
		{"Calculator.Divide@1.0.0", []string{"a", "b"}, []string{"a", "b"}, "number", nil},
		{"Doorbell.Ring@0.1.0", []string{"doorbell_id"}, []string{"doorbell_id"}, "null", nil},
		{"System.GetTimestamp@1.0.0", nil, nil, "object", nil},
		{"Demo.SecretFingerprint@1.0.0", nil, nil, "object",
			&otc.Requirements{Secrets: []otc.SecretRequirement{{ID: "DEMO_SECRET"}}}},
		{"Demo.WhoAmI@1.0.0", nil, nil, "object", &otc.Requirements{UserID: true,
			Authorization: []otc.AuthorizationRequirement{{ID: "demo", OAuth2: &otc.OAuth2Scopes{Scopes: []string{"profile"}}}}}},
		{"Demo.Sleep@1.0.0", []string{"ms"}, []string{"ms"}, "object", nil},
		{"Demo.Fail@1.0.0", []string{"mode"}, []string{"mode"}, "null", nil},
		{"Demo.Counter@1.0.0", nil, nil, "object", nil},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			d := tools[tt.id].Definition()
			var params struct {
				Type                 string
				AdditionalProperties *bool
				Properties           map[string]struct{ Description string }
				Required             []string
			}
			if err := json.Unmarshal(d.InputSchema.Parameters, &params); err != nil {
				t.Fatal(err)
			}
			var names []string
			for name, p := range params.Properties {
				names = append(names, name)
				if p.Description == "" {
					t.Errorf("parameter %s has no description", name)
				}
			}
			if diff := cmp.Diff(tt.params, names, sortStrings); diff != "" {
				t.Errorf("parameters (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.required, params.Required, sortStrings); diff != "" {
				t.Errorf("required (-want +got):\n%s", diff)
			}
			if params.Type != "object" || params.AdditionalProperties == nil || *params.AdditionalProperties {
				t.Errorf("parameters are not a closed object: %s", d.InputSchema.Parameters)
			}
			var output struct{ Type string }
			if s := string(d.OutputSchema); s == "null" || s == "{}" {
				output.Type = s
			} else if err := json.Unmarshal(d.OutputSchema, &output); err != nil {
				t.Fatal(err)
			}
			if output.Type != tt.output {
				t.Errorf("output schema %s, want type %s", d.OutputSchema, tt.output)
			}
			if diff := cmp.Diff(tt.requirements, d.Requirements); diff != "" {
				t.Errorf("requirements (-want +got):\n%s", diff)
			}
			if d.Description == "" {
				t.Error("no description")
			}
		})
	}
}

// call validates input as the server would, runs the tool, and checks the
// value against the output schema.
func call(t *testing.T, ctx context.Context, tool *otc.Tool, input string) (json.RawMessage, error) {
	t.Helper()
	if err := tool.ValidateInput(json.RawMessage(input)); err != nil {
		return nil, err
	}
	value, err := tool.Call(ctx, json.RawMessage(input))
	if err == nil {
		if verr := tool.ValidateOutput(value); verr != nil {
			t.Errorf("output %s does not conform: %v", value, verr)
		}
	}
	return value, err
}

func digest8(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:8]
}

func TestCalls(t *testing.T) {
	tools := toolsByID(t)
	callCtx := otc.NewCallContext(context.Background(), otc.CallInfo{UserID: "user-7"},
		map[string]string{"DEMO_SECRET": "open sesame"}, map[string]string{"demo": "tok-123"})
	type toolErr = otc.ToolError
	tests := []struct {
		name      string
		id        string
		ctx       context.Context
		input     string
		want      string   // the value; "" for none
		wantErr   *toolErr // a tool error
		wantInput []string // parameters a 422 names
	}{
		{"add", "Calculator.Add@1.0.0", nil, `{"a": 2, "b": 3.5}`, `5.5`, nil, nil},
		{"add negative", "Calculator.Add@1.0.0", nil, `{"a": -2, "b": 0.5}`, `-1.5`, nil, nil},
		{"add needs both", "Calculator.Add@1.0.0", nil, `{"a": 2}`, ``, nil, []string{"b"}},
		{"add 1.0.0 has no round", "Calculator.Add@1.0.0", nil, `{"a": 2, "b": 3, "round": 1}`, ``, nil, []string{"round"}},
		{"add overflow", "Calculator.Add@1.0.0", nil, `{"a": 1e308, "b": 1e308}`, ``, &toolErr{Message: "The sum is too large to represent."}, nil},
		{"add 1.1 without round", "Calculator.Add@1.1.0", nil, `{"a": 0.1, "b": 0.2}`, `0.30000000000000004`, nil, nil},
		{"add 1.1 rounded", "Calculator.Add@1.1.0", nil, `{"a": 0.1, "b": 0.2, "round": 2}`, `0.3`, nil, nil},
		{"add 1.1 rounded to 0", "Calculator.Add@1.1.0", nil, `{"a": 1.25, "b": 1.5, "round": 0}`, `3`, nil, nil},
		{"add 1.1 rounds the number it has", "Calculator.Add@1.1.0", nil, `{"a": 2.675, "b": 0, "round": 2}`, `2.67`, nil, nil},
		{"add 1.1 round too large", "Calculator.Add@1.1.0", nil, `{"a": 1, "b": 1, "round": 11}`, ``, nil, []string{"round"}},
		{"add 1.1 round negative", "Calculator.Add@1.1.0", nil, `{"a": 1, "b": 1, "round": -1}`, ``, nil, []string{"round"}},
		{"add 1.1 round not an integer", "Calculator.Add@1.1.0", nil, `{"a": 1, "b": 1, "round": 1.5}`, ``, nil, []string{"round"}},
		{"add 2", "Calculator.Add@2.0.0", nil, `{"numbers": [1, 2, 3.5]}`, `6.5`, nil, nil},
		{"add 2 one number", "Calculator.Add@2.0.0", nil, `{"numbers": [4]}`, `4`, nil, nil},
		{"add 2 no numbers", "Calculator.Add@2.0.0", nil, `{"numbers": []}`, ``, nil, []string{"numbers"}},
		{"add 2 not numbers", "Calculator.Add@2.0.0", nil, `{"numbers": [1, "2"]}`, ``, nil, []string{"numbers"}},
		{"add 2 takes no a", "Calculator.Add@2.0.0", nil, `{"a": 1, "b": 2}`, ``, nil, []string{"a", "b", "numbers"}},
		{"divide", "Calculator.Divide@1.0.0", nil, `{"a": 7, "b": 2}`, `3.5`, nil, nil},
		{"divide by zero", "Calculator.Divide@1.0.0", nil, `{"a": 7, "b": 0}`, ``, &toolErr{Message: "Cannot divide by zero"}, nil},
		{"divide overflow", "Calculator.Divide@1.0.0", nil, `{"a": 1e308, "b": 1e-308}`, ``, &toolErr{Message: "The quotient is too large to represent."}, nil},
		{"ring doorbell42", "Doorbell.Ring@0.1.0", nil, `{"doorbell_id": "doorbell42"}`, ``, nil, nil},
		{"ring doorbell84", "Doorbell.Ring@0.1.0", nil, `{"doorbell_id": "doorbell84"}`, ``, nil, nil},
		{"ring unknown doorbell", "Doorbell.Ring@0.1.0", nil, `{"doorbell_id": "doorbell7"}`, ``,
			&toolErr{Message: "No doorbell has that id.", CanRetry: true, AdditionalPromptContent: "ids: doorbell42,doorbell84", RetryAfterMS: 500}, nil},
		{"ring needs an id", "Doorbell.Ring@0.1.0", nil, `{}`, ``, nil, []string{"doorbell_id"}},
		{"timestamp", "System.GetTimestamp@1.0.0", nil, ``, `{"timestamp":"2025-03-04T04:06:07Z"}`, nil, nil},
		{"timestamp takes no parameters", "System.GetTimestamp@1.0.0", nil, `{"tz": "UTC"}`, ``, nil, []string{"tz"}},
		{"secret fingerprint", "Demo.SecretFingerprint@1.0.0", callCtx, `{}`, `{"sha256_prefix":"` + digest8("open sesame") + `"}`, nil, nil},
		{"secret fingerprint without the secret", "Demo.SecretFingerprint@1.0.0", nil, `{}`, ``,
			&toolErr{Message: "The secret DEMO_SECRET was not provided."}, nil},
		{"who am I", "Demo.WhoAmI@1.0.0", callCtx, `{}`, `{"user_id":"user-7","token_sha256_prefix":"` + digest8("tok-123") + `"}`, nil, nil},
		{"who am I without a token", "Demo.WhoAmI@1.0.0", nil, `{}`, ``,
			&toolErr{Message: "The call carried no user id or no demo authorization token."}, nil},
		{"sleep 0", "Demo.Sleep@1.0.0", nil, `{"ms": 0}`, `{"slept_ms":0}`, nil, nil},
		{"sleep too long", "Demo.Sleep@1.0.0", nil, `{"ms": 60001}`, ``, nil, []string{"ms"}},
		{"sleep negative", "Demo.Sleep@1.0.0", nil, `{"ms": -1}`, ``, nil, []string{"ms"}},
		{"fail with an error", "Demo.Fail@1.0.0", nil, `{"mode": "error"}`, ``,
			&toolErr{Message: "Demo.Fail failed, as asked.", DeveloperMessage: "Demo.Fail: mode error"}, nil},
		{"fail retryably", "Demo.Fail@1.0.0", nil, `{"mode": "retryable"}`, ``,
			&toolErr{Message: "Demo.Fail failed, as asked; a retry may succeed.", CanRetry: true, RetryAfterMS: 1000,
				AdditionalPromptContent: "Demo.Fail with mode retryable fails on every attempt."}, nil},
		{"fail with an unknown mode", "Demo.Fail@1.0.0", nil, `{"mode": "quietly"}`, ``, nil, []string{"mode"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			value, err := call(t, ctx, tools[tt.id], tt.input)
			switch {
			case tt.wantInput != nil:
				var e *otc.Error
				if !errors.As(err, &e) || e.Code != otc.CodeInvalidInput {
					t.Fatalf("error = %v, want invalid input", err)
				}
				var keys []string
				for k := range e.ParameterErrors {
					keys = append(keys, k)
				}
				if diff := cmp.Diff(tt.wantInput, keys, sortStrings); diff != "" {
					t.Errorf("parameter errors %v (-want +got keys):\n%s", e.ParameterErrors, diff)
				}
			case tt.wantErr != nil:
				var te *otc.ToolError
				if !errors.As(err, &te) {
					t.Fatalf("error = %v (%T), want a *otc.ToolError", err, err)
				}
				if diff := cmp.Diff(tt.wantErr, te); diff != "" {
					t.Errorf("tool error (-want +got):\n%s", diff)
				}
			default:
				if err != nil {
					t.Fatalf("error: %v", err)
				}
				if diff := cmp.Diff(tt.want, string(value)); diff != "" {
					t.Errorf("value (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestFailPanics(t *testing.T) {
	tool := toolsByID(t)["Demo.Fail@1.0.0"]
	defer func() {
		if recover() == nil {
			t.Error("mode panic did not panic")
		}
	}()
	_, _ = tool.Call(context.Background(), json.RawMessage(`{"mode": "panic"}`))
	t.Error("Call returned")
}

func TestSleep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tool := toolsByID(t)["Demo.Sleep@1.0.0"]
		start := time.Now()
		value, err := call(t, context.Background(), tool, `{"ms": 60000}`)
		if err != nil {
			t.Fatal(err)
		}
		if got := time.Since(start); got != time.Minute {
			t.Errorf("slept %v, want 1m", got)
		}
		if diff := cmp.Diff(`{"slept_ms":60000}`, string(value)); diff != "" {
			t.Errorf("value (-want +got):\n%s", diff)
		}
	})
}

func TestSleepCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tool := toolsByID(t)["Demo.Sleep@1.0.0"]
		ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := call(t, ctx, tool, `{"ms": 60000}`)
		if got := time.Since(start); got != 250*time.Millisecond {
			t.Errorf("returned after %v, want 250ms", got)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error = %v, want it to wrap context.DeadlineExceeded", err)
		}
		var te *otc.ToolError
		if !errors.As(err, &te) {
			t.Fatalf("error = %v, want a *otc.ToolError", err)
		}
		want := &otc.ToolError{Message: "The sleep was interrupted before it finished.",
			DeveloperMessage: "Demo.Sleep: context deadline exceeded"}
		if diff := cmp.Diff(want, te); diff != "" {
			t.Errorf("tool error (-want +got):\n%s", diff)
		}
	})
}

func TestCounter(t *testing.T) {
	tool := toolsByID(t)["Demo.Counter@1.0.0"]
	var wg sync.WaitGroup
	for range 9 {
		wg.Go(func() {
			if _, err := call(t, context.Background(), tool, `{}`); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	value, err := call(t, context.Background(), tool, ``)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"count":10,"instance":"test-instance"}`, string(value)); diff != "" {
		t.Errorf("value (-want +got):\n%s", diff)
	}

	// Each Tools call is a new process's set: its own count.
	other := toolsByID(t)["Demo.Counter@1.0.0"]
	value, _ = call(t, context.Background(), other, `{}`)
	if diff := cmp.Diff(`{"count":1,"instance":"test-instance"}`, string(value)); diff != "" {
		t.Errorf("a new set's first count (-want +got):\n%s", diff)
	}
}

func TestDefaultOptions(t *testing.T) {
	var counters []*otc.Tool
	for range 2 {
		for _, tool := range examples.Tools(examples.Options{}) {
			if tool.ID() == "Demo.Counter@1.0.0" {
				counters = append(counters, tool)
			}
		}
	}
	var instances []string
	for _, tool := range counters {
		value, err := tool.Call(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		var c examples.Count
		if err := json.Unmarshal(value, &c); err != nil {
			t.Fatal(err)
		}
		if c.Instance == "" {
			t.Error("no instance id by default")
		}
		instances = append(instances, c.Instance)
	}
	if instances[0] == instances[1] {
		t.Errorf("two sets got the same random instance id %q", instances[0])
	}

	for _, tool := range examples.Tools(examples.Options{}) {
		if tool.ID() != "System.GetTimestamp@1.0.0" {
			continue
		}
		before := time.Now().UTC().Truncate(time.Second)
		value, err := tool.Call(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		var ts examples.Timestamp
		_ = json.Unmarshal(value, &ts)
		got, err := time.Parse(time.RFC3339, ts.Timestamp)
		if err != nil || got.Before(before) || got.Location() != time.UTC {
			t.Errorf("timestamp %q (%v) is not the current UTC time", ts.Timestamp, err)
		}
	}
}
