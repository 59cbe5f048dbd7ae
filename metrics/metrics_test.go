package metrics_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc/internal/reqinfo"
	"github.com/otc-dev/otc/metrics"
	"github.com/prometheus/client_golang/prometheus"
)

// The observer interfaces that other packages define and Metrics must
// satisfy by method set; restated here so that a change on either side
// breaks this test's build.
type callObserver interface {
	CallStarted(toolID string)
	CallFinished(toolID, outcome string, d time.Duration)
}

type failureObserver interface{ AuthFailed(method, reason string) }

var (
	_ callObserver    = (*metrics.Metrics)(nil)
	_ failureObserver = (*metrics.Metrics)(nil)
)

// sample is one scraped series: its labels as "k=v,k=v" and its value (for
// histograms, the sample count).
type sample map[string]float64

// scrape gathers the metric family name from reg.
func scrape(t *testing.T, reg prometheus.Gatherer, name string) sample {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	out := sample{}
	for _, mf := range families {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, lp := range m.GetLabel() {
				labels = append(labels, lp.GetName()+"="+lp.GetValue())
			}
			sort.Strings(labels)
			key := strings.Join(labels, ",")
			switch {
			case m.GetCounter() != nil:
				out[key] = m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				out[key] = m.GetGauge().GetValue()
			case m.GetHistogram() != nil:
				out[key] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return out
}

func newMetrics() *metrics.Metrics {
	return metrics.New(&metrics.Options{Version: "v1.2.3", DisableRuntimeMetrics: true})
}

func TestMiddleware(t *testing.T) {
	m := newMetrics()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /tools", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /tools/call", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
	})
	mux.HandleFunc("GET /custom", func(w http.ResponseWriter, r *http.Request) {
		reqinfo.From(r.Context()).Route = "GET /named-by-the-server"
	})
	h := m.Middleware(mux)
	requests := []struct{ method, target string }{
		{"GET", "/tools"},
		{"GET", "/tools"},
		{"POST", "/tools/call"},
		{"GET", "/no/such/path/secret-in-path"},
		{"GET", "/another-unknown-path"},
		{"DELETE", "/tools"},
		{"GET", "/custom"},
	}
	for _, rq := range requests {
		r := httptest.NewRequest(rq.method, rq.target, nil)
		ctx, _ := reqinfo.New(r.Context())
		h.ServeHTTP(httptest.NewRecorder(), r.WithContext(ctx))
	}
	want := sample{
		"code=200,route=GET /tools":               2,
		"code=422,route=POST /tools/call":         1,
		"code=404,route=unmatched":                2,
		"code=405,route=unmatched":                1,
		"code=200,route=GET /named-by-the-server": 1,
	}
	if diff := cmp.Diff(want, scrape(t, m.Registry(), "otc_http_requests_total")); diff != "" {
		t.Errorf("otc_http_requests_total (-want +got):\n%s", diff)
	}
	wantDur := sample{
		"route=GET /tools":               2,
		"route=POST /tools/call":         1,
		"route=unmatched":                3,
		"route=GET /named-by-the-server": 1,
	}
	if diff := cmp.Diff(wantDur, scrape(t, m.Registry(), "otc_http_request_duration_seconds")); diff != "" {
		t.Errorf("otc_http_request_duration_seconds counts (-want +got):\n%s", diff)
	}
}

func TestMiddlewareDuration(t *testing.T) {
	now := time.Unix(0, 0)
	m := metrics.New(&metrics.Options{Now: func() time.Time { return now }, DisableRuntimeMetrics: true})
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now = now.Add(1500 * time.Millisecond)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	families, _ := m.Registry().Gather()
	for _, mf := range families {
		if mf.GetName() == "otc_http_request_duration_seconds" {
			if got := mf.GetMetric()[0].GetHistogram().GetSampleSum(); got != 1.5 {
				t.Errorf("duration sum = %v s, want 1.5", got)
			}
			return
		}
	}
	t.Fatal("no duration histogram")
}

func TestMiddlewarePanic(t *testing.T) {
	m := newMetrics()
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") }))
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not go on")
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}()
	if diff := cmp.Diff(sample{"code=500,route=unmatched": 1}, scrape(t, m.Registry(), "otc_http_requests_total")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCalls(t *testing.T) {
	m := newMetrics()
	m.CallStarted("Calculator.Add@1.0.0")
	m.CallStarted("Calculator.Add@1.0.0")
	m.CallStarted("Demo.Sleep@2.0.0")
	m.CallFinished("Calculator.Add@1.0.0", "success", 10*time.Millisecond)
	m.CallFinished("Demo.Sleep@2.0.0", "timeout", 30*time.Second)

	if diff := cmp.Diff(sample{
		"outcome=success,tool=Calculator.Add@1.0.0": 1,
		"outcome=timeout,tool=Demo.Sleep@2.0.0":     1,
	}, scrape(t, m.Registry(), "otc_tool_calls_total")); diff != "" {
		t.Errorf("otc_tool_calls_total (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(sample{
		"tool=Calculator.Add@1.0.0": 1,
		"tool=Demo.Sleep@2.0.0":     0,
	}, scrape(t, m.Registry(), "otc_tool_calls_in_flight")); diff != "" {
		t.Errorf("otc_tool_calls_in_flight (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(sample{
		"tool=Calculator.Add@1.0.0": 1,
		"tool=Demo.Sleep@2.0.0":     1,
	}, scrape(t, m.Registry(), "otc_tool_call_duration_seconds")); diff != "" {
		t.Errorf("otc_tool_call_duration_seconds counts (-want +got):\n%s", diff)
	}
}

func TestSecurityCounters(t *testing.T) {
	m := newMetrics()
	m.AuthFailed("api_key", "unknown_key")
	m.AuthFailed("api_key", "unknown_key")
	m.AuthFailed("jwt", "expired")
	m.AuthFailed("api_key+jwt", "missing") // no credential, every method on
	m.RateLimited("client")
	m.RateLimited("auth_failure")
	m.LimiterFailed("auth_failure")
	tests := []struct {
		name string
		want sample
	}{
		{"otc_auth_failures_total", sample{"method=api_key,reason=unknown_key": 2, "method=jwt,reason=expired": 1,
			"method=api_key+jwt,reason=missing": 1}},
		{"otc_rate_limited_total", sample{"kind=client": 1, "kind=auth_failure": 1}},
		{"otc_rate_limiter_errors_total", sample{"kind=auth_failure": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, scrape(t, m.Registry(), tt.name)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// OTC: REQ-5 (no secret in a metric label). Label values that are not the
// bounded kind expected are replaced, so that neither a caller's mistake
// nor a client's input can become a label or grow the number of series.
func TestLabelsAreBounded(t *testing.T) {
	m := newMetrics()
	secret := "sk_live_0123456789abcdef0123456789abcdef"
	m.AuthFailed("api_key", secret)               // not a reason word
	m.AuthFailed("Bearer x.y.z", "bad_signature") // not a method word
	// Ids that are not resolved ("Toolkit.Tool@x.y.z", canonical).
	m.CallStarted("Calculator.Add")
	m.CallFinished("Calculator.Add", "success", 0)
	m.CallStarted("Calculator.Add@01.0.0")
	m.CallFinished("Calculator.Add@01.0.0", "ok", 0)
	// More distinct tools and kinds than the caps allow.
	for i := range 2000 {
		m.CallStarted(fmt.Sprintf("Kit.Tool@1.0.%d", i))
	}
	for i := range 100 {
		m.RateLimited(fmt.Sprintf("kind_%d", i))
	}

	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	series := 0
	for _, mf := range families {
		for _, mt := range mf.GetMetric() {
			series++
			for _, lp := range mt.GetLabel() {
				if strings.Contains(lp.GetValue(), secret) || strings.Contains(lp.GetValue(), "Bearer") {
					t.Errorf("%s has label %s=%q", mf.GetName(), lp.GetName(), lp.GetValue())
				}
			}
		}
	}
	if series > 1100+64+10 {
		t.Errorf("%d series after feeding thousands of distinct values", series)
	}
	got := scrape(t, m.Registry(), "otc_auth_failures_total")
	want := sample{"method=api_key,reason=invalid": 1, "method=invalid,reason=bad_signature": 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("otc_auth_failures_total (-want +got):\n%s", diff)
	}
	calls := scrape(t, m.Registry(), "otc_tool_calls_total")
	if calls["outcome=success,tool=invalid"] != 1 || calls["outcome=ok,tool=invalid"] != 1 {
		t.Errorf("unresolved tool ids not reported as invalid: %v", calls)
	}
	if inFlight := scrape(t, m.Registry(), "otc_tool_calls_in_flight"); inFlight["tool=invalid"] != 0 || inFlight["tool=other"] == 0 {
		t.Errorf("in-flight gauge: invalid %v (want 0, balanced), other %v (want > 0: over the cap)",
			inFlight["tool=invalid"], inFlight["tool=other"])
	}
}

func TestHandler(t *testing.T) {
	m := metrics.New(&metrics.Options{Version: "v1.2.3"})
	m.RateLimited("client")
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`otc_build_info{goversion="go`,
		`version="v1.2.3"} 1`,
		`otc_rate_limited_total{kind="client"} 1`,
		"go_goroutines ",
		"process_",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

func TestBuildInfoVersionFromBinary(t *testing.T) {
	m := metrics.New(&metrics.Options{DisableRuntimeMetrics: true})
	for labels := range scrape(t, m.Registry(), "otc_build_info") {
		if strings.Contains(labels, "version=,") || strings.HasSuffix(labels, "version=") {
			t.Errorf("empty version label: %s", labels)
		}
		return
	}
	t.Error("no otc_build_info")
}
