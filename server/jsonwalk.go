package server

import (
	"unicode/utf8"
)

// The helpers in this file read JSON that validateJSON has accepted. They
// do not check syntax again: on such input they cannot fail, and they never
// index past the end of what they are given.
//
// Why not decode the envelope with encoding/json? It matches object keys to
// struct fields case-insensitively ({"TOOL_ID": ...} fills ToolID) and has
// no way to reject that, and its DisallowUnknownFields cannot express "the
// context object may carry extra fields but they must not be mistaken for
// known ones". Walking members by exact key says precisely what we accept.

// members iterates over the members of a validated JSON object:
//
//	it := members(obj)
//	for it.next() {
//		switch string(it.key) { ... it.value ... }
//	}
//
// key is the member name unescaped, and value its raw JSON; both are valid
// until the next call of next. An iterator rather than a callback keeps
// the decoder free of closures, which would escape to the heap.
type memberIter struct {
	data       []byte
	i          int
	key, value []byte
	scratch    []byte
}

func members(obj []byte) memberIter {
	return memberIter{data: obj, i: skipSpace(obj, 0) + 1} // past '{'
}

func (it *memberIter) next() bool {
	d := it.data
	i := skipSpace(d, it.i)
	if i < len(d) && d[i] == ',' {
		i = skipSpace(d, i+1)
	}
	if i >= len(d) || d[i] != '"' {
		return false // '}' or the end
	}
	end := skipString(d, i)
	it.key = d[i+1 : end-1]
	if hasBackslash(it.key) {
		it.scratch = appendUnescaped(it.scratch[:0], it.key)
		it.key = it.scratch
	}
	i = skipSpace(d, skipSpace(d, end)+1) // past ':'
	vend := skipValue(d, i)
	if vend == i {
		return false // not reached on validated input
	}
	it.value = d[i:vend]
	it.i = vend
	return true
}

// elements iterates over the elements of a validated JSON array, as
// members does over an object's members.
type elementIter struct {
	data  []byte
	i     int
	n     int // index of value
	value []byte
}

func elements(arr []byte) elementIter {
	return elementIter{data: arr, i: skipSpace(arr, 0) + 1, n: -1} // past '['
}

func (it *elementIter) next() bool {
	d := it.data
	i := skipSpace(d, it.i)
	if i < len(d) && d[i] == ',' {
		i = skipSpace(d, i+1)
	}
	if i >= len(d) || d[i] == ']' {
		return false
	}
	end := skipValue(d, i)
	if end == i {
		return false // not reached on validated input
	}
	it.value, it.i = d[i:end], end
	it.n++
	return true
}

// skipValue returns the index just past the value that starts at data[i].
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				i = skipString(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	// A number or a literal runs to the next delimiter.
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// skipString returns the index just past the string that starts at data[i].
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++ // the escaped character; \uXXXX digits are plain bytes
		case '"':
			return i + 1
		}
	}
	return i
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func hasBackslash(b []byte) bool {
	for _, c := range b {
		if c == '\\' {
			return true
		}
	}
	return false
}

// jsonString returns the string value raw holds, and false when raw is not
// a JSON string (a number, null, an object...).
func jsonString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	content := raw[1 : len(raw)-1]
	if !hasBackslash(content) {
		return string(content), true
	}
	return string(appendUnescaped(nil, content)), true
}

// appendUnescaped appends the characters that the escaped string content s
// (validated, without its quotes) stands for.
func appendUnescaped(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		if i >= len(s) {
			break
		}
		switch s[i] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			if i+4 >= len(s) {
				return dst
			}
			r, _ := hex4(s[i+1:])
			i += 4
			// validateJSON admits a high surrogate only when a low one follows.
			if r >= 0xD800 && r <= 0xDBFF && i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
				lo, _ := hex4(s[i+3:])
				r = (r-0xD800)<<10 | (lo - 0xDC00) + 0x10000
				i += 6
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, s[i])
		}
	}
	return dst
}
