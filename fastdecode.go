package otc

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// The fast path of a typed call. encoding/json (json/v2 underneath since Go
// 1.25) is general and costs hundreds of nanoseconds and several
// allocations per call to decode a two-field input and encode a number.
// For the common input type, a struct of scalar fields, structDecoder reads
// the object straight into the fields, and jsonx.AppendFloat writes a
// float64 output (typedHandler). Like the validation fast path they only
// handle what they are sure of and leave everything else (case-insensitive
// or unknown keys, duplicates, escapes, null, numbers a field cannot hold)
// to encoding/json, whose answer (a value or an error) then stands.

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// scalarKinds are the predeclared types a fast field may have (or point
// to). Named types are left out: they may bring their own unmarshalers.
var scalarKinds = map[reflect.Type]bool{
	reflect.TypeFor[bool]():    true,
	reflect.TypeFor[string]():  true,
	reflect.TypeFor[float64](): true, reflect.TypeFor[float32](): true,
	reflect.TypeFor[int](): true, reflect.TypeFor[int8](): true, reflect.TypeFor[int16](): true,
	reflect.TypeFor[int32](): true, reflect.TypeFor[int64](): true,
	reflect.TypeFor[uint](): true, reflect.TypeFor[uint8](): true, reflect.TypeFor[uint16](): true,
	reflect.TypeFor[uint32](): true, reflect.TypeFor[uint64](): true,
}

// structDecoder decodes a JSON object into a struct whose fields are all
// scalars or pointers to scalars.
type structDecoder struct {
	index  map[string]int // JSON name → index in fields
	fields []decField
}

type decField struct {
	index int          // the field's index in the struct
	typ   reflect.Type // the scalar type
	ptr   bool         // the field is a pointer to typ
}

// compileStructDecoder returns the decoder for t, or nil when t is not a
// plain struct of scalar fields.
func compileStructDecoder(t reflect.Type) *structDecoder {
	if t.Kind() != reflect.Struct || t.NumField() > maxFastParams || hasUnmarshaler(t) {
		return nil
	}
	d := &structDecoder{index: map[string]int{}}
	folded := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return nil // embedding: promoted fields and their rules
		}
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		for o := range strings.SplitSeq(opts, ",") {
			if o != "" && o != "omitempty" && o != "omitzero" {
				return nil // ",string" and the like change the encoding
			}
		}
		if name == "" {
			name = f.Name
		}
		// A name of ASCII letters, digits and underscores (the characters
		// of a DEF-1 identifier) is one every JSON implementation takes as
		// written.
		if !IsIdentifier(name) || folded[strings.ToLower(name)] {
			return nil
		}
		folded[strings.ToLower(name)] = true
		df := decField{index: i, typ: f.Type}
		if f.Type.Kind() == reflect.Pointer {
			df.typ, df.ptr = f.Type.Elem(), true
		}
		if !scalarKinds[df.typ] {
			return nil
		}
		d.index[name] = len(d.fields)
		d.fields = append(d.fields, df)
	}
	return d
}

// hasUnmarshaler reports whether t decodes itself.
func hasUnmarshaler(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	if p.Implements(jsonUnmarshalerType) || p.Implements(textUnmarshalerType) {
		return true
	}
	_, ok := p.MethodByName("UnmarshalJSONFrom") // json/v2's UnmarshalerFrom
	return ok
}

// decode fills the zero struct v (addressable) from the object b and
// reports whether it could; when it could not, v may be partly filled and
// the caller decodes again with encoding/json into a zero value.
func (d *structDecoder) decode(b []byte, v reflect.Value) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipSpace(b, i+1) == len(b)
	}
	var seen uint64
	for {
		key, next, plain, ok := scanString(b, i)
		if !ok || !plain {
			return false
		}
		i = skipSpace(b, next)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		idx, known := d.index[string(key)]
		if !known || seen&(1<<idx) != 0 {
			return false // encoding/json matches names case-insensitively and lets the last duplicate win
		}
		seen |= 1 << idx
		if i = d.fields[idx].set(b, skipSpace(b, i+1), v); i < 0 {
			return false
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return false
		}
		if b[i] == '}' {
			return skipSpace(b, i+1) == len(b)
		}
		if b[i] != ',' {
			return false
		}
		i = skipSpace(b, i+1)
	}
}

// set decodes the value at b[i] into the field of struct v and returns the
// index after it, or -1.
func (f *decField) set(b []byte, i int, v reflect.Value) int {
	if i >= len(b) {
		return -1
	}
	fv := v.Field(f.index)
	if f.ptr {
		p := reflect.New(f.typ)
		fv.Set(p)
		fv = p.Elem()
	}
	switch k := f.typ.Kind(); k {
	case reflect.String:
		raw, next, plain, ok := scanString(b, i)
		if !ok || !plain {
			return -1
		}
		fv.SetString(string(raw))
		return next
	case reflect.Bool:
		switch {
		case hasLiteral(b, i, "true"):
			fv.SetBool(true)
			return i + 4
		case hasLiteral(b, i, "false"):
			return i + 5 // already false
		}
		return -1
	default:
		lit, next, integer, ok := scanNumber(b, i)
		if !ok {
			return -1
		}
		s := string(lit)
		switch k {
		case reflect.Float64, reflect.Float32:
			x, err := strconv.ParseFloat(s, f.typ.Bits())
			if err != nil {
				return -1
			}
			fv.SetFloat(x)
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if !integer || s == "-0" {
				return -1
			}
			n, err := strconv.ParseInt(s, 10, f.typ.Bits())
			if err != nil {
				return -1
			}
			fv.SetInt(n)
		default: // unsigned
			if !integer || lit[0] == '-' {
				return -1
			}
			n, err := strconv.ParseUint(s, 10, f.typ.Bits())
			if err != nil {
				return -1
			}
			fv.SetUint(n)
		}
		return next
	}
}
