package otc

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// invalidInputMessage is the Message of every input validation error; the
// details are in ParameterErrors.
const invalidInputMessage = "The input does not match the tool's input schema."

// ValidateInput checks input against the tool's parameters (CALL-4). Absent
// input (nil or empty) is the empty object; any other input must be a JSON
// object. It returns nil, or an *Error with CodeInvalidInput (422) whose
// ParameterErrors maps each offending top-level parameter to what is wrong
// with it: an error inside a parameter is reported under that parameter, a
// missing required parameter and an unknown one under their own names, and a
// problem with the input as a whole under "". The messages state the rule
// ("is required", "must be at least 1", "must be one of: a, b") and never
// the submitted value.
func (t *Tool) ValidateInput(input json.RawMessage) error {
	if len(bytes.TrimSpace(input)) == 0 {
		input = emptyObjectJSON
	}
	// The fast path's "valid" is final; on anything else the full path
	// below decides and words the errors (fastvalidate.go).
	if t.inFast != nil && t.inFast.check(input) == valid {
		return nil
	}
	return t.validateInputFull(input)
}

// validateInputFull is ValidateInput without the fast path: input decoded
// into generic values and checked by the schema validator.
func (t *Tool) validateInputFull(input json.RawMessage) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(input))
	if err != nil {
		return invalidInput("", "input is not valid JSON")
	}
	if _, ok := v.(map[string]any); !ok {
		return invalidInput("", "input must be a JSON object")
	}
	if checkNumbers(v, nil, nil) {
		p := newProblems(v, subjectInput, t.isParameter)
		checkNumbers(v, nil, p)
		return &Error{Code: CodeInvalidInput, Message: invalidInputMessage, ParameterErrors: p.result()}
	}
	err = validate(t.inSchema, v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return invalidInput("", "input could not be validated")
	}
	p := newProblems(v, subjectInput, t.isParameter)
	p.collect(ve)
	return &Error{Code: CodeInvalidInput, Message: invalidInputMessage, ParameterErrors: p.result()}
}

// errValidatorPanic stands for a panic inside the schema validator.
var errValidatorPanic = errors.New("otc: the schema validator panicked")

// validate runs the validator, turning a panic inside it into an error: the
// library has panicked on odd numbers before (see numbers.go), and odd
// input must get an answer, not crash a request.
func validate(s *jsonschema.Schema, v any) (err error) {
	defer func() {
		if recover() != nil {
			err = errValidatorPanic
		}
	}()
	return s.Validate(v)
}

func invalidInput(key, msg string) *Error {
	return &Error{Code: CodeInvalidInput, Message: invalidInputMessage, ParameterErrors: map[string]string{key: msg}}
}

// isParameter reports whether name is declared in the tool's parameters.
// Keys of validation errors that are not declared came from the client and
// are truncated.
func (t *Tool) isParameter(name string) bool {
	_, ok := t.paramNames[name]
	return ok
}

// OutputError reports a tool result that does not conform to the tool's
// output schema (CALL-10, DEF-5). It is a fault of the tool, not of the
// client. Its messages, like those of input validation, never contain the
// value.
type OutputError struct {
	// Tool is the tool's id.
	Tool string
	// Problems maps each offending top-level property of the value to what
	// is wrong with it; "" is about the value as a whole.
	Problems map[string]string
}

// Error lists the problems, sorted by key.
func (e *OutputError) Error() string {
	keys := make([]string, 0, len(e.Problems))
	for k := range e.Problems {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var sb strings.Builder
	sb.WriteString("otc: the output of " + e.Tool + " does not conform to its output schema")
	for i, k := range keys {
		if i == 0 {
			sb.WriteString(": ")
		} else {
			sb.WriteString("; ")
		}
		if k != "" {
			sb.WriteString(quoteShort(k) + " ")
		}
		sb.WriteString(e.Problems[k])
	}
	return sb.String()
}

// ValidateOutput checks a value the tool returned (nil for none) against its
// output schema. A tool whose output schema is null must return nothing; {}
// accepts any JSON value or none; any other schema requires a conforming
// value. It returns nil, or an *OutputError.
func (t *Tool) ValidateOutput(value json.RawMessage) error {
	absent := len(bytes.TrimSpace(value)) == 0
	fail := func(msg string) error {
		return &OutputError{Tool: t.id, Problems: map[string]string{"": msg}}
	}
	switch {
	case !t.ReturnsValue():
		if !absent {
			return fail("value must be absent: the output schema is null")
		}
		return nil
	case absent:
		if t.outSchema == nil {
			return nil // {}: any value, or none
		}
		return fail("value is required by the output schema")
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(value))
	if err != nil {
		return fail("value is not valid JSON")
	}
	if t.outSchema == nil {
		return nil
	}
	if checkNumbers(v, nil, nil) {
		p := newProblems(v, subjectValue, nil)
		checkNumbers(v, nil, p)
		return &OutputError{Tool: t.id, Problems: p.result()}
	}
	err = validate(t.outSchema, v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fail("value could not be validated")
	}
	p := newProblems(v, subjectValue, nil)
	p.collect(ve)
	return &OutputError{Tool: t.id, Problems: p.result()}
}
