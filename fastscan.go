package otc

import "unicode/utf8"

// A small JSON scanner for the fast paths of input validation and typed
// decoding (fastvalidate.go, fastdecode.go). It reads the common shape of a
// tool's input, one object of scalar members, straight from the bytes, with
// no allocation. It is deliberately partial: whatever it does not handle
// exactly like encoding/json (escapes, invalid UTF-8, nesting, any syntax
// error) it reports as not ok, and the caller falls back to the full path,
// which then decides. So the scanner never needs to be right about bad
// input, only about good input.

// isSpace reports whether c is JSON white space (RFC 8259 §2). Not
// unicode.IsSpace: \v, \f and the like are syntax errors in JSON.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipSpace returns the index of the first byte at or after i that is not
// white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// scanString reads the JSON string that starts at b[i] == '"'. It returns
// the bytes between the quotes, the index after the closing quote, whether
// the string is plain (no escapes, valid UTF-8: the bytes are the decoded
// value), and ok false if there is no well-formed string there.
func scanString(b []byte, i int) (raw []byte, next int, plain, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false, false
	}
	start := i + 1
	plain = true
	ascii := true
	for j := start; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			raw = b[start:j]
			if !ascii && !utf8.Valid(raw) {
				plain = false // encoding/json replaces invalid bytes with U+FFFD
			}
			return raw, j + 1, plain, true
		case c == '\\':
			plain = false
			j++ // the escaped byte; \u's hex digits are ordinary bytes
			if j >= len(b) {
				return nil, j, false, false
			}
		case c < 0x20:
			return nil, j, false, false // control characters must be escaped
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, len(b), false, false
}

// scanNumber reads the JSON number that starts at b[i], strictly by the
// grammar of RFC 8259 §6 (strconv accepts more: hex, "Inf", underscores).
// It returns the literal, the index after it, whether it is written as a
// plain integer (no fraction, no exponent), and ok false if there is no
// well-formed number there.
func scanNumber(b []byte, i int) (lit []byte, next int, integer, ok bool) {
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = skipDigits(b, i)
	default:
		return nil, i, false, false
	}
	integer = true
	if i < len(b) && b[i] == '.' {
		integer = false
		d := skipDigits(b, i+1)
		if d == i+1 {
			return nil, i, false, false
		}
		i = d
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		integer = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := skipDigits(b, i)
		if d == i {
			return nil, i, false, false
		}
		i = d
	}
	return b[start:i], i, integer, true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// hasLiteral reports whether b holds the literal lit (true, false, null) at
// i.
func hasLiteral(b []byte, i int, lit string) bool {
	return len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit
}

// skipComposite skips the object or array that starts at b[i] ('{' or
// '['), and returns the index after it and ok. It checks nesting and
// strings only, not the full grammar: it is used to step over a value that
// already makes the input invalid, where a malformed value only makes it
// invalid twice over.
func skipComposite(b []byte, i int) (int, bool) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			_, next, _, ok := scanString(b, i)
			if !ok {
				return i, false
			}
			i = next
			continue
		case '{', '[':
			depth++
			if depth > maxSchemaDepth {
				return i, false
			}
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		}
		i++
	}
	return i, false
}
