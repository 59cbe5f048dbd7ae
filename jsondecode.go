package otc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxSchemaDepth bounds the nesting of a schema document, so that a
// pathological schema fails with an error instead of exhausting the stack
// of the walkers that check it.
const maxSchemaDepth = 128

// decodeSchemaJSON decodes a schema document into the generic form that
// jsonschema compiles (maps, slices, json.Number, string, bool, nil). Unlike
// encoding/json it refuses duplicate object keys: with them, this server and
// a client reading the same bytes could disagree on what the schema says.
func decodeSchemaJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	v, err := decodeValue(d, 0)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the top-level value")
	}
	return v, nil
}

func decodeValue(d *json.Decoder, depth int) (any, error) {
	if depth > maxSchemaDepth {
		return nil, fmt.Errorf("nested more than %d levels deep", maxSchemaDepth)
	}
	tok, err := d.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("unexpected end of JSON input")
		}
		return nil, err
	}
	switch tok := tok.(type) {
	case json.Delim:
		switch tok {
		case '{':
			obj := make(map[string]any)
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				key := kt.(string) // the decoder only yields strings as object keys
				if _, dup := obj[key]; dup {
					return nil, fmt.Errorf("duplicate object key %s", quoteShort(key))
				}
				if obj[key], err = decodeValue(d, depth+1); err != nil {
					return nil, err
				}
			}
			if _, err := d.Token(); err != nil { // '}'
				return nil, err
			}
			return obj, nil
		case '[':
			arr := []any{}
			for d.More() {
				v, err := decodeValue(d, depth+1)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			if _, err := d.Token(); err != nil { // ']'
				return nil, err
			}
			return arr, nil
		}
		return nil, fmt.Errorf("unexpected %v", tok)
	case json.Number:
		// The validator computes with schema numbers as exact rationals;
		// see numbers.go.
		if msg := numberProblem(string(tok)); msg != "" {
			return nil, fmt.Errorf("number %s: %s", truncate(string(tok)), msg)
		}
		return tok, nil
	default:
		return tok, nil // string, bool or nil
	}
}
