package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Go's encoding/json matches names case-insensitively and keeps the last of
// duplicate names, so {"exp":1,"EXP":9999999999} decodes as a far-off expiry
// into a struct field Exp. A JWT's header and claims are decoded here
// instead: one JSON object, valid UTF-8, every name unique even ignoring
// case, at every depth, nothing after it (AUTHZ-3).

// maxJSONDepth bounds nesting in a token's JSON; real tokens are flat.
const maxJSONDepth = 16

var (
	errNotObject = errors.New("not a JSON object")
	errDuplicate = errors.New("duplicate or case-variant member name")
	errTooDeep   = errors.New("JSON nested too deeply")
	errBadUTF8   = errors.New("invalid UTF-8")
)

// decodeObject parses b as a single JSON object and returns its members.
func decodeObject(b []byte) (map[string]json.RawMessage, error) {
	if !utf8.Valid(b) {
		return nil, errBadUTF8
	}
	if !json.Valid(b) {
		return nil, errors.New("invalid JSON")
	}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, errNotObject
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := checkUnique(dec, 0); err != nil {
		if err == errDuplicate || err == errTooDeep {
			return nil, err
		}
		// Other decoder errors may quote input; keep to fixed text.
		return nil, errors.New("invalid JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return nil, errors.New("invalid JSON object")
	}
	return members, nil
}

// checkUnique reads one JSON value from dec and refuses duplicate or
// case-variant member names in every object within it.
func checkUnique(dec *json.Decoder, depth int) error {
	if depth > maxJSONDepth {
		return errTooDeep
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{':
		seen := map[string]bool{}
		for dec.More() {
			nameTok, err := dec.Token()
			if err != nil {
				return err
			}
			name, _ := nameTok.(string)
			f := foldName(name)
			if seen[f] {
				return errDuplicate
			}
			seen[f] = true
			if err := checkUnique(dec, depth+1); err != nil {
				return err
			}
		}
	case '[':
		for dec.More() {
			if err := checkUnique(dec, depth+1); err != nil {
				return err
			}
		}
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

// foldName maps s to a canonical form shared by exactly the strings that
// strings.EqualFold (and so encoding/json) treats as equal: each rune becomes
// the smallest rune of its Unicode case-folding orbit, so "exp", "EXP" and
// "ExP" (and "K" with the Kelvin sign K) collide.
func foldName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < m {
				m = f
			}
		}
		b.WriteRune(m)
	}
	return b.String()
}

// Bounds of a NumericDate: from the Unix epoch to the end of year 9999.
const maxNumericDate = 253402300799

// numericDate decodes a NumericDate claim. It must be a JSON number written
// as an integer: no string, no fraction, no exponent (RFC 7519 allows
// fractions; every mainstream library writes whole seconds, and accepting
// only those leaves no room for float rounding games). Out-of-range values
// are refused rather than saturated.
func numericDate(raw json.RawMessage) (int64, error) {
	s := string(raw)
	if s == "" || s == "null" {
		return 0, errors.New("not a number")
	}
	if s[0] == '"' {
		return 0, errors.New("a string, not a JSON number")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			if c == '-' && i == 0 {
				return 0, errors.New("negative")
			}
			return 0, errors.New("not an integer JSON number")
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > maxNumericDate {
		return 0, errors.New("out of range")
	}
	return n, nil
}

// jsonString decodes a claim that must be a JSON string.
func jsonString(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", errors.New("not a JSON string")
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", errors.New("not a JSON string")
	}
	return s, nil
}
