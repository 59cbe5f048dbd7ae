package server

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/internal/jsonx"
)

// The call path encodes its responses by hand: the shapes are fixed and
// small, and encoding/json would reflect over them, validate the tool's
// value a second time and escape HTML for no reader that needs it.

// appendResult appends the CallToolResponse JSON object of res (CALL-2,
// CALL-8..10). res.Value must be valid JSON (run checks it); it is
// compacted as it is copied. A response never carries both value and
// error (CALL-10): when Error is set the value is left out.
func appendResult(b []byte, res *otc.CallToolResponse) []byte {
	b = append(b, `{"call_id":`...)
	b = appendString(b, res.CallID)
	b = append(b, `,"duration":`...)
	b = strconv.AppendFloat(b, res.Duration, 'f', -1, 64)
	if res.Error != nil {
		b = append(b, `,"success":false,"error":`...)
		b = appendToolError(b, res.Error)
		return append(b, '}')
	}
	b = append(b, `,"success":true`...)
	if len(res.Value) > 0 && isCompact(res.Value) {
		// What json.Compact would copy unchanged: tools' values usually
		// come from json.Marshal, compact already.
		b = append(b, `,"value":`...)
		b = append(b, res.Value...)
	} else if len(res.Value) > 0 {
		b = append(b, `,"value":`...)
		buf := bytes.NewBuffer(b)
		if err := json.Compact(buf, res.Value); err != nil {
			// The caller checked the value; keep the output valid anyway.
			b = append(b[:len(b)-len(`,"value":`)], '}')
			return b
		}
		b = buf.Bytes()
	}
	return append(b, '}')
}

// isCompact reports whether the JSON text v has no white space between
// its tokens, which is all json.Compact removes.
func isCompact(v []byte) bool {
	inString := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if inString {
			switch c {
			case '\\':
				i++ // the escaped byte cannot end the string
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case ' ', '\t', '\n', '\r':
			return false
		}
	}
	return true
}

func appendToolError(b []byte, e *otc.ToolError) []byte {
	b = append(b, `{"message":`...)
	b = appendString(b, e.Message)
	if e.DeveloperMessage != "" {
		b = append(b, `,"developer_message":`...)
		b = appendString(b, e.DeveloperMessage)
	}
	b = append(b, `,"can_retry":`...)
	b = strconv.AppendBool(b, e.CanRetry)
	if e.AdditionalPromptContent != "" {
		b = append(b, `,"additional_prompt_content":`...)
		b = appendString(b, e.AdditionalPromptContent)
	}
	if e.RetryAfterMS > 0 {
		b = append(b, `,"retry_after_ms":`...)
		b = strconv.AppendInt(b, e.RetryAfterMS, 10)
	}
	return append(b, '}')
}

// appendEnvelope appends {"$schema": schema, "result": result} and a
// newline; result is a CallToolResponse object, fresh or stored.
func appendEnvelope(b []byte, schema string, result []byte) []byte {
	b = append(b, `{"$schema":`...)
	b = appendString(b, schema)
	b = append(b, `,"result":`...)
	b = append(b, result...)
	return append(b, '}', '\n')
}

// durationMS converts d to the milliseconds of CALL-8.
func durationMS(d time.Duration) float64 {
	if d < 0 {
		return 0
	}
	return float64(d) / float64(time.Millisecond)
}

// appendString appends s as encoding/json writes it, but for HTML
// characters, which it leaves alone.
func appendString(b []byte, s string) []byte {
	return jsonx.AppendString(b, s, jsonx.EscapedReplacement)
}
