package audit

import (
	"strconv"
	"time"

	"github.com/otc-dev/otc/internal/jsonx"
)

// appendRecord appends rec as one JSON line, byte for byte what
// log/slog's JSONHandler wrote for it before this encoder replaced it (with
// the level left out): records written by earlier versions and by this one
// look the same to whoever parses the log. t is the record's time in UTC
// (none is written when it is zero) and client the client's name.
//
// slog formatted through an interface per field and allocated for the
// float; this writes into buf and allocates only when buf must grow, which
// for a stack buffer of a few hundred bytes is never. encode_test.go
// compares the two on many records and a fuzzer, so the format cannot drift.
func appendRecord(buf []byte, t time.Time, client string, rec *Record) []byte {
	buf = append(buf, '{')
	if !t.IsZero() {
		buf = append(buf, `"time":`...)
		buf = appendTime(buf, t)
		buf = append(buf, ',')
	}
	buf = append(buf, `"msg":"audit"`...)
	buf = appendField(buf, `,"client":`, client)
	buf = appendOptional(buf, `,"auth_method":`, rec.AuthMethod)
	buf = appendOptional(buf, `,"auth_failure":`, rec.AuthFailure)
	buf = appendField(buf, `,"source_ip":`, rec.SourceIP)
	buf = appendField(buf, `,"method":`, rec.Method)
	buf = appendField(buf, `,"path":`, rec.Path)
	buf = appendOptional(buf, `,"tool_id":`, rec.ToolID)
	buf = appendOptional(buf, `,"call_id":`, rec.CallID)
	buf = appendOptional(buf, `,"trace_id":`, rec.TraceID)
	buf = appendField(buf, `,"outcome":`, rec.Outcome)
	buf = append(buf, `,"status":`...)
	buf = strconv.AppendInt(buf, int64(rec.Status), 10)
	buf = append(buf, `,"duration_ms":`...)
	// As encoding/json writes a float64, which slog called for floats. It
	// is never NaN or infinite (a count of microseconds), so AppendFloat
	// always appends.
	buf, _ = jsonx.AppendFloat(buf, float64(rec.Duration.Microseconds())/1000)
	return append(buf, "}\n"...)
}

// appendField appends key and the JSON string of value, clipped.
func appendField(buf []byte, key, value string) []byte {
	buf = append(buf, key...)
	return appendString(buf, clip(value))
}

// appendOptional appends the field only when value is not empty.
func appendOptional(buf []byte, key, value string) []byte {
	if value == "" {
		return buf
	}
	return appendField(buf, key, value)
}

// appendTime appends t as slog does: RFC 3339 with nanoseconds, trailing
// zeros dropped, and an error string for years RFC 3339 cannot write.
func appendTime(buf []byte, t time.Time) []byte {
	if y := t.Year(); y < 0 || y >= 10000 {
		return appendString(buf, "!ERROR:time.Time year outside of range [0,9999]")
	}
	buf = append(buf, '"')
	buf = t.AppendFormat(buf, time.RFC3339Nano)
	return append(buf, '"')
}

// appendString appends s as log/slog's JSON handler writes it.
func appendString(buf []byte, s string) []byte {
	return jsonx.AppendString(buf, s, invalidUTF8)
}
