package server

import "time"

// CallObserver is told about tool calls, for metrics. CallStarted and
// CallFinished come in pairs, for the calls that ran a tool and for
// repeats answered from a call record; requests refused before that (bad
// input, unknown tool, missing requirements) are not calls. Methods are
// called from the request's goroutine and must not block.
type CallObserver interface {
	// CallStarted reports a call of toolID ("Toolkit.Tool@x.y.z").
	CallStarted(toolID string)
	// CallFinished reports how the call ended (one of the Outcome
	// constants) and how long it took.
	CallFinished(toolID, outcome string, d time.Duration)
}

// Outcomes of a call, as CallObserver.CallFinished and the call log report
// them. The set is small and fixed so it can label metrics.
const (
	OutcomeSuccess       = "success"        // the tool returned a value (or none)
	OutcomeToolError     = "tool_error"     // the tool returned an error
	OutcomeTimeout       = "timeout"        // the call's deadline passed first
	OutcomePanic         = "panic"          // the tool panicked
	OutcomeInvalidOutput = "invalid_output" // the value broke the output schema
	OutcomeReplayed      = "replayed"       // a repeat answered from its record
	OutcomeCanceled      = "canceled"       // the client left or the server shut down first
	OutcomeUnknown       = "unknown"        // a repeat of a call whose outcome was lost
)

// Outcomes of requests refused before a tool ran, as the call log and
// reqinfo report them (never passed to CallObserver).
const (
	OutcomeBadRequest          = "bad_request"
	OutcomeUnsupportedVersion  = "unsupported_version"
	OutcomeUnknownTool         = "unknown_tool"
	OutcomeDenied              = "denied"
	OutcomeVersionNotAvailable = "version_not_available"
	OutcomeMissingRequirements = "missing_requirements"
	OutcomeInvalidInput        = "invalid_input"
	OutcomeConflict            = "call_conflict"
	OutcomeUnavailable         = "temporarily_unavailable"
	OutcomeShuttingDown        = "shutting_down"
	OutcomeRejected            = "rejected" // any other refusal (413, 415, ...)
)
