package otc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/otc-dev/otc/internal/jsonx"
)

// NewTool builds a typed tool from a Go function. The input schema is derived
// from In, which must be a struct (or a pointer to one) whose fields are the
// tool's parameters; every field needs a description tag (DEF-4):
//
//	type Input struct {
//		City  string `json:"city" jsonschema:"description=The city to look up"`
//		Units *string `json:"units,omitempty" jsonschema:"description=metric or imperial,enum=metric,enum=imperial"`
//	}
//
// Property names come from json tags. A field is required unless it is a
// pointer or its json tag has omitempty or omitzero; `jsonschema:"required"`
// makes any field required. Unknown properties are refused
// (additionalProperties: false). Types are inlined, so recursive types are
// refused.
//
// The output schema is derived from Out: [NoValue] means the tool returns
// nothing (output_schema null, DEF-5), an interface type such as any, or
// json.RawMessage, means any value ({}), and any other type is described by
// its schema.
//
// NewTool checks the whole definition (DEF-1..DEF-6) and returns a
// *DefinitionError for the first problem it finds.
func NewTool[In, Out any](spec ToolSpec, fn func(context.Context, In) (Out, error)) (*Tool, error) {
	cs, err := checkSpec(spec)
	if err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, &DefinitionError{Tool: cs.id, Field: "handler", Reason: "is nil"}
	}
	params, err := deriveSchema(reflect.TypeFor[In]())
	if err != nil {
		return nil, &DefinitionError{Tool: cs.id, Field: fieldParameters, Reason: err.Error()}
	}
	outType := reflect.TypeFor[Out]()
	var output []byte // nil: returns nothing
	switch {
	case outType == noValueType:
	case outType.Kind() == reflect.Interface || outType == rawMessageType:
		output = emptyObjectJSON
	default:
		if output, err = deriveSchema(outType); err != nil {
			return nil, &DefinitionError{Tool: cs.id, Field: fieldOutput, Reason: err.Error()}
		}
	}
	return newTool(cs, params, output, typedHandler(cs.id, outType == noValueType, fn))
}

// MustNewTool is like [NewTool] but panics on a definition error. It suits
// tools defined at package level or in a toolkit's constructor, whose
// definitions are fixed and tested.
func MustNewTool[In, Out any](spec ToolSpec, fn func(context.Context, In) (Out, error)) *Tool {
	t, err := NewTool(spec, fn)
	if err != nil {
		panic(err)
	}
	return t
}

// typedHandler adapts fn to a Handler. Everything that depends on the types
// is decided here, once, so that a call does only the decoding, the call and
// the encoding.
func typedHandler[In, Out any](id string, noValue bool, fn func(context.Context, In) (Out, error)) Handler {
	dec := compileStructDecoder(reflect.TypeFor[In]()) // nil: encoding/json only (fastdecode.go)
	floatOut := reflect.TypeFor[Out]() == reflect.TypeFor[float64]()
	return func(ctx context.Context, input json.RawMessage) (json.RawMessage, error) {
		var in In
		if dec == nil || !dec.decode(input, reflect.ValueOf(&in).Elem()) {
			in = *new(In)
			if err := json.Unmarshal(input, &in); err != nil {
				return nil, inputDecodeError(err)
			}
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, err
		}
		if noValue {
			return nil, nil
		}
		if floatOut {
			if b, ok := jsonx.AppendFloat(make([]byte, 0, 24), any(out).(float64)); ok {
				return b, nil
			}
		}
		b, err := json.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("otc: %s: encode the output: %w", id, err)
		}
		return b, nil
	}
}

// inputDecodeError turns the error of decoding validated input into In into
// the 422 the input deserves. It happens when the schema admits a value the
// Go type cannot hold, such as 1e300 for an int field. The message names the
// parameter and never the value.
func inputDecodeError(err error) *Error {
	key, msg := "", "input is not valid JSON"
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		key, _, _ = strings.Cut(te.Field, ".")
		msg = "has the wrong type for this tool"
		if strings.HasPrefix(te.Value, "number") {
			msg = "is out of the range this tool accepts"
		}
		if key == "" {
			msg = "input " + msg
		}
	}
	return &Error{Code: CodeInvalidInput, Message: invalidInputMessage,
		ParameterErrors: map[string]string{key: msg}, Err: err}
}

// newTool checks the schemas of a definition whose spec passed checkSpec,
// and assembles the Tool.
func newTool(cs checkedSpec, parameters, output []byte, call Handler) (*Tool, error) {
	params, err := checkParameters(cs.id, parameters)
	if err != nil {
		return nil, err
	}
	out, outSchema, err := checkOutputSchema(cs.id, output)
	if err != nil {
		return nil, err
	}
	return &Tool{
		spec: cs.spec, version: cs.version, id: cs.id, qname: cs.qname, name: cs.name,
		parameters: params.served, paramNames: params.names, output: out,
		inSchema: params.schema, inFast: params.fast, outSchema: outSchema,
		call: call,
	}, nil
}
