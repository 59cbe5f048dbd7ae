package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// CallStarted counts a tool call as in flight. toolID is the resolved id
// "Toolkit.Tool@x.y.z"; the server reports only ids of registered tools.
// Every CallStarted must be followed by one CallFinished with the same id.
func (m *Metrics) CallStarted(toolID string) {
	m.inFlight.get(toolID, m.newInFlight).Inc()
}

// CallFinished counts a finished tool call by outcome (success, tool_error,
// timeout, panic, invalid_output, replayed, ...) and observes its run time.
// It must follow a CallStarted with the same id, replays included, or the
// in-flight gauge drifts.
func (m *Metrics) CallFinished(toolID, outcome string, d time.Duration) {
	m.inFlight.get(toolID, m.newInFlight).Dec()
	m.callSeries.get(callKey{toolID, outcome}, m.newCallSeries).record(d)
}

// newInFlight looks up the in-flight gauge of toolID (as reported, before
// checks), for m.inFlight.
func (m *Metrics) newInFlight(toolID string) prometheus.Gauge {
	return m.callsInFlight.WithLabelValues(m.tools.value(toolID))
}

// callKey is what finished calls are counted by, as reported.
type callKey struct{ toolID, outcome string }

// newCallSeries looks up the series of k, for m.callSeries. Both are
// created on the first CallFinished, as before caching.
func (m *Metrics) newCallSeries(k callKey) countedDuration {
	tool := m.tools.value(k.toolID)
	return countedDuration{
		count:    m.calls.WithLabelValues(tool, m.outcomes.value(k.outcome)),
		duration: m.callDuration.WithLabelValues(tool),
	}
}

// AuthFailed counts a request that authentication refused: the method tried
// (api_key, jwt, mtls) and a short reason (missing, expired, bad_signature,
// unknown_key, ...). Never the credential.
func (m *Metrics) AuthFailed(method, reason string) {
	m.authFailures.WithLabelValues(m.methods.value(method), m.reasons.value(reason)).Inc()
}

// RateLimited counts a request answered 429 by the limit of kind
// (ratelimit.KindClient, ratelimit.KindAuthFailure).
func (m *Metrics) RateLimited(kind string) {
	m.rateLimited.WithLabelValues(m.kinds.value(kind)).Inc()
}

// LimiterFailed counts a rate limiter error that let a request through
// unchecked.
func (m *Metrics) LimiterFailed(kind string) {
	m.limiterFailures.WithLabelValues(m.kinds.value(kind)).Inc()
}
