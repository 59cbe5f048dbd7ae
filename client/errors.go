package client

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/otc-dev/otc"
)

// BadRequestError is a 400 answer: the server refused the call before the
// tool ran, for a reason other than the input (CALL-3): an unknown tool or
// version, missing requirements, an unsupported protocol version, a call_id
// reused for another request, or a busy server.
type BadRequestError struct {
	// Message is the server's user-facing message.
	Message string
	// DeveloperMessage is the server's message for developers, if any.
	DeveloperMessage string
	// MissingRequirements names what the call lacked (REQ-2..4), when the
	// server said so.
	MissingRequirements *otc.MissingRequirements
}

// Error describes the refusal with the server's messages.
func (e *BadRequestError) Error() string {
	return "otc server refused the request (400): " + describe(e.Message, e.DeveloperMessage)
}

// UnauthorizedError is a 401 answer: the server did not accept the client's
// credentials, or needs some (AUTH-6, AUTH-12).
type UnauthorizedError struct {
	// Message is the server's message.
	Message string
	// DeveloperMessage is the server's message for developers, if any.
	DeveloperMessage string
	// Challenges are the WWW-Authenticate header values: the methods the
	// server accepts (AUTHZ-6).
	Challenges []string
}

// Error describes the refusal and the methods the server accepts.
func (e *UnauthorizedError) Error() string {
	s := "otc server rejected the credentials (401): " + describe(e.Message, e.DeveloperMessage)
	if len(e.Challenges) > 0 {
		s += "; it accepts: " + sanitize(strings.Join(e.Challenges, ", "))
	}
	return s
}

// ValidationError is a 422 answer: the input does not match the tool's input
// schema (CALL-4).
type ValidationError struct {
	// Message is the server's message.
	Message string
	// ParameterErrors maps a parameter name to what is wrong with it; the
	// key "" is about the input as a whole.
	ParameterErrors map[string]string
}

// Error lists what is wrong with each parameter.
func (e *ValidationError) Error() string {
	s := "otc server rejected the input (422): " + describe(e.Message, "")
	if len(e.ParameterErrors) == 0 {
		return s
	}
	names := make([]string, 0, len(e.ParameterErrors))
	for name := range e.ParameterErrors {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		label := name
		if label == "" {
			label = "input"
		}
		parts[i] = sanitize(label) + ": " + sanitize(e.ParameterErrors[name])
	}
	return s + " (" + strings.Join(parts, "; ") + ")"
}

// StatusError is any other answer that is not a success: 403, 404, 429,
// 5xx, a redirect (which the client never follows, so that credentials go
// nowhere else), and the 503 of an unhealthy server.
type StatusError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Message is the server's message, or the status text when the body
	// had none.
	Message string
	// DeveloperMessage is the server's message for developers, if any.
	DeveloperMessage string
	// RetryAfter is the server's Retry-After header; zero when absent.
	RetryAfter time.Duration
}

// Error gives the status and the server's message.
func (e *StatusError) Error() string {
	s := fmt.Sprintf("otc server answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if m := describe(e.Message, e.DeveloperMessage); m != "" {
		s += ": " + m
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// TransportError means no answer came: the server could not be reached, or
// the connection failed before the response was read. The call may or may
// not have run; repeating it with the same call_id is safe (CALL-6).
type TransportError struct {
	// Method and URL name the request; the URL carries no credential.
	Method, URL string
	// Err is the cause.
	Err error
}

// Error names the request and the cause.
func (e *TransportError) Error() string {
	return fmt.Sprintf("otc server unreachable: %s %s: %v", e.Method, e.URL, e.Err)
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// ResponseError means the server answered with something that is not an
// OTC 1.0 response: a body that is not JSON, lacks what the protocol
// requires, or names another protocol version.
type ResponseError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Reason says what was wrong.
	Reason string
	// Err is the underlying decoding error, if any.
	Err error
}

// Error says what was wrong with the answer.
func (e *ResponseError) Error() string {
	s := fmt.Sprintf("invalid OTC response (status %d): %s", e.StatusCode, e.Reason)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *ResponseError) Unwrap() error { return e.Err }

// InsecureAPIKeyError is returned by [New] for a client that would send an
// API key in clear text: over http:// to a host that is not loopback. The
// protocol allows API keys only over HTTPS (AUTH-5).
type InsecureAPIKeyError struct {
	// Host is the host of the base URL.
	Host string
}

// Error explains the refusal and how to proceed.
func (e *InsecureAPIKeyError) Error() string {
	return fmt.Sprintf("refusing to send an API key over plain http:// to %s: OTC requires HTTPS for API keys (AUTH-5); "+
		"use an https:// URL, a JWT secret, or set Options.AllowAPIKeyOverHTTP when TLS is terminated in front of the server",
		sanitize(e.Host))
}

// describe joins a server's message and developer message for an error
// string, cleaned of control characters.
func describe(message, developer string) string {
	message, developer = sanitize(message), sanitize(developer)
	switch {
	case message == "":
		return developer
	case developer == "":
		return message
	}
	return message + " (" + developer + ")"
}

// maxMessage bounds a server-supplied message in an error string.
const maxMessage = 512

// sanitize prepares text that a server sent for an error string: a hostile
// or broken server must not be able to write terminal escape sequences or
// megabytes into the caller's logs.
func sanitize(s string) string {
	if len(s) > maxMessage {
		s = s[:maxMessage] + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
