package otc

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ToolSpec is what a tool developer writes about a tool besides its
// function: its identity, its description and what a call needs. The input
// and output schemas come from the function's types ([NewTool]) or are given
// as JSON ([NewRawTool]).
type ToolSpec struct {
	// Toolkit and Name form the tool's qualified name "Toolkit.Name". Each is
	// one or more ASCII letters, digits or underscores (DEF-1). The served
	// name is "Toolkit_Name", which must be at most 64 characters (DEF-2).
	Toolkit, Name string
	// Version is the semantic version "x.y.z" in canonical form, without
	// leading zeros (DEF-3).
	Version string
	// Description says when and how the tool should be used; it is required
	// (DEF-3).
	Description string
	// Requirements lists what a call must carry besides its input: tokens,
	// secrets, a user id (DEF-6). Nil means none (REQ-1).
	Requirements *Requirements
	// Timeout bounds one call of the tool. Zero means the server's default
	// call timeout; it must not be negative.
	Timeout time.Duration
	// MaxConcurrent bounds how many calls of this tool run at once on one
	// server. Zero means no per-tool limit; it must not be negative.
	MaxConcurrent int
	// Idempotent declares that running the tool a second time with the same
	// input does no harm: it changes nothing (a lookup, a computation), or
	// sets what the first run set. A server that keeps call records on disk
	// may then write a call's record once, when the tool returned, instead
	// of also before it runs: each call with a call_id waits for one durable
	// write instead of two. The price is after a crash: a retry of a call
	// that was running then runs it again, where for other tools the retry
	// is told that the outcome is unknown and the tool does not run twice.
	// Repeats of a finished call are answered from its record either way
	// (CALL-6). The declaration is not part of the tool's definition on the
	// wire.
	Idempotent bool
}

// Handler is the function behind a raw tool ([NewRawTool]): it receives the
// call's input object, already validated against the tool's parameters, and
// returns the value (nil for none). An error is reported to the client as a
// tool error ([AsToolError]).
type Handler func(ctx context.Context, input json.RawMessage) (json.RawMessage, error)

// NoValue is the output type of a typed tool that returns nothing: its
// output_schema is JSON null and successful responses carry no value (DEF-5,
// CALL-10). It can also serve as the input type of a tool without
// parameters.
type NoValue struct{}

// Tool is a tool ready to be served: a checked definition, its compiled input
// and output schemas, and its function. Build one with [NewTool],
// [MustNewTool] or [NewRawTool]; the zero Tool is not usable. A Tool is
// immutable and safe for concurrent use.
type Tool struct {
	spec    ToolSpec
	version Version
	id      string // "Toolkit.Name@x.y.z"
	qname   string // "Toolkit.Name"
	name    string // "Toolkit_Name"

	parameters json.RawMessage // compact JSON Schema of the input object
	paramNames map[string]struct{}
	output     json.RawMessage // compact JSON Schema, "{}" or "null"

	inSchema  *jsonschema.Schema
	inFast    *fastSchema        // nil when the input schema has no fast path
	outSchema *jsonschema.Schema // nil when output is "{}" or "null"

	call Handler
}

// ID returns the tool's id "Toolkit.Name@x.y.z" (DEF-1).
func (t *Tool) ID() string { return t.id }

// QualifiedName returns "Toolkit.Name", the id without its version.
func (t *Tool) QualifiedName() string { return t.qname }

// Name returns the served name "Toolkit_Name" (DEF-2).
func (t *Tool) Name() string { return t.name }

// Version returns the tool's version.
func (t *Tool) Version() Version { return t.version }

// Spec returns a copy of the spec the tool was built from.
func (t *Tool) Spec() ToolSpec {
	s := t.spec
	s.Requirements = cloneRequirements(s.Requirements)
	return s
}

// ReturnsValue reports whether the tool returns a value: false when its
// output schema is null (DEF-5).
func (t *Tool) ReturnsValue() bool { return !bytes.Equal(t.output, nullJSON) }

// Definition returns the tool as GET /tools serves it. The result is a copy:
// the caller may keep or change it.
func (t *Tool) Definition() ToolDefinition {
	return ToolDefinition{
		ID:           t.id,
		Name:         t.name,
		Description:  t.spec.Description,
		Version:      t.version.String(),
		InputSchema:  InputSchema{Parameters: slices.Clone(t.parameters)},
		OutputSchema: slices.Clone(t.output),
		Requirements: cloneRequirements(t.spec.Requirements),
	}
}

// Call runs the tool's function with input, which should have passed
// [Tool.ValidateInput]; absent input (nil or empty) is the empty object. It
// returns the value as JSON, or nil for a tool that returns nothing.
//
// A typed tool whose validated input still cannot be decoded into its input
// type (a number beyond the range of the Go field, say) returns an *Error
// with CodeInvalidInput, as ValidateInput would; any other error comes from
// the tool and is reported with [AsToolError]. Call does not recover panics:
// the server does, so that it can report them as such.
func (t *Tool) Call(ctx context.Context, input json.RawMessage) (json.RawMessage, error) {
	if len(input) == 0 {
		input = emptyObjectJSON
	}
	return t.call(ctx, input)
}

var (
	nullJSON        = json.RawMessage("null")
	emptyObjectJSON = json.RawMessage("{}")
)

// cloneRequirements returns a deep copy of r, so that a Tool's requirements
// cannot be changed through a value it handed out.
func cloneRequirements(r *Requirements) *Requirements {
	if r == nil {
		return nil
	}
	c := &Requirements{UserID: r.UserID}
	if r.Authorization != nil {
		c.Authorization = make([]AuthorizationRequirement, len(r.Authorization))
		for i, a := range r.Authorization {
			c.Authorization[i] = AuthorizationRequirement{ID: a.ID}
			if a.OAuth2 != nil {
				c.Authorization[i].OAuth2 = &OAuth2Scopes{Scopes: slices.Clone(a.OAuth2.Scopes)}
			}
		}
	}
	c.Secrets = slices.Clone(r.Secrets)
	return c
}
