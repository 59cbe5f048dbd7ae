package otc

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Numbers are checked before schema validation. The validator compares
// numbers as exact rationals (math/big), which is right for ordinary numbers
// but lets a short input do unbounded work: 1e999999 is six bytes of JSON
// and a three-million-bit integer, and multipleOf on it runs for seconds;
// beyond what big.Rat parses at all, the validator dereferences nil. So a
// number must fit a float64 (what any Go tool decodes it into anyway) and be
// written in at most maxNumberLength characters.

// maxNumberLength bounds the text of one JSON number.
const maxNumberLength = 256

// maxExponent bounds the decimal exponent as written; float64 spans about
// 10^-324 to 10^308, and a longer mantissa may shift that by at most
// maxNumberLength.
const maxExponent = 324 + maxNumberLength

// numberProblem returns what is wrong with the JSON number literal s, or "".
func numberProblem(s string) string {
	if len(s) > maxNumberLength {
		return "must be a number written in at most " + strconv.Itoa(maxNumberLength) + " characters"
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp := strings.TrimLeft(strings.TrimLeft(s[i+1:], "+-"), "0")
		if n, err := strconv.Atoi(exp); len(exp) > 4 || err == nil && n > maxExponent {
			return outOfRange
		}
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return outOfRange
	}
	return ""
}

const outOfRange = "must be a number within the range of a 64-bit floating-point value"

// checkNumbers reports every number in the decoded JSON value v (at
// location loc) that numberProblem refuses, and returns whether it found
// any. With p nil it only looks, and stops at the first: the common case of
// a clean input then costs no allocation.
func checkNumbers(v any, loc []string, p *problems) bool {
	found := false
	switch v := v.(type) {
	case json.Number:
		if msg := numberProblem(string(v)); msg != "" {
			if p != nil {
				p.add(loc, msg)
			}
			return true
		}
	case map[string]any:
		for k, e := range v {
			if checkNumbers(e, appendLoc(loc, k, p), p) {
				if p == nil {
					return true
				}
				found = true
			}
		}
	case []any:
		for i, e := range v {
			if checkNumbers(e, appendLoc(loc, strconv.Itoa(i), p), p) {
				if p == nil {
					return true
				}
				found = true
			}
		}
	}
	return found
}

// appendLoc extends a location, but only when it will be reported.
func appendLoc(loc []string, tok string, p *problems) []string {
	if p == nil {
		return nil
	}
	return append(loc, tok)
}
