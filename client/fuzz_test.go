package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/otc-dev/otc/client"
)

// staticTransport answers every request with one status and body, without a
// network, so that fuzzing runs fast.
type staticTransport struct {
	status int
	body   []byte
}

func (s staticTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode: s.status,
		Header:     http.Header{"Retry-After": []string{"1"}},
		Body:       io.NopCloser(bytes.NewReader(s.body)),
		Request:    r,
	}, nil
}

func fuzzClient(t *testing.T, status int, body []byte) *client.Client {
	t.Helper()
	c, err := client.New("http://127.0.0.1:9", &client.Options{
		HTTPClient: &http.Client{Transport: staticTransport{status: status, body: body}},
		Clock:      newFakeClock(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// FuzzCallResponse feeds arbitrary answers to CallTool: whatever a server
// sends, the client returns a consistent result or an error, never panics.
func FuzzCallResponse(f *testing.F) {
	f.Add(200, []byte(`{"$schema":"otc://1.0","result":{"call_id":"a","duration":1,"success":true,"value":3}}`))
	f.Add(200, []byte(`{"result":{"call_id":"a","success":false,"error":{"message":"m","can_retry":true,"retry_after_ms":1e300}}}`))
	f.Add(422, []byte(`{"message":"bad","parameter_errors":{"a":"x"}}`))
	f.Add(401, []byte(`not json`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		res, err := fuzzClient(t, status, body).CallTool(context.Background(), "Math.Add", nil)
		if err != nil {
			if res != nil {
				t.Fatal("both a result and an error")
			}
			_ = err.Error()
			return
		}
		if status != http.StatusOK {
			t.Fatalf("status %d gave a result", status)
		}
		if res.Success && res.Error != nil || !res.Success && res.Error == nil {
			t.Fatalf("inconsistent result %+v", res)
		}
		if res.Duration < 0 || res.RetryAfter() < 0 || res.CallID == "" {
			t.Fatalf("bad result %+v", res)
		}
	})
}

// FuzzListResponse feeds arbitrary bodies to ListTools: every definition it
// returns has an id and a JSON object as its parameters schema.
func FuzzListResponse(f *testing.F) {
	f.Add([]byte(`{"$schema":"otc://1.0","tools":[{"id":"A.B@1.0.0","input_schema":{"parameters":{}},"output_schema":null}]}`))
	f.Add([]byte(`{"$schema":"urn:oxp:1.0","items":[{"id":"A.B","input_schema":{"type":"object"}}]}`))
	f.Add([]byte(`{"tools":[{"id":"A.B","input_schema":{"parameters":7}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		defs, err := fuzzClient(t, 200, body).ListTools(context.Background())
		if err != nil {
			_ = err.Error()
			return
		}
		for _, d := range defs {
			if d.ID == "" {
				t.Fatal("definition without id")
			}
			var params map[string]json.RawMessage
			if err := json.Unmarshal(d.InputSchema.Parameters, &params); err != nil {
				t.Fatalf("parameters %q are not an object: %v", d.InputSchema.Parameters, err)
			}
			if !json.Valid(d.OutputSchema) {
				t.Fatalf("output schema %q is not JSON", d.OutputSchema)
			}
		}
	})
}
