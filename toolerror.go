package otc

import (
	"errors"
	"time"
)

// ToolError is a failure inside a tool (CALL-9). A tool function returns it
// (or wraps it) to control what the client sees; any other error becomes a
// ToolError with a generic Message and the error's text only in
// DeveloperMessage. It is both the wire object and a Go error.
type ToolError struct {
	// Message can be shown to the user or the model.
	Message string `json:"message"`
	// DeveloperMessage is for logs; it must not carry secrets (CALL-5).
	DeveloperMessage string `json:"developer_message,omitempty"`
	// CanRetry says the same call may succeed later.
	CanRetry bool `json:"can_retry"`
	// AdditionalPromptContent is added to the model's prompt for a retry.
	AdditionalPromptContent string `json:"additional_prompt_content,omitempty"`
	// RetryAfterMS asks the client to wait this many milliseconds first.
	RetryAfterMS int64 `json:"retry_after_ms,omitempty"`
}

// Error returns the user-facing message.
func (e *ToolError) Error() string { return e.Message }

// RetryAfter returns RetryAfterMS as a duration.
func (e *ToolError) RetryAfter() time.Duration {
	return time.Duration(e.RetryAfterMS) * time.Millisecond
}

// NewToolError returns a ToolError that cannot be retried.
func NewToolError(message string) *ToolError { return &ToolError{Message: message} }

// RetryableError returns a ToolError that the client may retry after wait,
// with a hint for the model's next attempt.
func RetryableError(message string, wait time.Duration, promptHint string) *ToolError {
	return &ToolError{
		Message:                 message,
		CanRetry:                true,
		RetryAfterMS:            wait.Milliseconds(),
		AdditionalPromptContent: promptHint,
	}
}

// GenericToolErrorMessage is what the client sees when a tool fails with an
// error that is not a *ToolError: the error's own text may hold internal
// detail, so it goes only to DeveloperMessage.
const GenericToolErrorMessage = "The tool failed with an internal error."

// AsToolError turns any error returned by a tool into the wire object. A
// *ToolError anywhere in err's chain is used as is.
func AsToolError(err error) *ToolError {
	var te *ToolError
	if errors.As(err, &te) {
		return te
	}
	return &ToolError{Message: GenericToolErrorMessage, DeveloperMessage: err.Error()}
}
