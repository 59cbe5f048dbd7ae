// Package client is the Go client of Open Tool Calling (OTC) 1.0: it lists
// and calls the tools of any OTC 1.0 tool server, ours or anyone else's.
//
// A [Client] authenticates with a JWT that it mints itself from a shared
// secret (HS256, short-lived, renewed before it expires: AUTH-9, AUTH-11) or
// with a static API key (AUTH-3); given both, it uses the JWT (AUTH-17). It
// refuses to send an API key over plain HTTP to a host that is not loopback
// (AUTH-5) unless told otherwise.
//
// What a call comes to is typed. A tool that ran and failed is a value, a
// [Result] with Success false and the tool's [otc.ToolError], because the
// model that asked for the call is the one to read it; everything that kept
// the tool from running is a Go error of a distinct type for errors.As:
// [*BadRequestError] (400), [*UnauthorizedError] (401), [*ValidationError]
// (422), [*StatusError] (any other status), [*TransportError] (no answer)
// and [*ResponseError] (an answer that is not OTC).
//
// Retries are safe by construction: a call is repeated only with the same
// call_id, which the server treats as an idempotency key (CALL-6), so a
// retried call runs the tool at most once. The client retries tool errors
// that say can_retry (after retry_after_ms), connection failures and 502, 503
// and 504 answers, with jittered exponential backoff; it never retries any
// other 4xx.
//
// The client is tolerant of what servers send: unknown fields are ignored,
// the tool list may come as "items" (OXP) instead of "tools", "$schema" may
// name OTC or OXP 1.0, and a missing duration is zero.
//
// Requirement IDs such as AUTH-5 or CALL-6 refer to spec/OTC-1.0.md.
package client
