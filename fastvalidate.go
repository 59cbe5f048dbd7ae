package otc

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// The fast path of input validation. Most tools take an object of scalar
// parameters with a few bounds, and most calls are valid; the full path
// decodes the input into generic values and walks them with the schema
// validator, which costs microseconds and a hundred allocations. fastSchema
// is that common schema compiled, at construction, into a checker that reads
// the input bytes once without allocating.
//
// It is an accelerator, never a judge: ValidateInput trusts only its
// "valid". On "invalid" or "unsure" it runs the full path, which then
// produces exactly the errors (ParameterErrors) it always did. "invalid" is
// kept distinct so that the differential test can check both directions.

// verdict is the answer of the fast path.
type verdict uint8

const (
	unsure  verdict = iota // the fast path cannot tell
	valid                  // the full path would accept the input
	invalid                // the full path would refuse the input
)

// fastKind is the type a fast parameter accepts.
type fastKind uint8

const (
	kindOther   fastKind = iota // a schema the fast path does not handle: unsure when present
	kindNumber                  // "type": "number"
	kindInteger                 // "type": "integer"
	kindString                  // "type": "string"
	kindBoolean                 // "type": "boolean"
)

// maxFastParams bounds the parameters of a fast schema: which of them were
// seen is one bit each in a uint64.
const maxFastParams = 64

// fastSchema is an input schema compiled for the fast path.
type fastSchema struct {
	index    map[string]int // parameter name → index in params
	params   []fastParam
	required uint64 // bit i: params[i] is required
	closed   bool   // additionalProperties is false
}

// fastParam is the schema of one parameter.
type fastParam struct {
	kind fastKind
	// Bounds on numbers, compared as float64: both sides are decimals of at
	// most 15 significant digits in the normal range (see exactFloat), so
	// the comparison is exact.
	min, max, exclMin, exclMax *float64
	minLen, maxLen             int // in code points; -1: none
	pattern                    *regexp.Regexp
	enum                       map[string]struct{} // nil: no enum
}

// annotations are keywords that never affect validation.
var annotations = map[string]bool{
	"description": true, "title": true, "$comment": true, "examples": true, "default": true,
	"deprecated": true, "readOnly": true, "writeOnly": true,
}

// compileFast compiles the decoded input schema doc (which passed
// checkParameters' checks and compiled) for the fast path, or returns nil
// when its root uses a keyword the fast path does not handle.
func compileFast(doc map[string]any) *fastSchema {
	f := &fastSchema{index: map[string]int{}}
	for k, v := range doc {
		switch {
		case annotations[k], k == "type", k == "$schema":
			// type is "object" and $schema names draft 2020-12 (checkParameters)
		case k == "properties", k == "required":
		case k == "additionalProperties":
			b, ok := v.(bool)
			if !ok {
				return nil
			}
			f.closed = !b
		default:
			return nil
		}
	}
	props, _ := doc["properties"].(map[string]any)
	if len(props) > maxFastParams {
		return nil
	}
	for name, p := range props {
		f.index[name] = len(f.params)
		f.params = append(f.params, compileFastParam(p))
	}
	req, _ := doc["required"].([]any)
	for _, r := range req {
		name, _ := r.(string)
		i, ok := f.index[name]
		if !ok {
			return nil // unreachable: checkParameters requires declared names
		}
		f.required |= 1 << i
	}
	return f
}

// compileFastParam compiles the schema of one parameter; anything it does
// not handle makes a kindOther parameter.
func compileFastParam(s any) fastParam {
	other := fastParam{kind: kindOther}
	obj, ok := s.(map[string]any)
	if !ok {
		return other
	}
	p := fastParam{minLen: -1, maxLen: -1}
	switch obj["type"] {
	case "number":
		p.kind = kindNumber
	case "integer":
		p.kind = kindInteger
	case "string":
		p.kind = kindString
	case "boolean":
		p.kind = kindBoolean
	default:
		return other
	}
	numeric := p.kind == kindNumber || p.kind == kindInteger
	for k, v := range obj {
		if annotations[k] || k == "type" {
			continue
		}
		var bound **float64
		switch k {
		case "minimum":
			bound = &p.min
		case "maximum":
			bound = &p.max
		case "exclusiveMinimum":
			bound = &p.exclMin
		case "exclusiveMaximum":
			bound = &p.exclMax
		case "minLength", "maxLength":
			n, ok := schemaCount(v)
			if !ok {
				return other
			}
			if k == "minLength" {
				p.minLen = n
			} else {
				p.maxLen = n
			}
			continue
		case "pattern":
			src, _ := v.(string)
			re, err := regexp.Compile(src) // the validator's own engine
			if err != nil {
				return other
			}
			p.pattern = re
			continue
		case "enum":
			if p.kind != kindString {
				return other
			}
			list, _ := v.([]any)
			p.enum = make(map[string]struct{}, len(list))
			for _, e := range list {
				s, ok := e.(string)
				if !ok {
					return other
				}
				p.enum[s] = struct{}{}
			}
			continue
		default:
			return other
		}
		if !numeric {
			continue // a number keyword on a string or boolean never applies
		}
		n, _ := v.(json.Number)
		x, ok := exactFloat([]byte(n))
		if !ok {
			return other
		}
		*bound = &x
	}
	return p
}

// schemaCount returns the non-negative integer a length keyword holds.
func schemaCount(v any) (int, bool) {
	n, _ := v.(json.Number)
	x, err := strconv.ParseFloat(string(n), 64)
	if err != nil || x < 0 || x > math.MaxInt32 || x != math.Trunc(x) {
		return 0, false
	}
	return int(x), true
}

// exactFloat parses a JSON number literal for comparison as a float64. It
// succeeds only when the literal has at most 15 significant digits and is
// zero or within 1e-300..1e300 in magnitude: then distinct literals parse to
// distinct float64 values (15 digits survive the round trip through a
// float64) and parsing, being correctly rounded, keeps their order, so
// comparing the floats compares the numbers exactly, as the validator does
// with big.Rat.
func exactFloat(lit []byte) (float64, bool) {
	digits, leading := 0, true
	trailingZeros := 0
	for _, c := range lit {
		if c == 'e' || c == 'E' {
			break
		}
		if c < '0' || c > '9' {
			continue
		}
		if leading && c == '0' {
			continue
		}
		leading = false
		digits++
		if c == '0' {
			trailingZeros++
		} else {
			trailingZeros = 0
		}
	}
	if digits-trailingZeros > 15 {
		return 0, false
	}
	x, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		return 0, false
	}
	if a := math.Abs(x); digits > 0 && (a < 1e-300 || a > 1e300) {
		return 0, false
	}
	return x, true
}

// check gives the fast path's verdict on input (not empty). It reads one
// object whose members are scalars; it keeps reading after a violation so
// that a later duplicate key, which encoding/json lets win, cannot turn a
// wrong answer into a right one.
func (f *fastSchema) check(b []byte) verdict {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return unsure
	}
	i = skipSpace(b, i+1)
	var seen uint64
	bad := false
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			key, next, plain, ok := scanString(b, i)
			if !ok || !plain {
				return unsure
			}
			i = skipSpace(b, next)
			if i >= len(b) || b[i] != ':' {
				return unsure
			}
			i = skipSpace(b, i+1)
			idx, declared := f.index[string(key)]
			var v verdict
			switch {
			case declared:
				if seen&(1<<idx) != 0 {
					return unsure // a duplicate key: the last one counts
				}
				seen |= 1 << idx
				v, i = f.params[idx].check(b, i)
			case f.closed:
				v, i = invalid, skipValue(b, i)
			default:
				return unsure
			}
			if v == unsure || i < 0 {
				return unsure
			}
			bad = bad || v == invalid
			i = skipSpace(b, i)
			if i >= len(b) {
				return unsure
			}
			if b[i] == '}' {
				i++
				break
			}
			if b[i] != ',' {
				return unsure
			}
			i = skipSpace(b, i+1)
		}
	}
	if skipSpace(b, i) != len(b) {
		return unsure
	}
	if bad || f.required&^seen != 0 {
		return invalid
	}
	return valid
}

// skipValue returns the index after the JSON value at b[i], or -1 when it
// cannot tell where the value ends.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch c := b[i]; {
	case c == '{' || c == '[':
		next, ok := skipComposite(b, i)
		if !ok {
			return -1
		}
		return next
	case c == '"':
		_, next, _, ok := scanString(b, i)
		if !ok {
			return -1
		}
		return next
	case c == 't':
		return literalEnd(b, i, "true")
	case c == 'f':
		return literalEnd(b, i, "false")
	case c == 'n':
		return literalEnd(b, i, "null")
	default:
		_, next, _, ok := scanNumber(b, i)
		if !ok {
			return -1
		}
		return next
	}
}

func literalEnd(b []byte, i int, lit string) int {
	if !hasLiteral(b, i, lit) {
		return -1
	}
	return i + len(lit)
}

// check gives the verdict on the value at b[i] and returns the index after
// it (-1 when unsure where it ends).
func (p *fastParam) check(b []byte, i int) (verdict, int) {
	if p.kind == kindOther || i >= len(b) {
		return unsure, -1
	}
	c := b[i]
	switch {
	case c == '"':
		raw, next, plain, ok := scanString(b, i)
		if !ok {
			return unsure, -1
		}
		if p.kind != kindString {
			return invalid, next
		}
		if !plain {
			// Escapes or invalid UTF-8: let encoding/json decode it, as the
			// full path does.
			var s string
			if json.Unmarshal(b[i:next], &s) != nil {
				return unsure, -1
			}
			return p.checkString([]byte(s)), next
		}
		return p.checkString(raw), next
	case c == '-' || c >= '0' && c <= '9':
		lit, next, integer, ok := scanNumber(b, i)
		if !ok {
			return unsure, -1
		}
		if p.kind != kindNumber && p.kind != kindInteger {
			return invalid, next
		}
		return p.checkNumber(lit, integer), next
	case c == 't' || c == 'f':
		next := literalEnd(b, i, "true")
		if c == 'f' {
			next = literalEnd(b, i, "false")
		}
		if next < 0 {
			return unsure, -1
		}
		if p.kind != kindBoolean {
			return invalid, next
		}
		return valid, next
	}
	// null, an object or an array: no fast parameter accepts them.
	return invalid, skipValue(b, i)
}

func (p *fastParam) checkString(s []byte) verdict {
	if p.minLen >= 0 || p.maxLen >= 0 {
		n := utf8.RuneCount(s)
		if p.minLen >= 0 && n < p.minLen || p.maxLen >= 0 && n > p.maxLen {
			return invalid
		}
	}
	if p.pattern != nil && !p.pattern.Match(s) {
		return invalid
	}
	if p.enum != nil {
		if _, ok := p.enum[string(s)]; !ok {
			return invalid
		}
	}
	return valid
}

func (p *fastParam) checkNumber(lit []byte, integer bool) verdict {
	if numberProblem(string(lit)) != "" {
		return invalid // refused before schema validation (numbers.go)
	}
	if p.kind == kindInteger && !integer {
		return unsure // 5.0 and 1e2 are integers too
	}
	if p.min == nil && p.max == nil && p.exclMin == nil && p.exclMax == nil {
		return valid
	}
	x, ok := exactFloat(lit)
	if !ok {
		return unsure
	}
	if p.min != nil && x < *p.min || p.max != nil && x > *p.max ||
		p.exclMin != nil && x <= *p.exclMin || p.exclMax != nil && x >= *p.exclMax {
		return invalid
	}
	return valid
}
