package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/otc-dev/otc"
)

// call is one admitted tool call, ready to run.
type call struct {
	tool    *otc.Tool
	spec    otc.ToolSpec
	input   json.RawMessage
	context *otc.CallContext
	info    otc.CallInfo
	secrets map[string]string // declared and sent, by id (REQ-5)
	tokens  map[string]string
}

var emptyObject = json.RawMessage("{}")

// handleCall serves POST /tools/call (CALL-1..10). Refusals before the
// tool runs are returned as *otc.Error; a tool that ran, whether it
// succeeded or failed, is answered 200 with its result (CALL-2).
func (s *Server) handleCall(w http.ResponseWriter, r *http.Request, x *exchange) error {
	// Until the request names its $schema, errors answer in the default
	// form (COMPAT-3); a request whose $schema is unsupported learns so in
	// the form of the version this server speaks.
	x.schema = otc.SchemaOTC
	if err := s.drain.enter(x.start); err != nil {
		return err
	}
	defer s.drain.leave()

	if err := checkContentType(r); err != nil {
		return err
	}
	body, err := readBody(w, r, s.opts.MaxBodyBytes)
	if err != nil {
		return err
	}
	envelope, err := decodeCallRequest(body, s.opts.MaxJSONDepth)
	if err != nil {
		return err
	}
	// Negotiated first, so that every later error answers in the
	// request's $schema form (COMPAT-3).
	schema, err := otc.NegotiateSchema(envelope.Schema)
	if err != nil {
		return err
	}
	x.schema = schema
	req := &envelope.Request
	x.callID, x.traceID = req.CallID, req.TraceID

	caller, _ := otc.CallerFromContext(r.Context())
	tool, err := s.resolve(req.ToolID, caller, x)
	if err != nil {
		return err
	}
	x.toolID = tool.ID()
	spec := tool.Spec()
	secrets, tokens, err := grant(spec.Requirements, req.Context)
	if err != nil {
		return err
	}
	input := req.Input
	if len(input) == 0 {
		input = emptyObject
	}
	if err := tool.ValidateInput(input); err != nil {
		return invalidInput(err)
	}

	c := &call{tool: tool, spec: spec, input: input, context: req.Context, secrets: secrets, tokens: tokens,
		info: otc.CallInfo{CallID: req.CallID, TraceID: req.TraceID, ToolID: tool.ID(), Caller: caller}}
	if req.Context != nil {
		c.info.UserID = req.Context.UserID
	}
	if req.CallID != "" {
		return s.callOnce(w, r, x, c)
	}
	// No call_id: the server names the call and keeps no record (CALL-6).
	c.info.CallID = newCallID(x.start)
	x.callID = c.info.CallID
	res, err := s.run(r.Context(), c, x)
	if err != nil {
		return err
	}
	buf := getBuffer()
	defer putBuffer(buf)
	*buf = appendResult((*buf)[:0], &res)
	s.writeResult(w, x, *buf)
	return nil
}

// resolve finds the tool a tool id names (VER-1..3) among those the caller
// may use. A tool the caller may not use is answered exactly as a tool
// that does not exist, so that its existence is not revealed; the log and
// reqinfo record the denial.
func (s *Server) resolve(id string, caller *otc.Caller, x *exchange) (*otc.Tool, error) {
	ref, err := otc.ParseToolID(id)
	if err != nil {
		return nil, &otc.Error{Code: otc.CodeUnknownTool, Message: "The tool id is not valid.",
			DeveloperMessage: err.Error() + " (DEF-1)", Err: err}
	}
	x.requested, x.hasRequested = ref, true
	// MayUse is asked only of a caller with an allow list: building the
	// qualified name costs an allocation on every call.
	if caller != nil && caller.Allow != nil && !caller.MayUse(ref.QualifiedName()) {
		x.outcome = OutcomeDenied
		return nil, unknownTool(ref, nil)
	}
	tool, err := s.reg.Resolve(ref)
	if err != nil {
		switch otc.ErrorCode(err) {
		case otc.CodeUnknownTool:
			return nil, unknownTool(ref, err)
		case otc.CodeVersionNotAvailable:
			return nil, &otc.Error{Code: otc.CodeVersionNotAvailable,
				Message:          "The requested version of the tool is not available.",
				DeveloperMessage: "no version of " + strconv.Quote(ref.QualifiedName()) + " matches " + strconv.Quote(ref.String()),
				Err:              err}
		}
		return nil, err
	}
	return tool, nil
}

// unknownTool is the one answer for a tool that does not exist and for a
// tool the caller may not use: both are built from the request alone.
func unknownTool(ref otc.ToolRef, cause error) *otc.Error {
	return &otc.Error{Code: otc.CodeUnknownTool, Message: "The requested tool does not exist on this server.",
		DeveloperMessage: "no tool named " + strconv.Quote(ref.QualifiedName()), Err: cause}
}

// invalidInput returns the 422 of an input that fails the tool's input
// schema (CALL-4).
func invalidInput(err error) error {
	var e *otc.Error
	if errors.As(err, &e) && e.Code == otc.CodeInvalidInput {
		return e
	}
	return &otc.Error{Code: otc.CodeInvalidInput, Message: "The input does not match the tool's input schema.", Err: err}
}

// Header values shared by every call response; net/http only reads them.
var (
	headerJSON    = []string{"application/json"}
	headerNoStore = []string{"no-store"}
	headerNosniff = []string{"nosniff"}
)

// contentLengths are the Content-Length values of small bodies, made once:
// a response of one of these lengths allocates no header value.
var contentLengths = func() (t [1024][]string) {
	for n := range t {
		t[n] = []string{strconv.Itoa(n)}
	}
	return t
}()

// contentLength returns the Content-Length header value of an n-byte body.
// net/http only reads header values, so they may be shared.
func contentLength(n int) []string {
	if n < len(contentLengths) {
		return contentLengths[n]
	}
	return []string{strconv.Itoa(n)}
}

// writeResult writes the 200 envelope of a call with result, a
// CallToolResponse object, fresh or replayed byte for byte.
func (s *Server) writeResult(w http.ResponseWriter, x *exchange, result []byte) {
	buf := getBuffer()
	defer putBuffer(buf)
	*buf = appendEnvelope((*buf)[:0], x.schema, result)
	h := w.Header()
	h["Content-Type"] = headerJSON
	h["Cache-Control"] = headerNoStore
	h["X-Content-Type-Options"] = headerNosniff
	h["Content-Length"] = contentLength(len(*buf))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(*buf)
}
