package otc

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/invopop/jsonschema"
)

// Schema derivation for typed tools. invopop/jsonschema does the reflection;
// this file sets it up for OTC and fixes up what it does differently:
//
//   - references are inlined (DoNotReference), because DEF-4 forbids $ref and
//     $defs; a recursive type therefore cannot be described and is refused
//     before reflection, which would otherwise never end;
//   - no $schema or $id: the served schema stands alone;
//   - a pointer field is optional, as encoding/json treats it (invopop
//     requires every field without omitempty, pointers included), unless its
//     jsonschema tag says "required";
//   - a "nullable" field keeps its description at the top of the property,
//     where DEF-4 looks for it.
//
// Descriptions come from `jsonschema:"description=..."` (commas escaped as
// `\,`) or `jsonschema_description:"..."`; constraints from the other
// jsonschema tag keys invopop supports (minimum, maximum, enum, minItems,
// pattern, format, ...).

var (
	rawMessageType   = reflect.TypeFor[json.RawMessage]()
	noValueType      = reflect.TypeFor[NoValue]()
	timeType         = reflect.TypeFor[time.Time]()
	urlType          = reflect.TypeFor[url.URL]()
	ipType           = reflect.TypeFor[net.IP]()
	customSchemaType = reflect.TypeFor[interface{ JSONSchema() *jsonschema.Schema }]()
	aliasSchemaType  = reflect.TypeFor[interface{ JSONSchemaAlias() any }]()
)

// deriveSchema returns the JSON Schema of values of type t, as served.
func deriveSchema(t reflect.Type) (b []byte, err error) {
	if err := checkGoType(t, map[reflect.Type]bool{}); err != nil {
		return nil, err
	}
	defer func() {
		// invopop panics on types it cannot describe, and custom JSONSchema
		// methods may panic too; a definition mistake must be an error.
		if p := recover(); p != nil {
			b, err = nil, fmt.Errorf("cannot derive a JSON Schema from %v: %v", t, p)
		}
	}()
	r := &jsonschema.Reflector{DoNotReference: true, ExpandedStruct: true, Anonymous: true}
	s := r.ReflectFromType(t)
	s.Version, s.ID, s.Definitions = "", "", nil
	fixSchema(s, t)
	return json.Marshal(s)
}

// hasCustomSchema reports whether invopop takes t's schema from a method of
// t rather than from its structure.
func hasCustomSchema(t reflect.Type) bool {
	return t.Implements(customSchemaType) || t.Implements(aliasSchemaType) ||
		reflect.PointerTo(t).Implements(customSchemaType) || reflect.PointerTo(t).Implements(aliasSchemaType)
}

// checkGoType refuses the types that cannot become a self-contained JSON
// Schema: recursive ones and those encoding/json cannot represent. onPath
// holds the types being visited, to find cycles.
func checkGoType(t reflect.Type, onPath map[reflect.Type]bool) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType || t == urlType || t == ipType || t == rawMessageType || hasCustomSchema(t) {
		return nil
	}
	if onPath[t] {
		return fmt.Errorf("type %v is recursive, and DEF-4 forbids the $ref that would describe it", t)
	}
	onPath[t] = true
	defer delete(onPath, t)
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.String, reflect.Interface:
		return nil
	case reflect.Slice, reflect.Array:
		return checkGoType(t.Elem(), onPath)
	case reflect.Map:
		switch t.Key().Kind() {
		case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		default:
			return fmt.Errorf("map type %v: only string and signed integer keys can be described", t)
		}
		return checkGoType(t.Elem(), onPath)
	case reflect.Struct:
		for _, f := range jsonFields(t) {
			if err := checkGoType(f.field.Type, onPath); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("type %v cannot be represented in JSON", t)
}

// jsonFields lists the fields of struct type t that become properties, by
// property name, following invopop's rules (which follow encoding/json's for
// names and embedding).
func jsonFields(t reflect.Type) []namedField {
	var out []namedField
	for i := range t.NumField() {
		f := t.Field(i)
		jsonTags := strings.Split(f.Tag.Get("json"), ",")
		if jsonTags[0] == "-" || strings.Split(f.Tag.Get("jsonschema"), ",")[0] == "-" {
			continue
		}
		embedded := f.Anonymous && jsonTags[0] == "" &&
			(f.Type.Kind() == reflect.Struct || f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct)
		if embedded || slices.Contains(jsonTags[1:], "inline") {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				out = append(out, jsonFields(et)...)
			}
			continue
		}
		if !f.Anonymous && !f.IsExported() {
			continue
		}
		name := f.Name
		if jsonTags[0] != "" {
			name = jsonTags[0]
		}
		out = append(out, namedField{name: name, field: f})
	}
	return out
}

type namedField struct {
	name  string
	field reflect.StructField
}

// fixSchema walks the schema s of type t and makes pointer fields optional
// and nullable fields carry their description on top (see the file comment).
func fixSchema(s *jsonschema.Schema, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s == nil || hasCustomSchema(t) {
		return
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		fixSchema(s.Items, t.Elem())
	case reflect.Map:
		fixSchema(s.AdditionalProperties, t.Elem())
		for _, ps := range s.PatternProperties {
			fixSchema(ps, t.Elem())
		}
	case reflect.Struct:
		if t == timeType || t == urlType || s.Properties == nil {
			return
		}
		for _, nf := range jsonFields(t) {
			prop, ok := s.Properties.Get(nf.name)
			if !ok {
				continue
			}
			if len(prop.OneOf) == 2 && prop.OneOf[1].Type == "null" && prop.Description == "" {
				prop.Description, prop.OneOf[0].Description = prop.OneOf[0].Description, ""
				prop = prop.OneOf[0]
			}
			fixSchema(prop, nf.field.Type)
			required := slices.Contains(strings.Split(nf.field.Tag.Get("jsonschema"), ","), "required")
			if nf.field.Type.Kind() == reflect.Pointer && !required {
				s.Required = slices.DeleteFunc(s.Required, func(n string) bool { return n == nf.name })
			}
		}
	}
}
