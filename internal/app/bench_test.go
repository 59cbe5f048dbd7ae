package app

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otc-dev/otc/auth"
)

// discardResponse is an http.ResponseWriter that keeps only the status, so
// that a benchmark measures the handler and not a recorder's buffers.
type discardResponse struct {
	h    http.Header
	code int
}

func (w *discardResponse) Header() http.Header         { return w.h }
func (w *discardResponse) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardResponse) WriteHeader(code int)        { w.code = code }

// bodyReader is a request body read from the start on every iteration
// without allocating.
type bodyReader struct{ *strings.Reader }

func (bodyReader) Close() error { return nil }

const benchAddBody = `{"request":{"tool_id":"Calculator.Add@1.0.0","input":{"a":1,"b":2}}}`

// BenchmarkHandler is Calculator.Add calls through the whole handler
// chain of "otc serve" (request info, source address, metrics, audit log to
// a file, failed-auth limit, authentication, protocol server), without
// net/http's connection handling, from 32 concurrent clients: what otc adds to a request beyond the
// platform, with its allocations, as the bench harness's server CPU per
// request cannot show them.
func BenchmarkHandler(b *testing.B) {
	tok, err := auth.MintToken([]byte(jwtSecret), auth.MintOptions{Subject: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		header []string
	}{
		{"none", []string{"--auth", "none"}, nil},
		{"api_key", []string{"--auth", "api_key"}, []string{"OTC-API-Key", keyAlice}},
		{"jwt", []string{"--auth", "jwt"}, bearer(tok)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			dir := b.TempDir()
			args := append([]string{"--audit-log", filepath.Join(dir, "audit.log"), "--log-level", "error"}, tc.args...)
			cfg, err := parseConfig(b, serveOptions{args: args, dataDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			a, _, _, err := buildApp(b, cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetParallelism(16) // 32 concurrent requests on 2 cores, as under the bench harness
			b.RunParallel(func(pb *testing.PB) {
				body := strings.NewReader(benchAddBody)
				r, err := http.NewRequest("POST", "http://127.0.0.1/tools/call", bodyReader{body})
				if err != nil {
					panic(err)
				}
				r.ContentLength = int64(len(benchAddBody)) // as net/http sets it
				r.RemoteAddr = "127.0.0.1:40000"
				r.Header.Set("Content-Type", "application/json")
				for i := 0; i+1 < len(tc.header); i += 2 {
					r.Header.Set(tc.header[i], tc.header[i+1])
				}
				w := &discardResponse{h: http.Header{}}
				for pb.Next() {
					body.Reset(benchAddBody)
					clear(w.h)
					w.code = 0
					a.handler.ServeHTTP(w, r)
					if w.code != 0 && w.code != http.StatusOK {
						panic(fmt.Sprintf("status %d", w.code))
					}
				}
			})
		})
	}
}
