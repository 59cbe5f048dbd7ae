package audit_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/audit"
	"github.com/otc-dev/otc/internal/reqinfo"
	"github.com/otc-dev/otc/netguard"
)

// benchRecord is what a JWT-authenticated call of Calculator.Add records.
var benchRecord = audit.Record{
	Time:       t0,
	Client:     "billing-agent",
	AuthMethod: "jwt",
	SourceIP:   "192.0.2.10",
	Method:     "POST",
	Path:       "POST /tools/call",
	ToolID:     "Calculator.Add@1.0.0",
	CallID:     "7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f",
	Outcome:    "success",
	Status:     200,
	Duration:   137 * time.Microsecond,
}

func BenchmarkLog(b *testing.B) {
	l := audit.New(io.Discard, nil)
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Log(b.Context(), benchRecord); err != nil {
			b.Fatal(err)
		}
	}
}

// countingWriter counts the Write calls that reach w.
type countingWriter struct {
	w      io.Writer
	writes atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.w.Write(p)
}

// cpuTime returns the CPU time (user and system) the process used so far.
// On a machine shared with other work, CPU time per operation says more
// than wall time per operation.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchWriters are the destinations the benchmarks write to: nothing, to
// see the cost of encoding alone, and a file, as with --audit-log or a
// standard error redirected to one.
func benchWriters(b *testing.B) map[string]func() io.Writer {
	return map[string]func() io.Writer{
		"discard": func() io.Writer { return io.Discard },
		"file": func() io.Writer {
			f, err := os.Create(filepath.Join(b.TempDir(), "audit.log"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { f.Close() })
			return f
		},
	}
}

// BenchmarkMiddleware measures the audit middleware as the server runs it:
// behind the request info and source address, around a handler that
// records an authenticated call. The parallel variants run 16 requests per
// CPU at once, like the 32 keep-alive connections of go run ./bench on two
// CPUs.
func BenchmarkMiddleware(b *testing.B) {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := reqinfo.From(r.Context())
		info.Caller = &otc.Caller{Method: "jwt", Name: "billing-agent"}
		info.Route = "POST /tools/call"
		info.ToolID, info.CallID, info.Outcome = benchRecord.ToolID, benchRecord.CallID, "success"
		w.WriteHeader(http.StatusOK)
	})
	for _, name := range []string{"discard", "file"} {
		newWriter := benchWriters(b)[name]
		b.Run(name, func(b *testing.B) {
			h := netguard.RequestInfo(netguard.SourceAddress(nil)(audit.New(newWriter(), nil).Middleware(inner)))
			r := httptest.NewRequest(http.MethodPost, "/tools/call", nil)
			r.RemoteAddr = "192.0.2.10:50000"
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, r)
			}
		})
		b.Run(name+"/parallel", func(b *testing.B) {
			out := &countingWriter{w: newWriter()}
			h := netguard.RequestInfo(netguard.SourceAddress(nil)(audit.New(out, nil).Middleware(inner)))
			b.ReportAllocs()
			b.SetParallelism(16)
			cpu := cpuTime(b)
			b.RunParallel(func(pb *testing.PB) {
				r := httptest.NewRequest(http.MethodPost, "/tools/call", nil)
				r.RemoteAddr = "192.0.2.10:50000"
				w := httptest.NewRecorder()
				for pb.Next() {
					h.ServeHTTP(w, r)
				}
			})
			b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(out.writes.Load())/float64(b.N), "writes/op")
		})
	}
}
