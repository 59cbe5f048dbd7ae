package metrics_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/otc-dev/otc/metrics"
)

func ExampleNew() {
	m := metrics.New(&metrics.Options{Version: "v1.0.0", DisableRuntimeMetrics: true})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /tools", func(w http.ResponseWriter, r *http.Request) {})
	h := m.Middleware(mux)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/tools", nil))

	m.CallStarted("Calculator.Add@1.0.0")
	m.CallFinished("Calculator.Add@1.0.0", "success", 3*time.Millisecond)

	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(w.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "otc_http_requests_total") || strings.HasPrefix(line, "otc_tool_calls_total") {
			fmt.Println(line)
		}
	}
	// Output:
	// otc_http_requests_total{code="200",route="GET /tools"} 1
	// otc_tool_calls_total{outcome="success",tool="Calculator.Add@1.0.0"} 1
}
