package metrics

import "time"

// CallStarted counts a tool call as in flight. toolID is the resolved id
// "Toolkit.Tool@x.y.z"; the server reports only ids of registered tools.
// Every CallStarted must be followed by one CallFinished with the same id.
func (m *Metrics) CallStarted(toolID string) {
	m.callsInFlight.WithLabelValues(m.tools.value(toolID)).Inc()
}

// CallFinished counts a finished tool call by outcome (success, tool_error,
// timeout, panic, invalid_output, replayed, ...) and observes its run time.
// It must follow a CallStarted with the same id, replays included, or the
// in-flight gauge drifts.
func (m *Metrics) CallFinished(toolID, outcome string, d time.Duration) {
	tool := m.tools.value(toolID)
	m.callsInFlight.WithLabelValues(tool).Dec()
	m.calls.WithLabelValues(tool, m.outcomes.value(outcome)).Inc()
	m.callDuration.WithLabelValues(tool).Observe(d.Seconds())
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
