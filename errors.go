package otc

import (
	"errors"
	"net/http"
	"time"
)

// Code classifies a protocol error. Each code has exactly one HTTP status,
// decided in [Code.HTTPStatus], so that status codes are chosen in one place.
type Code string

// The protocol error codes.
const (
	CodeBadRequest             Code = "bad_request"             // 400: malformed request
	CodeUnsupportedVersion     Code = "unsupported_version"     // 400: $schema not supported (SCHEMA-3)
	CodeUnknownTool            Code = "unknown_tool"            // 400: tool id invalid or unknown (CALL-3)
	CodeVersionNotAvailable    Code = "version_not_available"   // 400: requested version missing (CALL-3)
	CodeMissingRequirements    Code = "missing_requirements"    // 400: REQ-2..4
	CodeCallConflict           Code = "call_conflict"           // 400: call_id reused for another request (CALL-6)
	CodeTemporarilyUnavailable Code = "temporarily_unavailable" // 400: busy or store down (CALL-3)
	CodeInvalidInput           Code = "invalid_input"           // 422: CALL-4
	CodeUnauthenticated        Code = "unauthenticated"         // 401: AUTH-6, AUTH-12
	CodeForbidden              Code = "forbidden"               // 403: source address not allowed
	CodeNotFound               Code = "not_found"               // 404
	CodeMethodNotAllowed       Code = "method_not_allowed"      // 405
	CodeRequestTimeout         Code = "request_timeout"         // 408: body too slow
	CodePayloadTooLarge        Code = "payload_too_large"       // 413
	CodeUnsupportedMediaType   Code = "unsupported_media_type"  // 415
	CodeRateLimited            Code = "rate_limited"            // 429
	CodeShuttingDown           Code = "shutting_down"           // 503: draining
	CodeInternal               Code = "internal"                // 500: a bug of ours
)

// HTTPStatus returns the status a response with this code carries.
func (c Code) HTTPStatus() int {
	switch c {
	case CodeBadRequest, CodeUnsupportedVersion, CodeUnknownTool, CodeVersionNotAvailable,
		CodeMissingRequirements, CodeCallConflict, CodeTemporarilyUnavailable:
		return http.StatusBadRequest
	case CodeInvalidInput:
		return http.StatusUnprocessableEntity
	case CodeUnauthenticated:
		return http.StatusUnauthorized
	case CodeForbidden:
		return http.StatusForbidden
	case CodeNotFound:
		return http.StatusNotFound
	case CodeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case CodeRequestTimeout:
		return http.StatusRequestTimeout
	case CodePayloadTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeUnsupportedMediaType:
		return http.StatusUnsupportedMediaType
	case CodeRateLimited:
		return http.StatusTooManyRequests
	case CodeShuttingDown:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Error is a protocol error: a request that was answered without running a
// tool. Handlers return it; one renderer turns it into the HTTP response.
// Message is user-facing; DeveloperMessage is for developers and logs. Neither
// may contain a credential, secret, token or tool input value (CALL-5, REQ-5).
type Error struct {
	Code             Code
	Message          string
	DeveloperMessage string
	// ParameterErrors is set for CodeInvalidInput (CALL-4).
	ParameterErrors map[string]string
	// MissingRequirements is set for CodeMissingRequirements.
	MissingRequirements *MissingRequirements
	// RetryAfter, when positive, becomes a Retry-After header.
	RetryAfter time.Duration
	// Err is the underlying cause, for errors.Is/As; it is never rendered.
	Err error
}

// Errorf-style constructors are deliberately absent: messages are written
// out at each call site so a reviewer can see that no input is echoed.

// NewError returns an *Error with a code and a user-facing message.
func NewError(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// Error returns the code and message (and the developer message, if any).
func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
	if e.DeveloperMessage != "" {
		s += " (" + e.DeveloperMessage + ")"
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// HTTPStatus returns the status of e's code.
func (e *Error) HTTPStatus() int { return e.Code.HTTPStatus() }

// WithDeveloperMessage sets DeveloperMessage and returns e.
func (e *Error) WithDeveloperMessage(msg string) *Error { e.DeveloperMessage = msg; return e }

// ErrorCode returns the Code of the first *Error in err's chain, or
// CodeInternal when there is none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}
