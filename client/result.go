package client

import (
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/otc-dev/otc"
)

// Result is the outcome of a tool that ran (CALL-2). A tool that failed is a
// Result with Success false, not a Go error: the failure is an answer for
// the model, with hints on whether and how to try again.
type Result struct {
	// CallID is the call's id: the caller's, the one the client generated
	// for safe retries, or the one the server generated (CALL-6).
	CallID string
	// Duration is the tool's run time as the server measured it (CALL-8);
	// zero when the server did not say.
	Duration time.Duration
	// Success says whether the tool succeeded.
	Success bool
	// Value is the tool's result as JSON; nil when it returned nothing or
	// failed (CALL-10).
	Value json.RawMessage
	// Error is the tool's failure (CALL-9); nil when Success is true.
	Error *otc.ToolError
	// Attempts is how many requests the call took, retries included.
	Attempts int
}

// CanRetry reports whether the tool said the same call may succeed later.
func (r *Result) CanRetry() bool { return !r.Success && r.Error != nil && r.Error.CanRetry }

// RetryAfter is how long the tool asked to wait before a retry; zero when it
// did not say.
func (r *Result) RetryAfter() time.Duration {
	if r.Success || r.Error == nil {
		return 0
	}
	return r.Error.RetryAfter()
}

// AdditionalPromptContent is the tool's hint for the model's next attempt.
func (r *Result) AdditionalPromptContent() string {
	if r.Success || r.Error == nil {
		return ""
	}
	return r.Error.AdditionalPromptContent
}

// Decode unmarshals Value into v. For a failed call it returns the tool's
// *otc.ToolError, so that code that only wants a value can treat a failure
// as an error.
func (r *Result) Decode(v any) error {
	if !r.Success {
		if r.Error != nil {
			return r.Error
		}
		return &otc.ToolError{Message: "the tool failed"}
	}
	if len(r.Value) == 0 {
		return errors.New("client: the tool returned no value")
	}
	return json.Unmarshal(r.Value, v)
}

// callBody is a call response as any OTC 1.0 server sends it.
type callBody struct {
	Schema string          `json:"$schema"`
	Result *callResultBody `json:"result"`
}

// callResultBody is CallToolResponse read tolerantly: duration may be
// missing, and retry_after_ms may be written as a fraction.
type callResultBody struct {
	CallID   string          `json:"call_id"`
	Duration *float64        `json:"duration"`
	Success  *bool           `json:"success"`
	Value    json.RawMessage `json:"value"`
	Error    *toolErrorBody  `json:"error"`
}

type toolErrorBody struct {
	Message                 string   `json:"message"`
	DeveloperMessage        string   `json:"developer_message"`
	CanRetry                bool     `json:"can_retry"`
	AdditionalPromptContent string   `json:"additional_prompt_content"`
	RetryAfterMS            *float64 `json:"retry_after_ms"`
}

// maxServerMillis caps durations a server gives in milliseconds at a day, so
// that conversions cannot overflow; any such retry wait exceeds every policy.
const maxServerMillis = 24 * 60 * 60 * 1000

// decodeResult reads the body of a 200 answer to POST /tools/call.
func decodeResult(status int, body []byte) (*Result, error) {
	var cb callBody
	if err := json.Unmarshal(body, &cb); err != nil {
		return nil, &ResponseError{StatusCode: status, Reason: "call response is not a JSON object", Err: err}
	}
	if err := checkSchema(status, cb.Schema); err != nil {
		return nil, err
	}
	rb := cb.Result
	if rb == nil {
		return nil, &ResponseError{StatusCode: status, Reason: `call response has no "result"`}
	}
	r := &Result{CallID: rb.CallID}
	if rb.Duration != nil && *rb.Duration > 0 {
		r.Duration = time.Duration(math.Min(*rb.Duration, maxServerMillis) * float64(time.Millisecond))
	}
	// success is required; a server that leaves it out is read by whether
	// it sent an error.
	r.Success = rb.Error == nil
	if rb.Success != nil {
		r.Success = *rb.Success
	}
	if r.Success {
		r.Value = rb.Value
		return r, nil
	}
	if rb.Error == nil {
		r.Error = &otc.ToolError{Message: "The tool failed without saying why."}
		return r, nil
	}
	r.Error = &otc.ToolError{
		Message:                 rb.Error.Message,
		DeveloperMessage:        rb.Error.DeveloperMessage,
		CanRetry:                rb.Error.CanRetry,
		AdditionalPromptContent: rb.Error.AdditionalPromptContent,
	}
	if ms := rb.Error.RetryAfterMS; ms != nil && *ms > 0 {
		r.Error.RetryAfterMS = int64(math.Ceil(math.Min(*ms, maxServerMillis)))
	}
	return r, nil
}
