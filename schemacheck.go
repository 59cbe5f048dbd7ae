package otc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Field names of the served definition, used in DefinitionError.
const (
	fieldParameters = "input_schema.parameters"
	fieldOutput     = "output_schema"
)

// draft2020 is the only $schema a served schema may name, and only at its
// root: the validator compiles every schema as draft 2020-12.
const draft2020 = "https://json-schema.org/draft/2020-12/schema"

// forbiddenKeywords are the keywords that would make a served schema depend
// on anything outside itself, which DEF-4 rules out for input schemas and
// this package applies to output schemas too.
var forbiddenKeywords = map[string]string{
	"$ref":             "references are not allowed; inline the schema (DEF-4)",
	"$dynamicRef":      "references are not allowed; inline the schema (DEF-4)",
	"$recursiveRef":    "references are not allowed; inline the schema (DEF-4)",
	"$defs":            "nested definitions are not allowed; inline the schema (DEF-4)",
	"definitions":      "nested definitions are not allowed; inline the schema (DEF-4)",
	"$id":              "schema ids are not allowed: a tool's schema stands alone (DEF-4)",
	"$anchor":          "anchors are not allowed: a tool's schema stands alone (DEF-4)",
	"$dynamicAnchor":   "anchors are not allowed: a tool's schema stands alone (DEF-4)",
	"$recursiveAnchor": "anchors are not allowed: a tool's schema stands alone (DEF-4)",
}

// Keywords whose values are subschemas, by shape. Other keywords' values
// (enum, const, default, examples, ...) are data, and a "$ref" key inside
// them is not a reference.
var (
	schemaKeywords = []string{"additionalProperties", "items", "contains", "propertyNames", "not",
		"if", "then", "else", "unevaluatedItems", "unevaluatedProperties", "contentSchema", "additionalItems"}
	schemaArrayKeywords = []string{"allOf", "anyOf", "oneOf", "prefixItems", "items"}
	schemaMapKeywords   = []string{"properties", "patternProperties", "dependentSchemas", "dependencies"}
)

// checkSchemaTree reports the first forbidden keyword in the schema s, whose
// served location is path. It returns the offending field and the reason, or
// "" when the tree is clean.
func checkSchemaTree(s any, path string, root bool) (field, reason string) {
	obj, ok := s.(map[string]any)
	if !ok {
		return "", "" // boolean schemas and, below, data in odd places hold no keywords
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys) // report the same error every time
	for _, k := range keys {
		if r, bad := forbiddenKeywords[k]; bad {
			return path + "." + k, r
		}
		if k == "$schema" && (!root || obj[k] != draft2020) {
			return path + ".$schema", "may only appear at the root, as " + draft2020 + " (the draft this server validates with)"
		}
	}
	for _, k := range schemaKeywords {
		if f, r := checkSchemaTree(obj[k], path+"."+k, false); f != "" {
			return f, r
		}
	}
	for _, k := range schemaArrayKeywords {
		arr, _ := obj[k].([]any)
		for i, sub := range arr {
			if f, r := checkSchemaTree(sub, fmt.Sprintf("%s.%s[%d]", path, k, i), false); f != "" {
				return f, r
			}
		}
	}
	for _, k := range schemaMapKeywords {
		m, _ := obj[k].(map[string]any)
		names := make([]string, 0, len(m))
		for name := range m {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if f, r := checkSchemaTree(m[name], path+"."+k+"."+name, false); f != "" {
				return f, r
			}
		}
	}
	return "", ""
}

// checkedParameters is an input schema that passed checkParameters.
type checkedParameters struct {
	served json.RawMessage // compact, for serving
	schema *jsonschema.Schema
	names  map[string]struct{} // the declared parameters
	fast   *fastSchema         // nil: the schema has no fast path
}

// checkParameters checks an input schema (DEF-4) and compiles it.
func checkParameters(label string, raw []byte) (checkedParameters, error) {
	fail := func(field, reason string) (checkedParameters, error) {
		return checkedParameters{}, &DefinitionError{Tool: label, Field: field, Reason: reason}
	}
	doc, err := decodeSchemaJSON(raw)
	if err != nil {
		return fail(fieldParameters, "is not valid JSON: "+err.Error())
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return fail(fieldParameters, `must be a JSON Schema object with "type": "object" (DEF-4)`)
	}
	if obj["type"] != "object" {
		return fail(fieldParameters+".type", `must be "object": a tool's input is an object of named parameters (DEF-4)`)
	}
	if f, r := checkSchemaTree(obj, fieldParameters, true); f != "" {
		return fail(f, r)
	}
	props := map[string]any{}
	if p, present := obj["properties"]; present {
		if props, ok = p.(map[string]any); !ok {
			return fail(fieldParameters+".properties", "must be an object mapping parameter names to schemas")
		}
	}
	names := make([]string, 0, len(props))
	declared := make(map[string]struct{}, len(props))
	for name := range props {
		names = append(names, name)
		declared[name] = struct{}{}
	}
	slices.Sort(names)
	for _, name := range names {
		field := fieldParameters + ".properties." + name
		p, ok := props[name].(map[string]any)
		if !ok {
			return fail(field, "must be a schema object with a description (DEF-4)")
		}
		if d, _ := p["description"].(string); strings.TrimSpace(d) == "" {
			return fail(field+".description", "is required for every parameter (DEF-4)")
		}
	}
	if req, present := obj["required"]; present {
		list, ok := req.([]any)
		if !ok {
			return fail(fieldParameters+".required", "must be an array of parameter names")
		}
		for i, r := range list {
			name, ok := r.(string)
			if !ok {
				return fail(fmt.Sprintf("%s.required[%d]", fieldParameters, i), "must be a parameter name")
			}
			if _, declared := props[name]; !declared {
				return fail(fmt.Sprintf("%s.required[%d]", fieldParameters, i),
					"names "+quoteShort(name)+", which is not declared in properties, so it has no description (DEF-4)")
			}
		}
	}
	sch, err := compileSchema(doc)
	if err != nil {
		return fail(fieldParameters, "is not a valid JSON Schema: "+err.Error())
	}
	return checkedParameters{served: compactJSON(raw), schema: sch, names: declared, fast: compileFast(obj)}, nil
}

// checkOutputSchema checks an output schema (DEF-5): a JSON Schema object,
// {} for any value, or null (or nothing) for a tool that returns nothing. It
// returns the served form and the compiled schema, which is nil for {} and
// null: they need no validator.
func checkOutputSchema(label string, raw []byte) (json.RawMessage, *jsonschema.Schema, error) {
	fail := func(field, reason string) (json.RawMessage, *jsonschema.Schema, error) {
		return nil, nil, &DefinitionError{Tool: label, Field: field, Reason: reason}
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nullJSON, nil, nil
	}
	doc, err := decodeSchemaJSON(raw)
	if err != nil {
		return fail(fieldOutput, "is not valid JSON: "+err.Error())
	}
	switch doc := doc.(type) {
	case nil:
		return nullJSON, nil, nil
	case map[string]any:
		if len(doc) == 0 {
			return emptyObjectJSON, nil, nil
		}
		if f, r := checkSchemaTree(doc, fieldOutput, true); f != "" {
			return fail(f, r)
		}
		sch, err := compileSchema(doc)
		if err != nil {
			return fail(fieldOutput, "is not a valid JSON Schema: "+err.Error())
		}
		return compactJSON(raw), sch, nil
	}
	return fail(fieldOutput, "must be a JSON Schema object, {} for any value, or null for none (DEF-5)")
}

// compactJSON returns b without insignificant white space. b must be valid.
func compactJSON(b []byte) json.RawMessage {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return slices.Clone(b) // unreachable: b was decoded already
	}
	return buf.Bytes()
}
