package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/otc-dev/otc/internal/reqinfo"
)

// BenchmarkMiddleware measures the request metrics as the server records
// them: a route set by the server, an explicit status. The parallel variant
// runs 16 requests per CPU at once, like the 32 keep-alive connections of
// go run ./bench on two CPUs.
func BenchmarkMiddleware(b *testing.B) {
	m := newMetrics()
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqinfo.From(r.Context()).Route = "POST /tools/call"
		w.WriteHeader(http.StatusOK)
	}))
	newRequest := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/tools/call", nil)
		ctx, _ := reqinfo.New(r.Context())
		return r.WithContext(ctx)
	}
	b.Run("serial", func(b *testing.B) {
		r, w := newRequest(), httptest.NewRecorder()
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(w, r)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(16)
		b.RunParallel(func(pb *testing.PB) {
			r, w := newRequest(), httptest.NewRecorder()
			for pb.Next() {
				h.ServeHTTP(w, r)
			}
		})
	})
}

func BenchmarkCallObserver(b *testing.B) {
	m := newMetrics()
	b.ReportAllocs()
	for b.Loop() {
		m.CallStarted("Calculator.Add@1.0.0")
		m.CallFinished("Calculator.Add@1.0.0", "success", 0)
	}
}
