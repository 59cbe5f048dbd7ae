package otc

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// Validation messages are written here from the error kinds of
// santhosh-tekuri/jsonschema rather than taken from its English text,
// because that text quotes the offending value ("'abc' is not valid email")
// and a tool's input must never reach an error message, a log line or a
// client that merely relays it. Messages name parameters and the fields
// inside them (the input's keys) and state the rule, from the schema; they
// never show a value.

// maxProblemKeys bounds the number of keys in one problem map, so that an
// input with thousands of unknown parameters does not produce a response of
// the same size.
const maxProblemKeys = 32

// Names of the whole instance in messages.
const (
	subjectInput = "input"
	subjectValue = "value"
)

// problems collects messages by top-level key: the parameter (or, for
// output, the property) that contains the error, or "" for the whole value.
type problems struct {
	root    any                 // the instance, to tell arrays from objects in paths
	subject string              // what the whole instance is called: "input" or "value"
	known   func(string) bool   // whether a key is declared by the schema
	msgs    map[string][]string // key → messages
}

func newProblems(root any, subject string, known func(string) bool) *problems {
	return &problems{root: root, subject: subject, known: known, msgs: map[string][]string{}}
}

// add records predicate (e.g. "must be a number") for the value at loc
// (instance location tokens): under the top-level property that contains
// it, or under "" when it is the whole value or inside a top-level array.
func (p *problems) add(loc []string, predicate string) {
	if _, isObject := p.root.(map[string]any); !isObject || len(loc) == 0 {
		p.addKey("", p.subject+p.path(loc)+" "+predicate)
		return
	}
	if len(loc) == 1 {
		p.addKey(loc[0], predicate)
		return
	}
	p.addKey(loc[0], p.path(loc)+" "+predicate)
}

func (p *problems) addKey(key, msg string) {
	if p.known == nil || !p.known(key) {
		key = truncate(key) // a name the client made up: keep it short
	}
	if !slices.Contains(p.msgs[key], msg) {
		p.msgs[key] = append(p.msgs[key], msg)
	}
}

// path renders loc as "items[2].price", walking the instance to tell array
// indexes from object keys that look like numbers.
func (p *problems) path(loc []string) string {
	var sb strings.Builder
	v := p.root
	for _, tok := range loc {
		switch node := v.(type) {
		case []any:
			sb.WriteString("[" + tok + "]")
			if n, err := strconv.Atoi(tok); err == nil && n >= 0 && n < len(node) {
				v = node[n]
			} else {
				v = nil
			}
			continue
		case map[string]any:
			v = node[tok]
		default:
			v = nil
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(truncate(tok))
	}
	return sb.String()
}

// result joins each key's messages, sorted so that the same input always
// yields the same text, and caps the number of keys.
func (p *problems) result() map[string]string {
	keys := make([]string, 0, len(p.msgs))
	for k := range p.msgs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make(map[string]string, min(len(keys), maxProblemKeys+1))
	dropped := 0
	for _, k := range keys {
		if len(out) >= maxProblemKeys && k != "" {
			dropped++
			continue
		}
		msgs := p.msgs[k]
		slices.Sort(msgs)
		out[k] = strings.Join(msgs, "; ")
	}
	if dropped > 0 {
		noun := "parameters"
		if p.subject != subjectInput {
			noun = "properties"
		}
		more := fmt.Sprintf("%d more %s have errors", dropped, noun)
		if out[""] != "" {
			more = out[""] + "; " + more
		}
		out[""] = more
	}
	return out
}

// collect walks a validation error tree and records its leaves.
func (p *problems) collect(e *jsonschema.ValidationError) {
	loc := e.InstanceLocation
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.AllOf, *kind.Reference:
		for _, c := range e.Causes {
			p.collect(c)
		}
	case *kind.AnyOf, *kind.OneOf:
		if want, ok := alternativeTypes(e); ok {
			p.add(loc, "must be "+typeList(want))
		} else if one, ok := k.(*kind.OneOf); ok && len(one.Subschemas) > 1 {
			p.add(loc, "must match exactly one of the allowed forms, not several")
		} else {
			p.add(loc, "must match one of the allowed forms")
		}
	case *kind.Required:
		for _, m := range k.Missing {
			p.add(append(slices.Clip(loc), m), "is required")
		}
	case *kind.DependentRequired:
		p.addDependent(loc, k.Prop, k.Missing)
	case *kind.Dependency:
		p.addDependent(loc, k.Prop, k.Missing)
	case *kind.AdditionalProperties:
		for _, name := range k.Properties {
			if len(loc) == 0 {
				p.addKey(name, "is not a parameter of this tool")
			} else {
				p.add(append(slices.Clip(loc), name), "is not an allowed field")
			}
		}
	case *kind.PropertyNames:
		if len(loc) == 0 {
			p.addKey(k.Property, "is not an allowed parameter name")
		} else {
			p.add(append(slices.Clip(loc), k.Property), "is not an allowed field name")
		}
	default:
		p.add(loc, predicate(e.ErrorKind, len(loc) == 0 && p.subject == subjectInput))
	}
}

func (p *problems) addDependent(loc []string, prop string, missing []string) {
	for _, m := range missing {
		if len(loc) == 0 {
			p.addKey(m, "is required when "+quoteShort(prop)+" is given")
		} else {
			p.add(append(slices.Clip(loc), m), "is required when "+quoteShort(prop)+" is given")
		}
	}
}

// alternativeTypes recognises an anyOf/oneOf whose branches all failed on
// their type alone, such as a nullable field ({"oneOf": [{"type":
// "number"}, {"type": "null"}]}), and returns the types it accepts.
func alternativeTypes(e *jsonschema.ValidationError) ([]string, bool) {
	if len(e.Causes) == 0 {
		return nil, false
	}
	var want []string
	for _, c := range e.Causes {
		leaf := c
		for len(leaf.Causes) == 1 { // a branch's own wrapper
			leaf = leaf.Causes[0]
		}
		t, ok := leaf.ErrorKind.(*kind.Type)
		if !ok || len(leaf.Causes) != 0 {
			return nil, false
		}
		for _, w := range t.Want {
			if !slices.Contains(want, w) {
				want = append(want, w)
			}
		}
	}
	return want, true
}

// predicate states the rule a leaf error broke, without the value. root
// says the value is the whole input, whose fields are parameters.
func predicate(k jsonschema.ErrorKind, root bool) string {
	field := "field"
	if root {
		field = "parameter"
	}
	switch k := k.(type) {
	case *kind.Type:
		return "must be " + typeList(k.Want)
	case *kind.Enum:
		if len(k.Want) == 1 {
			return "must be " + displayValue(k.Want[0])
		}
		return "must be one of: " + displayValues(k.Want)
	case *kind.Const:
		return "must be " + displayValue(k.Want)
	case *kind.Format:
		return "must be a valid " + k.Want
	case *kind.Minimum:
		return "must be at least " + ratString(k.Want)
	case *kind.Maximum:
		return "must be at most " + ratString(k.Want)
	case *kind.ExclusiveMinimum:
		return "must be greater than " + ratString(k.Want)
	case *kind.ExclusiveMaximum:
		return "must be less than " + ratString(k.Want)
	case *kind.MultipleOf:
		return "must be a multiple of " + ratString(k.Want)
	case *kind.MinLength:
		return "must be at least " + plural(k.Want, "character") + " long"
	case *kind.MaxLength:
		return "must be at most " + plural(k.Want, "character") + " long"
	case *kind.Pattern:
		return "must match the pattern " + k.Want
	case *kind.MinItems:
		return "must have at least " + plural(k.Want, "item")
	case *kind.MaxItems:
		return "must have at most " + plural(k.Want, "item")
	case *kind.AdditionalItems:
		return "has more items than allowed"
	case *kind.UniqueItems:
		return "must not contain duplicate items"
	case *kind.Contains:
		return "must contain at least one matching item"
	case *kind.MinContains:
		return "must contain at least " + plural(k.Want, "matching item")
	case *kind.MaxContains:
		return "must contain at most " + plural(k.Want, "matching item")
	case *kind.MinProperties:
		return "must have at least " + plural(k.Want, field)
	case *kind.MaxProperties:
		return "must have at most " + plural(k.Want, field)
	case *kind.FalseSchema:
		return "is not allowed"
	case *kind.Not:
		return "is not allowed in this form"
	case *kind.ContentEncoding:
		return "must be valid " + k.Want
	case *kind.ContentMediaType:
		return "must be valid " + k.Want
	case *kind.ContentSchema:
		return "has content that does not match its schema"
	case *kind.InvalidJsonValue:
		return "is not a valid JSON value"
	}
	return "is not valid"
}

// typeList renders JSON types as "a number", "a string or null", ...
func typeList(types []string) string {
	names := make([]string, len(types))
	for i, t := range types {
		switch t {
		case "integer", "object", "array":
			names[i] = "an " + t
		case "null":
			names[i] = "null"
		default:
			names[i] = "a " + t
		}
	}
	switch len(names) {
	case 0:
		return "of another type"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// displayValues lists allowed values from the schema (never the input's).
func displayValues(vs []any) string {
	const maxShown = 20
	parts := make([]string, 0, min(len(vs), maxShown+1))
	for i, v := range vs {
		if i == maxShown {
			parts = append(parts, fmt.Sprintf("… (%d more)", len(vs)-maxShown))
			break
		}
		parts = append(parts, displayValue(v))
	}
	return strings.Join(parts, ", ")
}

// displayValue renders a schema value: strings as they are, anything else
// as JSON.
func displayValue(v any) string {
	if s, ok := v.(string); ok {
		return truncate(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "the allowed value"
	}
	return truncate(string(b))
}

// ratString renders a schema bound: integers exactly, others as the
// shortest float64 that reads back the same.
func ratString(r *big.Rat) string {
	if r == nil {
		return "the limit"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
