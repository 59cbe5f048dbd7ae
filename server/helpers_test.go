package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/internal/openapitest"
	"github.com/otc-dev/otc/toolkits/examples"
)

// testEpoch is the fixed time of tests that need stable output.
var testEpoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func fixedNow() time.Time { return testEpoch }

// testTools are tools that the examples toolkit does not have: ways for a
// tool to misbehave.
func testTools(t testing.TB) []*otc.Tool {
	t.Helper()
	must := func(tool *otc.Tool, err error) *otc.Tool {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return tool
	}
	obj := json.RawMessage(`{"type":"object","properties":{"n":{"type":"integer","description":"A number."}},"required":["n"],"additionalProperties":false}`)
	return []*otc.Tool{
		must(otc.NewRawTool(otc.ToolSpec{Toolkit: "Test", Name: "BadOutput", Version: "1.0.0",
			Description: "Returns a value that breaks its output schema."}, nil, obj,
			func(context.Context, json.RawMessage) (json.RawMessage, error) {
				return json.RawMessage(`{"n":"not a number"}`), nil
			})),
		must(otc.NewRawTool(otc.ToolSpec{Toolkit: "Test", Name: "InvalidJSON", Version: "1.0.0",
			Description: "Returns bytes that are not JSON."}, nil, json.RawMessage(`{}`),
			func(context.Context, json.RawMessage) (json.RawMessage, error) {
				return json.RawMessage(`{"n":`), nil
			})),
		must(otc.NewRawTool(otc.ToolSpec{Toolkit: "Test", Name: "Stubborn", Version: "1.0.0",
			Description: "Ignores its context and sleeps 200 ms.", Timeout: 20 * time.Millisecond}, nil, nil,
			func(context.Context, json.RawMessage) (json.RawMessage, error) {
				time.Sleep(200 * time.Millisecond)
				return nil, nil
			})),
		must(otc.NewRawTool(otc.ToolSpec{Toolkit: "Test", Name: "Single", Version: "1.0.0",
			Description: "Sleeps like Demo.Sleep, one call at a time.", MaxConcurrent: 1},
			json.RawMessage(`{"type":"object","properties":{"ms":{"type":"integer","description":"Milliseconds."}}}`), nil,
			func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
				var v struct{ MS int }
				_ = json.Unmarshal(in, &v)
				select {
				case <-time.After(time.Duration(v.MS) * time.Millisecond):
				case <-ctx.Done():
				}
				return nil, nil
			})),
		must(otc.NewRawTool(otc.ToolSpec{Toolkit: "Test", Name: "Echo", Version: "1.0.0",
			Description: "Returns its input."}, json.RawMessage(`{"type":"object","additionalProperties":true}`), json.RawMessage(`{}`),
			func(_ context.Context, in json.RawMessage) (json.RawMessage, error) { return in, nil })),
	}
}

// newRegistry returns a registry of the examples toolkit and testTools.
func newRegistry(t testing.TB) *otc.Registry {
	t.Helper()
	reg := otc.NewRegistry()
	if err := reg.Register(examples.Tools(examples.Options{InstanceID: "test", Now: fixedNow})...); err != nil {
		t.Fatal(err)
	}
	if err := reg.Register(testTools(t)...); err != nil {
		t.Fatal(err)
	}
	return reg
}

// shared is a registry for tests that do not change it: building one
// compiles every schema, which is slow under the race detector.
var shared struct {
	once sync.Once
	reg  *otc.Registry
}

// newServer returns a Server with opts; a nil Registry in opts means a
// shared one of newRegistry's tools.
func newServer(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Registry == nil {
		shared.once.Do(func() { shared.reg = newRegistry(t) })
		opts.Registry = shared.reg
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// request describes one HTTP request to a handler.
type request struct {
	method, path, body string
	header             http.Header
	ctx                context.Context
}

// serve runs req through h and returns the recorded response.
func serve(h http.Handler, req request) *httptest.ResponseRecorder {
	var body *strings.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	var r *http.Request
	if body != nil {
		r = httptest.NewRequest(req.method, req.path, body)
		r.Header.Set("Content-Type", "application/json")
	} else {
		r = httptest.NewRequest(req.method, req.path, nil)
	}
	for k, vs := range req.header {
		r.Header.Del(k)
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	if req.ctx != nil {
		r = r.WithContext(req.ctx)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// post sends a call body to POST /tools/call.
func post(h http.Handler, body string) *httptest.ResponseRecorder {
	return serve(h, request{method: "POST", path: "/tools/call", body: body})
}

// decoded is a call response, decoded loosely for assertions.
type decoded struct {
	Schema string `json:"$schema"`
	Result struct {
		CallID   string          `json:"call_id"`
		Duration *float64        `json:"duration"`
		Success  bool            `json:"success"`
		Value    json.RawMessage `json:"value"`
		Error    *otc.ToolError  `json:"error"`
	} `json:"result"`
	Message             string                   `json:"message"`
	DeveloperMessage    string                   `json:"developer_message"`
	ParameterErrors     map[string]string        `json:"parameter_errors"`
	MissingRequirements *otc.MissingRequirements `json:"missing_requirements"`
}

func decode(t testing.TB, rec *httptest.ResponseRecorder) decoded {
	t.Helper()
	var d decoded
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, rec.Body)
	}
	return d
}

var officialPath = filepath.Join("..", "..", "shared", "spec", "otc-1.0-openapi.json")

// docs are the OpenAPI documents responses are checked against, loaded
// once: the one this server serves (with two auth methods, so that its
// security parts are present) and the official OTC 1.0 document, nil when
// the shared spec folder is missing.
var docs struct {
	once     sync.Once
	ours     *openapitest.Doc
	official *openapitest.Doc
}

func loadDocs(t *testing.T) {
	docs.once.Do(func() {
		p, err := buildOpenAPI([]string{AuthAPIKey, AuthJWT}, nil)
		if err != nil {
			t.Fatal(err)
		}
		docs.ours = openapitest.Parse(t, "served openapi.json", p.body)
		if _, err := os.Stat(officialPath); err == nil {
			docs.official = openapitest.Load(t, officialPath)
		}
	})
}

// checkDocs validates a response against the served OpenAPI document and
// against the official OTC 1.0 document: with the schema it gives for the
// status, or, for error statuses it does not list, its error shape.
func checkDocs(t *testing.T, method, path string, rec *httptest.ResponseRecorder) {
	t.Helper()
	loadDocs(t)
	body := rec.Body.Bytes()
	if rec.Code == http.StatusNotFound || rec.Code == http.StatusMethodNotAllowed {
		// Not tied to an operation: the document has them as reusable
		// responses of the error shape.
		docs.ours.ValidateSchema(t, "#/components/responses/NotFound/content/application~1json/schema", body)
	} else {
		docs.ours.ValidateResponse(t, method, path, rec.Code, body)
	}
	if docs.official == nil {
		t.Logf("%s is missing: not checked against the official document", officialPath)
		return
	}
	switch {
	case docs.official.Documents(method, path, rec.Code):
		docs.official.ValidateResponse(t, method, path, rec.Code, body)
	case rec.Code >= 400:
		// The official document lists only 200, 400, 401 and 422; other
		// error bodies must still have its error shape.
		docs.official.ValidateSchema(t, "#/components/schemas/ServerErrorResponse", body)
	}
}

// logBuffer is a slog handler target safe for concurrent writes.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newLogger returns a JSON logger at debug level writing to a buffer.
func newLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// logLines decodes the JSON log lines in b.
func logLines(t testing.TB, b *logBuffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, l)
		}
		lines = append(lines, m)
	}
	return lines
}

type responseRecorder = httptest.ResponseRecorder

// recordRequest runs r through h.
func recordRequest(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}
