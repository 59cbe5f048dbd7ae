package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/otc-dev/otc"
)

const addBody = `{"$schema":"otc://1.0","request":{"call_id":"","trace_id":"trace-1","tool_id":"Calculator.Add@1.0.0",` +
	`"input":{"a":1.5,"b":2.25},"context":{"user_id":"user-1"}}}`

func BenchmarkDecodeCallRequest(b *testing.B) {
	body := []byte(addBody)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeCallRequest(body, DefaultMaxJSONDepth); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateJSON measures the validator alone on a larger input:
// an object of 200 members holding strings, numbers and nested arrays.
func BenchmarkValidateJSON(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"request":{"tool_id":"A.B","input":{`)
	for i := range 200 {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `"field_%d":["value %d with some text",%d.5,{"nested":true}]`, i, i, i)
	}
	sb.WriteString(`}}}`)
	body := []byte(sb.String())
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := validateJSON(body, DefaultMaxJSONDepth); err != nil {
			b.Fatal(err)
		}
	}
}

// discardWriter is a ResponseWriter that keeps nothing, so that the
// benchmark measures the handler and not a recorder.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }

// BenchmarkCallAdd is a whole POST /tools/call through the handler, no
// network: decode, resolve, validate, run, encode.
func BenchmarkCallAdd(b *testing.B) { benchCallAdd(b, Options{}) }

// BenchmarkCallAddLogged is BenchmarkCallAdd with the call log on: one
// JSON line per call at info level, written to io.Discard, so that the
// cost of the line itself shows.
func BenchmarkCallAddLogged(b *testing.B) {
	benchCallAdd(b, Options{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
}

// benchCallAdd serves addBody sequentially through a server built with
// opts, reusing one request and writer so that only the handler allocates.
func benchCallAdd(b *testing.B, opts Options) {
	s := newServer(b, opts)
	h := s.Handler()
	body := strings.NewReader(addBody)
	r := httptest.NewRequest("POST", "/tools/call", body)
	r.Header.Set("Content-Type", "application/json")
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		body.Reset(addBody)
		r.Body = readCloser{body}
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

// BenchmarkCallAddParallel is BenchmarkCallAdd from 32 concurrent
// clients (16 per core on the 2-core machine), as under the bench
// harness's load: the costs that depend on concurrency (tool goroutines,
// shared locks) show here and not in BenchmarkCallAdd.
func BenchmarkCallAddParallel(b *testing.B) {
	s := newServer(b, Options{})
	h := s.Handler()
	b.ReportAllocs()
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		body := strings.NewReader(addBody)
		r := httptest.NewRequest("POST", "/tools/call", body)
		r.Header.Set("Content-Type", "application/json")
		w := &discardWriter{h: http.Header{}}
		for pb.Next() {
			body.Reset(addBody)
			r.Body = readCloser{body}
			clear(w.h)
			h.ServeHTTP(w, r)
		}
	})
}

// BenchmarkCallAddCallID is BenchmarkCallAddParallel with a new call_id
// on every call, so that each one claims and completes a record, in the
// in-memory store: the server's side of durable calls (digest, record
// handling), without a disk.
func BenchmarkCallAddCallID(b *testing.B) {
	s := newServer(b, Options{})
	h := s.Handler()
	var seq atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		var buf []byte
		body := bytes.NewReader(nil)
		r := httptest.NewRequest("POST", "/tools/call", body)
		r.Header.Set("Content-Type", "application/json")
		w := &discardWriter{h: http.Header{}}
		for pb.Next() {
			buf = fmt.Appendf(buf[:0], `{"request":{"call_id":"c-%d","tool_id":"Calculator.Add@1.0.0","input":{"a":1.5,"b":2.25}}}`, seq.Add(1))
			body.Reset(buf)
			r.Body = io.NopCloser(body)
			r.ContentLength = int64(len(buf))
			clear(w.h)
			h.ServeHTTP(w, r)
			if w.code != http.StatusOK {
				b.Errorf("status %d", w.code)
				return
			}
		}
	})
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

func BenchmarkEncodeResponse(b *testing.B) {
	res := otc.CallToolResponse{CallID: "01927a2e-8c5d-7b3a-9f1e-2d4c6b8a0e1f", Duration: 0.734,
		Success: true, Value: json.RawMessage(`{"sum":3.75,"terms":[1.5,2.25],"note":"exact"}`)}
	result, envelope := make([]byte, 0, 512), make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		result = appendResult(result[:0], &res)
		envelope = appendEnvelope(envelope[:0], otc.SchemaOTC, result)
	}
}

// BenchmarkListTools10k serves GET /tools with 10 000 registered tools. The
// catalog is built once (before the timer); each request then costs a
// lookup and a write, and with a matching If-None-Match no body at all.
func BenchmarkListTools10k(b *testing.B) {
	reg := otc.NewRegistry()
	tools := make([]*otc.Tool, 0, 10_000)
	params := json.RawMessage(`{"type":"object","properties":{"q":{"type":"string","description":"The query."}},"required":["q"]}`)
	for i := range 10_000 {
		tool, err := otc.NewRawTool(otc.ToolSpec{Toolkit: fmt.Sprintf("Kit%03d", i/100), Name: fmt.Sprintf("Tool%03d", i%100),
			Version: "1.0.0", Description: "A generated tool for the catalog benchmark."}, params, json.RawMessage(`{}`),
			func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, nil })
		if err != nil {
			b.Fatal(err)
		}
		tools = append(tools, tool)
	}
	if err := reg.Register(tools...); err != nil {
		b.Fatal(err)
	}
	s := newServer(b, Options{Registry: reg})
	h := s.Handler()
	warm := httptest.NewRecorder()
	h.ServeHTTP(warm, httptest.NewRequest("GET", "/tools", nil))
	etag := warm.Header().Get("ETag")
	b.Logf("catalog: %d bytes", warm.Body.Len())

	for _, bc := range []struct {
		name   string
		header http.Header
		want   int
	}{
		{"full", http.Header{}, 200},
		{"gzip", http.Header{"Accept-Encoding": {"gzip"}}, 200},
		{"if-none-match", http.Header{"If-None-Match": {etag}}, 304},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/tools", nil)
			r.Header = bc.header
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r) // builds the gzip encoding once
			if rec.Code != bc.want {
				b.Fatalf("status %d, want %d", rec.Code, bc.want)
			}
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, r)
			}
		})
	}
}
