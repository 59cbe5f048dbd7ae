package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/client"
)

// echo answers a call with its input as the value.
func echo(_ int, w http.ResponseWriter, r *http.Request) {
	var req struct {
		Request struct {
			Input json.RawMessage `json:"input"`
		} `json:"request"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	writeJSON(w, http.StatusOK, otc.CallResponse{Schema: otc.SchemaOTC, Result: otc.CallToolResponse{
		CallID: "e", Success: true, Value: req.Request.Input}})
}

func TestCallToolInput(t *testing.T) {
	type addInput struct {
		A float64 `json:"a"`
		B float64 `json:"b"`
	}
	var nilMap map[string]any
	tests := []struct {
		name    string
		input   any
		want    string
		wantErr string
	}{
		{name: "nil", input: nil, want: `{}`},
		{name: "struct", input: addInput{A: 1, B: 2}, want: `{"a":1,"b":2}`},
		{name: "pointer to struct", input: &addInput{A: 1}, want: `{"a":1,"b":0}`},
		{name: "map", input: map[string]any{"q": "x"}, want: `{"q":"x"}`},
		{name: "nil map", input: nilMap, want: `{}`},
		{name: "raw message", input: json.RawMessage(` {"a": 1} `), want: `{"a":1}`},
		{name: "bytes", input: []byte(`{"a":[1,2]}`), want: `{"a":[1,2]}`},
		{name: "empty bytes", input: []byte{}, want: `{}`},
		{name: "invalid JSON", input: json.RawMessage(`{"a":`), wantErr: "not valid JSON"},
		{name: "array", input: []int{1, 2}, wantErr: "must be a JSON object"},
		{name: "string", input: "a=1", wantErr: "must be a JSON object"},
		{name: "unmarshalable", input: map[string]any{"f": func() {}}, wantErr: "encode input"},
	}
	var rec recorder
	srv := rec.serve(t, echo)
	c, err := client.New(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(rec.Requests())
			res, err := c.CallTool(context.Background(), "Math.Add", tt.input)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				if len(rec.Requests()) != before {
					t.Error("a request was sent for bad input")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got, want any
			_ = json.Unmarshal(res.Value, &got)
			_ = json.Unmarshal([]byte(tt.want), &want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("input sent (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCallToolBadToolID(t *testing.T) {
	c, err := client.New("http://127.0.0.1:1", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"", "NoDot", "A.B@1.2", "A.B@x", "A.B C"} {
		t.Run(id, func(t *testing.T) {
			if _, err := c.CallTool(context.Background(), id, nil); err == nil || !strings.Contains(err.Error(), "tool id") {
				t.Errorf("CallTool(%q) error = %v, want a tool id error", id, err)
			}
		})
	}
}

// OTC: CALL-1, CALL-7, SCHEMA-1, REQ-2, REQ-3, REQ-4
func TestCallToolRequestBody(t *testing.T) {
	var rec recorder
	srv := rec.serve(t, echo)
	c, err := client.New(srv.URL, &client.Options{UserAgent: "agent/7"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CallTool(context.Background(), "Mail.Send@2", map[string]string{"to": "a@example.com"},
		client.WithCallID("c-1"), client.WithTraceID("t-1"), client.WithUserID("u-1"),
		client.WithSecret("SMTP_PASSWORD", "pw"), client.WithSecret("DKIM", "dk"),
		client.WithAuthorization("google", "tok"))
	if err != nil {
		t.Fatal(err)
	}
	r := rec.Requests()[0]
	want := otc.CallRequest{Schema: "otc://1.0", Request: otc.CallToolRequest{
		CallID: "c-1", TraceID: "t-1", ToolID: "Mail.Send@2", Input: json.RawMessage(`{"to":"a@example.com"}`),
		Context: &otc.CallContext{
			Authorization: []otc.AuthorizationToken{{ID: "google", Token: "tok"}},
			Secrets:       []otc.Secret{{ID: "SMTP_PASSWORD", Value: "pw"}, {ID: "DKIM", Value: "dk"}},
			UserID:        "u-1",
		}}}
	if diff := cmp.Diff(want, r.Body); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	if r.Method != http.MethodPost || r.Path != "/tools/call" {
		t.Errorf("request = %s %s", r.Method, r.Path)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := r.Header.Get("User-Agent"); got != "agent/7" {
		t.Errorf("User-Agent = %q", got)
	}
}

func TestCallToolBaseURLPrefix(t *testing.T) {
	var rec recorder
	srv := rec.serve(t, echo)
	c, err := client.New(srv.URL+"/otc/", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CallTool(context.Background(), "Math.Add", nil); err != nil {
		t.Fatal(err)
	}
	if got := rec.Requests()[0].Path; got != "/otc/tools/call" {
		t.Errorf("path = %q, want /otc/tools/call", got)
	}
}

// OTC: CALL-2, CALL-8, CALL-9, CALL-10
func TestCallToolResults(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    *client.Result
		wantErr string
	}{
		{name: "value", body: `{"$schema":"otc://1.0","result":{"call_id":"a","duration":12.5,"success":true,"value":{"x":1}}}`,
			want: &client.Result{CallID: "a", Duration: 12500 * time.Microsecond, Success: true, Value: json.RawMessage(`{"x":1}`), Attempts: 1}},
		{name: "no value", body: `{"result":{"call_id":"a","success":true}}`,
			want: &client.Result{CallID: "a", Success: true, Attempts: 1}},
		{name: "tool error", body: `{"result":{"call_id":"a","duration":3,"success":false,"error":{"message":"No such city.",
			"developer_message":"geocoder: 404","additional_prompt_content":"Use a real city."}}}`,
			want: &client.Result{CallID: "a", Duration: 3 * time.Millisecond, Attempts: 1, Error: &otc.ToolError{
				Message: "No such city.", DeveloperMessage: "geocoder: 404", AdditionalPromptContent: "Use a real city."}}},
		{name: "success missing, error present", body: `{"result":{"call_id":"a","error":{"message":"m"}}}`,
			want: &client.Result{CallID: "a", Attempts: 1, Error: &otc.ToolError{Message: "m"}}},
		{name: "failure without an error object", body: `{"result":{"call_id":"a","success":false}}`,
			want: &client.Result{CallID: "a", Attempts: 1, Error: &otc.ToolError{Message: "The tool failed without saying why."}}},
		{name: "negative duration and retry hint", body: `{"result":{"call_id":"a","duration":-4,"success":false,"error":{"message":"m","retry_after_ms":-5}}}`,
			want: &client.Result{CallID: "a", Attempts: 1, Error: &otc.ToolError{Message: "m"}}},
		{name: "missing call_id is filled from the request", body: `{"result":{"success":true,"value":1}}`,
			want: &client.Result{CallID: "mine", Success: true, Value: json.RawMessage(`1`), Attempts: 1}},
		{name: "no result", body: `{"$schema":"otc://1.0"}`, wantErr: `no "result"`},
		{name: "another version", body: `{"$schema":"urn:oxp:3.0","result":{"success":true}}`, wantErr: "not OTC 1.0"},
		{name: "not JSON", body: `ok`, wantErr: "not a JSON object"},
		{name: "result of the wrong type", body: `{"result":[]}`, wantErr: "not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			srv := rec.serve(t, func(_ int, w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(tt.body)) })
			c, err := client.New(srv.URL, &client.Options{Clock: newFakeClock()})
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.CallTool(context.Background(), "Math.Add", nil, client.WithCallID("mine"))
			if tt.wantErr != "" {
				var re *client.ResponseError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %T %v, want *ResponseError containing %q", err, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, res); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResultAccessors(t *testing.T) {
	failed := &client.Result{Error: otc.RetryableError("Busy.", 2*time.Second, "Ask for fewer rows.")}
	if !failed.CanRetry() || failed.RetryAfter() != 2*time.Second || failed.AdditionalPromptContent() != "Ask for fewer rows." {
		t.Errorf("accessors of a retryable failure: %v %v %q", failed.CanRetry(), failed.RetryAfter(), failed.AdditionalPromptContent())
	}
	var te *otc.ToolError
	var v any
	if err := failed.Decode(&v); !errors.As(err, &te) || te.Message != "Busy." {
		t.Errorf("Decode of a failure = %v, want the *otc.ToolError", err)
	}
	ok := &client.Result{Success: true, Value: json.RawMessage(`[1,2]`), Error: otc.RetryableError("stale", time.Second, "x")}
	if ok.CanRetry() || ok.RetryAfter() != 0 || ok.AdditionalPromptContent() != "" {
		t.Error("a success reports retry hints")
	}
	var got []int
	if err := ok.Decode(&got); err != nil || !cmp.Equal(got, []int{1, 2}) {
		t.Errorf("Decode = %v, %v", got, err)
	}
	empty := &client.Result{Success: true}
	if err := empty.Decode(&got); err == nil {
		t.Error("Decode of no value succeeded")
	}
}

// OTC: VER-1, VER-2, VER-3
func TestFindTool(t *testing.T) {
	defs := []otc.ToolDefinition{
		{ID: "Math.Add@1.0.0", Version: "1.0.0"},
		{ID: "Math.Add@1.2.0", Version: "1.2.0"},
		{ID: "Math.Add@2.0.0", Version: "2.0.0"},
		{ID: "Math.Add@10.0.1", Version: "10.0.1"},
		{ID: "Math.Sub", Version: "3.0.0"},
		{ID: "bad id", Version: "9.9.9"},
	}
	tests := []struct {
		toolID string
		want   string // "" when not found
	}{
		{"Math.Add@1.2.0", "Math.Add@1.2.0"},
		{"Math.Add@1", "Math.Add@1.0.0"},
		{"Math.Add@10", ""},
		{"Math.Add", "Math.Add@10.0.1"},
		{"Math.Add@3.0.0", ""},
		{"Math.Sub", "Math.Sub"},
		{"Math.Sub@3", "Math.Sub"},
		{"Math.Mul", ""},
		{"bad id", ""},
	}
	for _, tt := range tests {
		t.Run(tt.toolID, func(t *testing.T) {
			d, ok := client.FindTool(defs, tt.toolID)
			if ok != (tt.want != "") || d.ID != tt.want {
				t.Errorf("FindTool(%q) = %q, %v; want %q", tt.toolID, d.ID, ok, tt.want)
			}
		})
	}
}
