package server

import "bytes"

// isCanonical reports whether data, which validateJSON accepted, is
// already what canonicalJSON would make of it, byte for byte: no white
// space between tokens, the members of every object in ascending key
// order, and no string that re-encoding would spell differently. Clients
// usually send inputs in that form ({"a":1,"b":2}); recognising it saves
// decoding the input into maps and encoding it again on every call that
// carries a call_id.
//
// It is conservative: any escape in a string, or U+2028 or U+2029 (which
// encoding/json escapes), sends the input the long way, which is always
// right.
func isCanonical(data []byte) bool {
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case inString && c == '"':
			inString = false
		case inString && c == '\\':
			return false
		case inString && c == 0xE2 && i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xA8 || data[i+2] == 0xA9):
			return false
		case inString:
		case c == '"':
			inString = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return false
		}
	}
	return sortedKeys(data)
}

// sortedKeys reports whether every object in the value v has its members
// in strictly ascending byte order of their keys, as encoding/json writes
// a map. Keys hold no escapes here (isCanonical checked), so their raw
// bytes are the strings compared.
func sortedKeys(v []byte) bool {
	switch v[0] {
	case '{':
		var prev []byte
		first := true
		for it := members(v); it.next(); {
			if !first && bytes.Compare(prev, it.key) >= 0 {
				return false
			}
			prev, first = it.key, false
			if !sortedKeys(it.value) {
				return false
			}
		}
	case '[':
		for it := elements(v); it.next(); {
			if !sortedKeys(it.value) {
				return false
			}
		}
	}
	return true
}
