package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/otc-dev/otc/bench/internal/load"
)

// TestServersAnswerCorrectly runs each in-process server handler under the
// load generator for a moment, with the check the harness uses: the peers
// must be configured for JSON answers, the ceiling must answer its bytes.
func TestServersAnswerCorrectly(t *testing.T) {
	tests := []struct {
		name    string
		handler http.Handler
		request func(addr string) []byte
		check   load.CheckFunc
	}{
		{"ceiling", newCeilingHandler(defaultCanned), func(a string) []byte { return otcRequest(a) }, checkCeiling(defaultCanned.Body)},
		{"go-sdk", newGoSDKHandler(), mcpRequest, checkMCP},
		{"mcp-go", newMCPGoHandler(), mcpRequest, checkMCP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			addr := strings.TrimPrefix(srv.URL, "http://")
			res, err := load.Run(context.Background(), load.Options{
				Addr:        addr,
				Concurrency: 2,
				Warmup:      50 * time.Millisecond,
				Duration:    100 * time.Millisecond,
				NewBuilder:  staticBuilder(tt.request(addr)),
				Check:       tt.check,
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Errors != 0 || res.Requests == 0 {
				t.Errorf("%d requests, %d errors %q; want no error", res.Requests, res.Errors, res.ErrorSamples)
			}
		})
	}
}

func TestCeilingReplaysHeaders(t *testing.T) {
	canned := cannedResponse{
		Header: http.Header{"Content-Type": {"application/json"}, "X-Custom": {"a", "b"}},
		Body:   []byte(`{"x":1}` + "\n"),
	}
	rec := httptest.NewRecorder()
	newCeilingHandler(canned).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/tools/call", strings.NewReader(otcCallBody)))
	if rec.Code != 200 || rec.Body.String() != string(canned.Body) ||
		rec.Header().Get("Content-Length") != "8" || len(rec.Header()["X-Custom"]) != 2 {
		t.Errorf("got %d %v %q", rec.Code, rec.Header(), rec.Body)
	}
}
