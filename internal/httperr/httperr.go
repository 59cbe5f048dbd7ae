// Package httperr renders errors as HTTP responses. It is the one place that
// turns an *otc.Error into a status code, headers and a JSON body, so that
// the server, authentication, the limiters and the allowlist answer alike.
package httperr

import (
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"

	"github.com/otc-dev/otc"
)

// Write renders err. An *otc.Error anywhere in err's chain decides the status
// and body; any other error is a 500 with a generic message (its text is
// logged by the caller, never sent). schema, when not empty, is echoed as the
// body's "$schema". It returns the status it sent, so that a caller that
// reports on the response does not decide the status a second time.
func Write(w http.ResponseWriter, schema string, err error) int {
	var e *otc.Error
	if !errors.As(err, &e) {
		e = &otc.Error{Code: otc.CodeInternal, Message: "The server failed to process the request."}
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	if e.RetryAfter > 0 {
		// Retry-After is in whole seconds; round up so clients never come back early.
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
	}
	status := e.HTTPStatus()
	var body any
	if e.Code == otc.CodeInvalidInput {
		body = otc.ValidationErrorResponse{Schema: schema, Message: e.Message, ParameterErrors: e.ParameterErrors}
	} else {
		body = otc.ServerErrorResponse{Schema: schema, Message: e.Message, DeveloperMessage: e.DeveloperMessage,
			MissingRequirements: e.MissingRequirements}
	}
	b, mErr := json.Marshal(body)
	if mErr != nil {
		// Only strings and maps of strings are marshalled: this cannot fail
		// unless the types above change; answer plainly rather than panic.
		slog.Error("httperr: marshal error body", "err", mErr)
		b = []byte(`{"message":"The server failed to process the request."}`)
		status = http.StatusInternalServerError
	}
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
	return status
}
