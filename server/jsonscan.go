package server

import (
	"strconv"
	"sync"
	"unicode/utf8"
)

// JSONError reports why a request body is not acceptable JSON: a syntax
// error, invalid UTF-8, a duplicate or case-variant object key, or nesting
// beyond the limit. It names a byte offset, never the offending text, so
// that no part of a tool input reaches an error message or a log (REQ-5).
type JSONError struct {
	// Offset is the byte offset in the body where the problem was found.
	Offset int
	// Reason says what is wrong, in a few words.
	Reason string
}

// Error returns "invalid JSON at byte N: reason".
func (e *JSONError) Error() string {
	return "invalid JSON at byte " + strconv.Itoa(e.Offset) + ": " + e.Reason
}

// validateJSON checks that data is exactly one JSON value (RFC 8259) and
// that it meets the stricter rules of the protocol boundary, in one pass:
//
//   - strings are valid UTF-8, and \u escapes do not encode lone surrogates;
//   - no object has two keys that are equal or differ only in letter case
//     (Unicode simple folding, the matching that encoding/json applies to
//     struct fields), anywhere in the document;
//   - containers nest at most maxDepth deep;
//   - nothing but white space follows the value.
//
// Its buffers come from a pool, so it allocates only when a document
// needs more room for keys than earlier ones did.
func validateJSON(data []byte, maxDepth int) error {
	v := validatorPool.Get().(*jsonValidator)
	defer v.release()
	v.data, v.pos, v.maxDepth, v.depth = data, 0, maxDepth, 0
	v.skipSpace()
	if v.pos == len(v.data) {
		return v.fail("the body is empty")
	}
	if err := v.value(); err != nil {
		return err
	}
	v.skipSpace()
	if v.pos != len(v.data) {
		return v.fail("unexpected data after the JSON value")
	}
	return nil
}

// validatorPool keeps validators with their key buffers, so that the call
// path does not grow them anew for every request.
var validatorPool = sync.Pool{New: func() any { return new(jsonValidator) }}

// release empties v and returns it to the pool, unless a hostile document
// grew its buffers large.
func (v *jsonValidator) release() {
	if cap(v.folded) > 64<<10 || cap(v.spans) > 4096 || cap(v.frames) > 1024 {
		return
	}
	for i, f := range v.frames[:cap(v.frames)] {
		if len(f.keys) > 1024 {
			v.frames[:cap(v.frames)][i].keys = nil
		}
	}
	v.data = nil
	v.folded, v.spans, v.frames, v.scratch = v.folded[:0], v.spans[:0], v.frames[:0], v.scratch[:0]
	validatorPool.Put(v)
}

// jsonValidator is the state of one validateJSON: a recursive descent
// over data, bounded by maxDepth.
type jsonValidator struct {
	data     []byte
	pos      int
	maxDepth int
	depth    int

	// folded holds the case-folded keys of every open object, one after
	// another; spans locates each key in it, and frames says where each
	// open object's keys begin. Closing an object truncates both.
	folded  []byte
	spans   []keySpan
	frames  []objectFrame
	scratch []byte // unescaped key, reused
}

func (v *jsonValidator) fail(reason string) error {
	return &JSONError{Offset: v.pos, Reason: reason}
}

func (v *jsonValidator) skipSpace() {
	for v.pos < len(v.data) {
		switch v.data[v.pos] {
		case ' ', '\t', '\n', '\r':
			v.pos++
		default:
			return
		}
	}
}

func (v *jsonValidator) value() error {
	if v.pos >= len(v.data) {
		return v.fail("unexpected end of input")
	}
	switch c := v.data[v.pos]; {
	case c == '{':
		return v.object()
	case c == '[':
		return v.array()
	case c == '"':
		_, _, err := v.str()
		return err
	case c == 't':
		return v.literal("true")
	case c == 'f':
		return v.literal("false")
	case c == 'n':
		return v.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return v.number()
	}
	return v.fail("invalid character")
}

func (v *jsonValidator) literal(word string) error {
	if len(v.data)-v.pos < len(word) || string(v.data[v.pos:v.pos+len(word)]) != word {
		return v.fail("invalid literal")
	}
	v.pos += len(word)
	return nil
}

func (v *jsonValidator) number() error {
	d, i := v.data, v.pos
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	default:
		v.pos = i
		return v.fail("invalid number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || !isDigit(d[i]) {
			v.pos = i
			return v.fail("invalid number: no digit after the decimal point")
		}
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || !isDigit(d[i]) {
			v.pos = i
			return v.fail("invalid number: no digit in the exponent")
		}
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	}
	v.pos = i
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// str checks the string starting at v.pos (an opening quote) and returns
// its content between the quotes, still escaped, and whether it holds any
// escape.
func (v *jsonValidator) str() (content []byte, escaped bool, err error) {
	d := v.data
	start := v.pos + 1
	i := start
	for {
		// Fast path over plain ASCII.
		for i < len(d) && d[i] >= 0x20 && d[i] < utf8.RuneSelf && d[i] != '"' && d[i] != '\\' {
			i++
		}
		if i >= len(d) {
			v.pos = i
			return nil, false, v.fail("unterminated string")
		}
		switch c := d[i]; {
		case c == '"':
			v.pos = i + 1
			return d[start:i], escaped, nil
		case c == '\\':
			escaped = true
			n, reason := checkEscape(d[i:])
			if reason != "" {
				v.pos = i
				return nil, false, v.fail(reason)
			}
			i += n
		case c < 0x20:
			v.pos = i
			return nil, false, v.fail("control character in string")
		default:
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size == 1 {
				v.pos = i
				return nil, false, v.fail("invalid UTF-8")
			}
			i += size
		}
	}
}

// checkEscape checks the escape sequence at the start of s (s[0] is a
// backslash) and returns its length, or a reason it is invalid. A \u escape
// of a high surrogate must be followed by one of a low surrogate: a lone
// surrogate is not a character, and decoders disagree on what it becomes.
func checkEscape(s []byte) (int, string) {
	if len(s) < 2 {
		return 0, "unterminated escape"
	}
	switch s[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, ""
	case 'u':
	default:
		return 0, "invalid escape"
	}
	r, ok := hex4(s[2:])
	if !ok {
		return 0, "invalid \\u escape"
	}
	switch {
	case r >= 0xDC00 && r <= 0xDFFF:
		return 0, "lone surrogate in \\u escape"
	case r >= 0xD800 && r <= 0xDBFF:
		if len(s) < 12 || s[6] != '\\' || s[7] != 'u' {
			return 0, "lone surrogate in \\u escape"
		}
		lo, ok := hex4(s[8:])
		if !ok || lo < 0xDC00 || lo > 0xDFFF {
			return 0, "lone surrogate in \\u escape"
		}
		return 12, ""
	}
	return 6, ""
}

// hex4 decodes four hex digits at the start of s.
func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

func (v *jsonValidator) enter() error {
	v.depth++
	if v.depth > v.maxDepth {
		return v.fail("nested deeper than " + strconv.Itoa(v.maxDepth) + " levels")
	}
	v.pos++ // the opening bracket
	return nil
}

func (v *jsonValidator) array() error {
	if err := v.enter(); err != nil {
		return err
	}
	v.skipSpace()
	if v.pos < len(v.data) && v.data[v.pos] == ']' {
		v.pos++
		v.depth--
		return nil
	}
	for {
		v.skipSpace()
		if err := v.value(); err != nil {
			return err
		}
		v.skipSpace()
		if v.pos >= len(v.data) {
			return v.fail("unexpected end of input in array")
		}
		switch v.data[v.pos] {
		case ',':
			v.pos++
		case ']':
			v.pos++
			v.depth--
			return nil
		default:
			return v.fail("expected ',' or ']' in array")
		}
	}
}

func (v *jsonValidator) object() error {
	if err := v.enter(); err != nil {
		return err
	}
	v.pushFrame()
	v.skipSpace()
	if v.pos < len(v.data) && v.data[v.pos] == '}' {
		v.pos++
		v.closeObject()
		return nil
	}
	for {
		v.skipSpace()
		if v.pos >= len(v.data) || v.data[v.pos] != '"' {
			return v.fail("expected a string as object key")
		}
		keyPos := v.pos
		content, escaped, err := v.str()
		if err != nil {
			return err
		}
		if escaped {
			v.scratch = appendUnescaped(v.scratch[:0], content)
			content = v.scratch
		}
		if !v.addKey(content) {
			v.pos = keyPos
			return v.fail("duplicate object key (keys must differ by more than letter case)")
		}
		v.skipSpace()
		if v.pos >= len(v.data) || v.data[v.pos] != ':' {
			return v.fail("expected ':' after object key")
		}
		v.pos++
		v.skipSpace()
		if err := v.value(); err != nil {
			return err
		}
		v.skipSpace()
		if v.pos >= len(v.data) {
			return v.fail("unexpected end of input in object")
		}
		switch v.data[v.pos] {
		case ',':
			v.pos++
		case '}':
			v.pos++
			v.closeObject()
			return nil
		default:
			return v.fail("expected ',' or '}' in object")
		}
	}
}
