package otc

import (
	"bytes"
	"encoding/json"
)

// noParameters is the input schema of a raw tool declared without one.
var noParameters = []byte(`{"type":"object","properties":{},"additionalProperties":false}`)

// NewRawTool builds a tool from schemas given as JSON, for tools whose
// schemas are known only at run time (a proxy, a plugin, a configuration
// file). parameters is the JSON Schema of the input object: it must have
// "type": "object", a description on every property, and no $ref or $defs
// (DEF-4); nil means the tool takes no parameters. outputSchema is a JSON
// Schema object, {} for any value, or nil or null for a tool that returns
// nothing (DEF-5). Schemas are draft 2020-12; a "$schema" may appear only at
// the root and only naming that draft.
//
// NewRawTool checks the whole definition (DEF-1..DEF-6) and compiles both
// schemas; invalid JSON, a schema that does not compile, or any other
// problem is a *DefinitionError. h receives input that passed the schema
// (the server validates before calling) and returns the value's JSON, or nil
// for none.
func NewRawTool(spec ToolSpec, parameters, outputSchema json.RawMessage, h Handler) (*Tool, error) {
	cs, err := checkSpec(spec)
	if err != nil {
		return nil, err
	}
	if h == nil {
		return nil, &DefinitionError{Tool: cs.id, Field: "handler", Reason: "is nil"}
	}
	if len(bytes.TrimSpace(parameters)) == 0 {
		parameters = noParameters
	}
	return newTool(cs, parameters, outputSchema, h)
}
