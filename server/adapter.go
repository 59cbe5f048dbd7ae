package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/internal/httperr"
	"github.com/otc-dev/otc/internal/reqinfo"
)

// handlerFunc is a route handler in the Caddy style: it writes a
// successful response itself and returns an error for anything else,
// which the adapter renders and logs, once.
type handlerFunc func(w http.ResponseWriter, r *http.Request, x *exchange) error

// exchange is what a handler learns about its request, for the error body,
// the call log, reqinfo and the observer. Nothing in it is secret.
type exchange struct {
	start  time.Time // when the handler started: one clock read serves all
	schema string    // negotiated $schema, echoed in error bodies
	status int       // status of a response the handler wrote itself
	toolID string    // resolved tool id
	// requested is the tool id asked for, logged (in canonical form) when
	// it did not resolve: an unknown or denied tool. Held by value (with
	// hasRequested) so that parsing a tool id allocates nothing.
	requested    otc.ToolRef
	hasRequested bool
	callID       string
	traceID      string
	outcome      string
	stack        []byte // a tool panic's stack, logged with the call
	bug          string // a tool bug (invalid output), logged with the call
	// storeErr is a failure to complete or release a call record after
	// the response was decided; it does not change the response.
	storeErr error
}

// adapt turns h into an http.Handler that renders its error with
// httperr.Write, recovers a panic of the handler itself (not of a tool:
// those are recovered where tools run) into a 500, fills reqinfo and logs.
func (s *Server) adapt(route string, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		x := &exchange{status: http.StatusOK, start: start}
		err := s.serveSafely(h, w, r, x)
		if err != nil {
			if x.outcome == "" {
				x.outcome = outcomeOf(err)
			}
			x.status = httperr.Write(w, x.schema, err)
		}
		s.report(r, route, x, err, s.now().Sub(start))
	})
}

func (s *Server) serveSafely(h handlerFunc, w http.ResponseWriter, r *http.Request, x *exchange) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			x.stack = debug.Stack()
			err = fmt.Errorf("server: handler panic: %v", p)
		}
	}()
	return h(w, r, x)
}

// outcomeOf names a refusal for the call log and reqinfo.
func outcomeOf(err error) string {
	switch otc.ErrorCode(err) {
	case otc.CodeBadRequest:
		return OutcomeBadRequest
	case otc.CodeUnsupportedVersion:
		return OutcomeUnsupportedVersion
	case otc.CodeUnknownTool:
		return OutcomeUnknownTool
	case otc.CodeVersionNotAvailable:
		return OutcomeVersionNotAvailable
	case otc.CodeMissingRequirements:
		return OutcomeMissingRequirements
	case otc.CodeInvalidInput:
		return OutcomeInvalidInput
	case otc.CodeCallConflict:
		return OutcomeConflict
	case otc.CodeTemporarilyUnavailable:
		return OutcomeUnavailable
	case otc.CodeShuttingDown:
		return OutcomeShuttingDown
	case otc.CodeInternal:
		return "internal_error"
	}
	return OutcomeRejected
}

// report fills reqinfo and writes the request's log line: one line for
// every POST /tools/call, whatever its outcome, and for other routes one
// line only when they fail. The line carries identifiers, the caller's name
// and the outcome: never inputs, secrets, tokens or values (REQ-5).
func (s *Server) report(r *http.Request, route string, x *exchange, err error, d time.Duration) {
	info := reqinfo.From(r.Context())
	if route != "" {
		info.Route = route
	}
	if x.toolID != "" {
		info.ToolID = x.toolID
	}
	if x.callID != "" {
		info.CallID = x.callID
	}
	if x.traceID != "" {
		info.TraceID = x.traceID
	}
	if x.outcome != "" {
		info.Outcome = x.outcome
	}

	level := slog.LevelInfo
	switch {
	case x.status >= 500 && x.outcome != OutcomeShuttingDown, x.stack != nil, x.bug != "", x.storeErr != nil:
		level = slog.LevelError
	case route != routeCall && err != nil:
		level = slog.LevelDebug
	case route != routeCall:
		return
	}
	ctx := r.Context()
	if !s.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 12)
	attrs = append(attrs,
		slog.String("route", route),
		slog.Int("status", x.status),
		slog.String("outcome", x.outcome),
		slog.Float64("duration_ms", durationMS(d)),
	)
	if route == routeCall {
		attrs = append(attrs,
			slog.String("call_id", x.callID),
			slog.String("trace_id", x.traceID),
			slog.String("tool_id", x.toolID),
		)
		if x.toolID == "" && x.hasRequested {
			attrs = append(attrs, slog.String("requested_tool_id", x.requested.String()))
		}
	}
	if c, ok := otc.CallerFromContext(r.Context()); ok {
		attrs = append(attrs, slog.String("caller", c.Name))
	}
	if err != nil {
		// otc.Error messages are written never to echo input; the
		// details of a 422, which may quote it, are not logged.
		var e *otc.Error
		if errors.As(err, &e) {
			attrs = append(attrs, slog.String("code", string(e.Code)))
			if e.DeveloperMessage != "" && e.Code != otc.CodeInvalidInput {
				attrs = append(attrs, slog.String("detail", e.DeveloperMessage))
			}
			// Store failures say which store and why; they hold call ids
			// and digests, never request data.
			if e.Err != nil && (e.Code == otc.CodeTemporarilyUnavailable || e.Code == otc.CodeShuttingDown || e.Code == otc.CodeInternal) {
				attrs = append(attrs, slog.String("cause", e.Err.Error()))
			}
		} else {
			attrs = append(attrs, slog.String("err", err.Error()))
		}
	}
	if x.storeErr != nil {
		attrs = append(attrs, slog.String("store_error", x.storeErr.Error()))
	}
	if x.bug != "" {
		attrs = append(attrs, slog.String("tool_bug", x.bug))
	}
	if x.stack != nil {
		attrs = append(attrs, slog.String("stack", string(x.stack)))
	}
	msg := "request"
	if route == routeCall {
		msg = "call"
	}
	s.log.LogAttrs(ctx, level, msg, attrs...)
}
