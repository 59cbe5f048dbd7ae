// Package jsonx appends JSON text by hand on hot paths (call responses, audit
// records) where encoding/json's reflection and allocations would dominate.
package jsonx

import (
	"math"
	"strconv"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Replacement texts for a byte of invalid UTF-8 in AppendString.
const (
	// EscapedReplacement is what encoding/json writes: the escape \ufffd.
	EscapedReplacement = `\ufffd`
	// RawReplacement is U+FFFD itself, as encoding/json/v2 (and log/slog
	// built with it) writes.
	RawReplacement = "\ufffd"
)

// AppendString appends s to b as a JSON string: quotes, backslashes and
// control characters escaped (\n, \r, \t by name, others as \u00XX), U+2028
// and U+2029 escaped (they end lines in JavaScript), and each byte of invalid
// UTF-8 replaced by invalid (EscapedReplacement or RawReplacement), as the
// encoder being matched does. HTML characters are not escaped.
func AppendString(b []byte, s, invalid string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, invalid...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendFloat appends f as encoding/json writes a float64: ES6 number
// formatting, with an exponent only below 1e-6 or from 1e21 in magnitude,
// written e-7 rather than e-07. It reports false, appending nothing, for NaN
// and infinities, which encoding/json refuses with an error.
func AppendFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}
