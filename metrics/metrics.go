// Package metrics exposes the server's Prometheus metrics on a private
// registry: HTTP requests by route and status, tool calls by tool and
// outcome with their durations and the calls in flight, failed
// authentications, rate-limit rejections, and build information.
//
// Label values are bounded, so that no client can grow the number of series:
// routes are the patterns the router matched (never raw paths; unmatched
// requests share "unmatched"), tool ids are resolved ids of registered
// tools, and the short words used as outcomes, methods, reasons and kinds
// are checked and capped. No credential or tool input is ever a label.
//
// Metrics implements the observer interfaces of the packages that report to
// it (server.CallObserver, auth.FailureObserver, ratelimit.Observer) by
// method set alone, so that it imports none of them but ratelimit.
package metrics

import (
	"net/http"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/otc-dev/otc/ratelimit"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Options configures New. A nil *Options means the zero value.
type Options struct {
	// Version is reported by otc_build_info. Empty means the main module's
	// version from the binary's build information ("devel" for a build
	// from a working tree).
	Version string
	// Now returns the current time, for request durations. Nil means
	// time.Now.
	Now func() time.Time
	// DisableRuntimeMetrics leaves out the Go runtime (go_*) and process
	// (process_*) collectors. The zero value includes them.
	DisableRuntimeMetrics bool
}

// Metrics holds the server's metrics. It is safe for concurrent use.
type Metrics struct {
	reg     *prometheus.Registry
	handler http.Handler
	now     func() time.Time

	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	calls           *prometheus.CounterVec
	callDuration    *prometheus.HistogramVec
	callsInFlight   *prometheus.GaugeVec
	authFailures    *prometheus.CounterVec
	rateLimited     *prometheus.CounterVec
	limiterFailures *prometheus.CounterVec

	routes, tools, outcomes, methods, reasons, kinds *labelSet

	requestSeries seriesCache[requestKey, countedDuration]
	inFlight      seriesCache[string, prometheus.Gauge]
	callSeries    seriesCache[callKey, countedDuration]
}

var _ ratelimit.Observer = (*Metrics)(nil)

// callBuckets extend Prometheus' default buckets (5ms to 10s) to two
// minutes, since tools may call slow services.
var callBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}

// New returns Metrics registered on a new private registry. opts may be nil.
func New(opts *Options) *Metrics {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		now: o.Now,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "otc_http_requests_total",
			Help: "HTTP requests answered, by matched route pattern and status code.",
		}, []string{"route", "code"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "otc_http_request_duration_seconds",
			Help:    "Time from receiving an HTTP request to its handler returning, by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "otc_tool_calls_total",
			Help: "Tool calls finished, by resolved tool id and outcome.",
		}, []string{"tool", "outcome"}),
		callDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "otc_tool_call_duration_seconds",
			Help:    "Run time of tool calls, by resolved tool id.",
			Buckets: callBuckets,
		}, []string{"tool"}),
		callsInFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "otc_tool_calls_in_flight",
			Help: "Tool calls running now, by resolved tool id.",
		}, []string{"tool"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "otc_auth_failures_total",
			Help: "Requests refused by authentication, by method tried and reason.",
		}, []string{"method", "reason"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "otc_rate_limited_total",
			Help: "Requests answered 429 by a rate limit, by kind of limit.",
		}, []string{"kind"}),
		limiterFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "otc_rate_limiter_errors_total",
			Help: "Rate limiter errors that let a request through unchecked, by kind of limit.",
		}, []string{"kind"}),
		routes:   newLabelSet(maxRoutes, validRoute),
		tools:    newLabelSet(maxTools, validToolID),
		outcomes: newLabelSet(maxWords, validWord),
		methods:  newLabelSet(maxWords, validWord),
		reasons:  newLabelSet(maxWords, validWord),
		kinds:    newLabelSet(maxWords, validWord),
	}
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "otc_build_info",
		Help:        "Always 1; its labels name the otc version and the Go version that built it.",
		ConstLabels: prometheus.Labels{"version": version(o.Version), "goversion": runtime.Version()},
	})
	buildInfo.Set(1)
	m.reg.MustRegister(m.requests, m.requestDuration, m.calls, m.callDuration, m.callsInFlight,
		m.authFailures, m.rateLimited, m.limiterFailures, buildInfo)
	if !o.DisableRuntimeMetrics {
		m.reg.MustRegister(collectors.NewGoCollector(),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		// Serve what can be gathered even when one collector fails.
		ErrorHandling: promhttp.ContinueOnError,
	})
	return m
}

// Handler serves the metrics in the Prometheus exposition format, for
// GET /metrics.
func (m *Metrics) Handler() http.Handler { return m.handler }

// Registry returns the private registry, for collectors of other parts of
// the server (a store's connection pool, say) and for tests.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// version returns v, or the main module's version from the build info.
func version(v string) string {
	if v != "" {
		return v
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" {
		return "unknown"
	}
	if bi.Main.Version == "(devel)" {
		return "devel"
	}
	return bi.Main.Version
}
