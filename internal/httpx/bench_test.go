package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/otc-dev/otc/internal/httpx"
)

// BenchmarkStatusWriter measures what the metrics and audit middleware add
// to every response: one wrapper, shared by both, and the writes through it.
func BenchmarkStatusWriter(b *testing.B) {
	w := httptest.NewRecorder()
	body := []byte(`{"result":{"value":3}}`)
	b.ReportAllocs()
	for b.Loop() {
		sw := httpx.NewStatusWriter(httpx.NewStatusWriter(w))
		sw.WriteHeader(http.StatusOK)
		sw.Write(body)
		if sw.Status() != http.StatusOK {
			b.Fatal("status not recorded")
		}
		w.Body.Reset()
	}
}
