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

const foreignList = `{
  "$schema": "urn:oxp:1.0",
  "next_page": null,
  "items": [
    {
      "id": "Weather.Forecast@2.1.0",
      "name": "Forecast",
      "description": "Forecast for a city.",
      "version": "2.1.0",
      "toolkit": {"name": "Weather", "homepage": "https://example.com"},
      "input_schema": {"type": "object", "properties": {"city": {"type": "string", "description": "City"}}, "required": ["city"]},
      "output_schema": {"type": "string"},
      "requirements": {"secrets": [{"id": "WEATHER_KEY", "hint": "from the provider"}]},
      "tags": ["weather"]
    },
    {
      "id": "Weather.Alerts@1.0.0",
      "name": "Alerts",
      "description": "Alerts.",
      "version": "1.0.0",
      "input_schema": {"parameters": {"type": "object", "properties": {}}},
      "output_schema": null
    },
    {
      "id": "Weather.Old@0.1.0",
      "name": "Old",
      "description": "No schemas at all.",
      "version": "0.1.0"
    }
  ]
}`

// TestForeignServer runs the client against a server such as one built from
// the OXP 1.0 document might be: "items" instead of "tools", urn:oxp:1.0,
// the input schema unwrapped, fields this client has never heard of, no
// duration, and a fractional retry_after_ms.
func TestForeignServer(t *testing.T) {
	var rec recorder
	srv := rec.serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/health":
			_, _ = w.Write([]byte(`{"healthy": true, "uptime_s": 12}`))
		case "/tools":
			_, _ = w.Write([]byte(foreignList))
		case "/tools/call":
			if n == 3 {
				_, _ = w.Write([]byte(`{"$schema":"urn:oxp:1.0","result":{"call_id":"f-1","success":false,
					"error":{"message":"Rate limited upstream.","can_retry":true,"retry_after_ms":250.4,"kind":"upstream"},
					"output":{"ignored":true}},"meta":{"region":"eu"}}`))
				return
			}
			_, _ = w.Write([]byte(`{"$schema":"https://openexecprotocol.org/openapi/1.0.json","result":{"call_id":"f-1",
				"success":true,"value":"Sunny","logs":[]},"meta":{"region":"eu"}}`))
		}
	})
	clock := newFakeClock()
	c, err := client.New(srv.URL, &client.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Health(ctx); err != nil {
		t.Fatalf("Health: %v", err)
	}

	// OTC: COMPAT-1, COMPAT-3, COMPAT-5
	tools, err := c.ListTools(ctx)
	if err != nil {
		t.Fatalf("ListTools: %v", err)
	}
	want := []otc.ToolDefinition{
		{ID: "Weather.Forecast@2.1.0", Name: "Forecast", Description: "Forecast for a city.", Version: "2.1.0",
			InputSchema:  otc.InputSchema{Parameters: json.RawMessage(`{"type": "object", "properties": {"city": {"type": "string", "description": "City"}}, "required": ["city"]}`)},
			OutputSchema: json.RawMessage(`{"type": "string"}`),
			Requirements: &otc.Requirements{Secrets: []otc.SecretRequirement{{ID: "WEATHER_KEY"}}}},
		{ID: "Weather.Alerts@1.0.0", Name: "Alerts", Description: "Alerts.", Version: "1.0.0",
			InputSchema:  otc.InputSchema{Parameters: json.RawMessage(`{"type": "object", "properties": {}}`)},
			OutputSchema: json.RawMessage(`null`)},
		{ID: "Weather.Old@0.1.0", Name: "Old", Description: "No schemas at all.", Version: "0.1.0",
			InputSchema:  otc.InputSchema{Parameters: json.RawMessage(`{}`)},
			OutputSchema: json.RawMessage(`{}`)},
	}
	if diff := cmp.Diff(want, tools); diff != "" {
		t.Errorf("tools (-want +got):\n%s", diff)
	}

	// The retryable failure (attempt 1 of the call is request 3) is read
	// despite its extra fields and fractional retry_after_ms, and retried.
	res, err := c.CallTool(ctx, "Weather.Forecast", map[string]string{"city": "Paris"},
		client.WithSecret("WEATHER_KEY", "k"))
	if err != nil {
		t.Fatalf("CallTool: %v", err)
	}
	wantRes := &client.Result{CallID: "f-1", Success: true, Value: json.RawMessage(`"Sunny"`), Attempts: 2}
	if diff := cmp.Diff(wantRes, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Duration{251 * time.Millisecond}, clock.Waits()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	var city string
	if err := res.Decode(&city); err != nil || city != "Sunny" {
		t.Errorf("Decode = %q, %v", city, err)
	}
}

func TestListToolsShapes(t *testing.T) {
	def := `{"id":"A.B@1.0.0","name":"B","description":"d","version":"1.0.0","input_schema":{"parameters":{}},"output_schema":{}}`
	other := `{"id":"A.C@1.0.0","name":"C","description":"d","version":"1.0.0","input_schema":{"parameters":{}},"output_schema":{}}`
	tests := []struct {
		name    string
		body    string
		wantIDs []string
		wantErr string
	}{
		// OTC: LIST-1, COMPAT-1
		{name: "tools and items: tools wins", body: `{"$schema":"otc://1.0","tools":[` + def + `],"items":[` + other + `]}`,
			wantIDs: []string{"A.B@1.0.0"}},
		// OTC: LIST-2
		{name: "empty tools", body: `{"$schema":"otc://1.0","tools":[],"items":[` + other + `]}`, wantIDs: []string{}},
		{name: "no $schema", body: `{"tools":[` + def + `]}`, wantIDs: []string{"A.B@1.0.0"}},
		{name: "full OTC URL", body: `{"$schema":"https://opentoolcalling.org/openapi/1.0.json","tools":[]}`, wantIDs: []string{}},
		{name: "neither tools nor items", body: `{"$schema":"otc://1.0"}`, wantErr: "neither"},
		{name: "tools is null", body: `{"$schema":"otc://1.0","tools":null}`, wantErr: "neither"},
		{name: "another major version", body: `{"$schema":"otc://2.0","tools":[]}`, wantErr: "not OTC 1.0"},
		{name: "not JSON", body: `<html>`, wantErr: "not a JSON object"},
		{name: "a tool without id", body: `{"tools":[{"name":"x"}]}`, wantErr: "no id"},
		{name: "input_schema not an object", body: `{"tools":[{"id":"A.B","input_schema":[1]}]}`, wantErr: "not an object"},
		{name: "parameters not an object", body: `{"tools":[{"id":"A.B","input_schema":{"parameters":"x"}}]}`, wantErr: "parameters is not an object"},
		{name: "requirements of the wrong type", body: `{"tools":[{"id":"A.B","requirements":{"user_id":"yes"}}]}`, wantErr: "tool 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			srv := rec.serve(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(tt.body))
			})
			c, err := client.New(srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			tools, err := c.ListTools(context.Background())
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
			ids := []string{}
			for _, d := range tools {
				ids = append(ids, d.ID)
			}
			if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
		})
	}
}
