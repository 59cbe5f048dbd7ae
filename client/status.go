package client

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/otc-dev/otc"
)

// errorBody is the union of ServerErrorResponse and ValidationErrorResponse,
// read tolerantly: any field may be missing, and other fields are ignored.
type errorBody struct {
	Message             string                   `json:"message"`
	DeveloperMessage    string                   `json:"developer_message"`
	ParameterErrors     map[string]string        `json:"parameter_errors"`
	MissingRequirements *otc.MissingRequirements `json:"missing_requirements"`
}

// statusErr turns an answer that is not a 200 into the error of its kind.
// A body that is not JSON still yields the right type, with the status text
// as its message, since proxies in front of a server answer in HTML.
func statusErr(rep *reply) error {
	var b errorBody
	if json.Unmarshal(rep.body, &b) != nil {
		b = errorBody{}
	}
	if b.Message == "" {
		b.Message = http.StatusText(rep.status)
	}
	switch rep.status {
	case http.StatusBadRequest:
		return &BadRequestError{Message: b.Message, DeveloperMessage: b.DeveloperMessage,
			MissingRequirements: b.MissingRequirements}
	case http.StatusUnauthorized:
		return &UnauthorizedError{Message: b.Message, DeveloperMessage: b.DeveloperMessage,
			Challenges: rep.header.Values("WWW-Authenticate")}
	case http.StatusUnprocessableEntity:
		return &ValidationError{Message: b.Message, ParameterErrors: b.ParameterErrors}
	}
	e := &StatusError{StatusCode: rep.status, Message: b.Message, DeveloperMessage: b.DeveloperMessage,
		RetryAfter: retryAfter(rep.header)}
	if rep.status >= 300 && rep.status < 400 {
		e.DeveloperMessage = "the client does not follow redirects; use the final URL as the base URL"
	}
	return e
}

// checkSchema accepts a response's "$schema" when it names protocol 1.0 in
// any of its forms (otc://1.0, urn:oxp:1.0, the OpenAPI URLs) or is absent.
func checkSchema(status int, schema string) error {
	if _, err := otc.NegotiateSchema(schema); err != nil {
		return &ResponseError{StatusCode: status,
			Reason: fmt.Sprintf("$schema %q is not OTC 1.0", sanitize(truncate(schema, 80)))}
	}
	return nil
}

// truncate shortens s to at most n bytes.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
