package audit

import (
	"bytes"
	"context"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// slogLine is how records were written before appendRecord: through
// log/slog's JSONHandler, level left out. appendRecord must match it byte
// for byte, so that the format of the audit log cannot drift.
func slogLine(t *testing.T, tm time.Time, client string, rec *Record) string {
	t.Helper()
	var out bytes.Buffer
	h := slog.NewJSONHandler(&out, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.LevelKey {
				return slog.Attr{}
			}
			return a
		},
	})
	optional := func(r *slog.Record, key, value string) {
		if value != "" {
			r.AddAttrs(slog.String(key, clip(value)))
		}
	}
	r := slog.NewRecord(tm, slog.LevelInfo, "audit", 0)
	r.AddAttrs(slog.String("client", clip(client)))
	optional(&r, "auth_method", rec.AuthMethod)
	optional(&r, "auth_failure", rec.AuthFailure)
	r.AddAttrs(
		slog.String("source_ip", clip(rec.SourceIP)),
		slog.String("method", clip(rec.Method)),
		slog.String("path", clip(rec.Path)),
	)
	optional(&r, "tool_id", rec.ToolID)
	optional(&r, "call_id", rec.CallID)
	optional(&r, "trace_id", rec.TraceID)
	r.AddAttrs(
		slog.String("outcome", clip(rec.Outcome)),
		slog.Int("status", rec.Status),
		slog.Float64("duration_ms", float64(rec.Duration.Microseconds())/1000),
	)
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatalf("slog: %v", err)
	}
	return out.String()
}

// when is the time of most test records.
var when = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// checkSameAsSlog fails when appendRecord and slog write rec differently.
func checkSameAsSlog(t *testing.T, tm time.Time, client string, rec *Record) {
	t.Helper()
	want := slogLine(t, tm, client, rec)
	got := string(appendRecord(nil, tm, client, rec))
	if got != want {
		t.Fatalf("record %#v at %v: line differs from slog's (-slog +ours):\n%s", rec, tm, cmp.Diff(want, got))
	}
}

// OTC: AUTH-18 (the audit log's format is unchanged)
func TestAppendRecordMatchesSlog(t *testing.T) {
	full := Record{
		Client: "alice", AuthMethod: "jwt", AuthFailure: "expired", SourceIP: "2001:db8::1",
		Method: "POST", Path: "POST /tools/call", ToolID: "Calculator.Add@1.0.0",
		CallID: "c-1", TraceID: "tr-9", Outcome: "success", Status: 200, Duration: 1500 * time.Microsecond,
	}
	with := func(f func(*Record)) *Record { r := full; f(&r); return &r }
	var allBytes, allASCII strings.Builder
	for c := range 256 {
		allBytes.WriteByte(byte(c))
	}
	for c := range 128 {
		allASCII.WriteByte(byte(c))
	}
	tests := []struct {
		name   string
		time   time.Time
		client string
		rec    *Record
	}{
		{"full", when, "alice", &full},
		{"no optional fields", when, "anonymous", &Record{Method: "GET", Path: "/health", Outcome: "ok", Status: 200}},
		{"zero record", when, "anonymous", &Record{}},
		{"zero time", time.Time{}, "anonymous", &full},
		{"nanoseconds", when.Add(123456789), "a", &full},
		{"trailing zeros", when.Add(120 * time.Millisecond), "a", &full},
		{"year 9999", time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), "a", &full},
		{"year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "a", &full},
		{"year -1", time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), "a", &full},
		{"quotes and backslashes", when, `a"b\c`, with(func(r *Record) { r.Path = `/x"y\z\"` })},
		{"every ASCII byte", when, allASCII.String(), with(func(r *Record) { r.CallID = allASCII.String() })},
		{"every byte", when, allBytes.String(), with(func(r *Record) { r.TraceID = allBytes.String() })},
		{"HTML", when, "<script>&amp;</script>", &full},
		{"unicode", when, "é世界😀\uFFFD\u2028\u2029\u00ad\ufeff", &full},
		{"invalid UTF-8", when, "a\xffb\xc3(\xe2\x82\xf0\x9f\x98", with(func(r *Record) { r.ToolID = "\xed\xa0\x80" })},
		{"clipped two-byte runes", when, strings.Repeat("é", 300), with(func(r *Record) { r.CallID = strings.Repeat("é", 300) })},
		{"clipped with escapes", when, strings.Repeat(`"`, 300), with(func(r *Record) { r.Path = strings.Repeat("\n", 257) })},
		{"long ASCII", when, strings.Repeat("a", 256), with(func(r *Record) { r.SourceIP = strings.Repeat("b", 257) })},
		{"negative status", when, "a", with(func(r *Record) { r.Status = -1 })},
		{"negative duration", when, "a", with(func(r *Record) { r.Duration = -2500 * time.Microsecond })},
		{"sub-microsecond duration", when, "a", with(func(r *Record) { r.Duration = 999 })},
		{"smallest duration", when, "a", with(func(r *Record) { r.Duration = time.Microsecond })},
		{"longest duration", when, "a", with(func(r *Record) { r.Duration = time.Duration(1<<63 - 1) })},
		{"shortest duration", when, "a", with(func(r *Record) { r.Duration = time.Duration(-1 << 63) })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSameAsSlog(t, tt.time, tt.client, tt.rec)
		})
	}
}

// Random records from an alphabet of the characters that need care.
func TestAppendRecordMatchesSlogRandom(t *testing.T) {
	alphabet := []string{"a", "Z", "0", " ", `"`, `\`, "/", "<", ">", "&", "\x00", "\x1f", "\t", "\n", "\r",
		"\x7f", "\x80", "\xff", "\xc3", "é", "世", "😀", "\u2028", "\u2029", "\uFFFD", "\xf0\x9f"}
	rng := rand.New(rand.NewPCG(1, 2))
	str := func() string {
		var b strings.Builder
		for range rng.IntN(300) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		if rng.IntN(4) == 0 {
			return ""
		}
		return b.String()
	}
	for range 2000 {
		rec := Record{AuthMethod: str(), AuthFailure: str(), SourceIP: str(), Method: str(), Path: str(),
			ToolID: str(), CallID: str(), TraceID: str(), Outcome: str(),
			Status: rng.IntN(1000) - 100, Duration: time.Duration(rng.Int64N(1<<40) - 1<<39)}
		tm := time.Unix(rng.Int64N(1<<35), rng.Int64N(1e9)).UTC()
		checkSameAsSlog(t, tm, str(), &rec)
	}
}

func FuzzAppendRecord(f *testing.F) {
	f.Add("alice", "POST /tools/call", "c-1", int64(1500000), 200, int64(1772600767))
	f.Add("\xff\"\\\n\u2028", "/x?\x00", "é", int64(-5), -1, int64(-62135596800))
	f.Add("", "", "", int64(0), 0, int64(253402300800))
	f.Fuzz(func(t *testing.T, client, path, callID string, d int64, status int, unix int64) {
		rec := Record{Path: path, CallID: callID, TraceID: client + path, Status: status,
			Duration: time.Duration(d), Outcome: "ok", Method: "GET"}
		checkSameAsSlog(t, time.Unix(unix, d&0x3fffffff).UTC(), client, &rec)
		if line := appendRecord(nil, when, client, &rec); !utf8.Valid(line) {
			t.Errorf("line is not valid UTF-8: %q", line)
		}
	})
}

func BenchmarkAppendRecord(b *testing.B) {
	rec := Record{Client: "billing-agent", AuthMethod: "jwt", SourceIP: "192.0.2.10", Method: "POST",
		Path: "POST /tools/call", ToolID: "Calculator.Add@1.0.0", CallID: "7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f",
		Outcome: "success", Status: 200, Duration: 137 * time.Microsecond}
	buf := make([]byte, 0, 768)
	b.ReportAllocs()
	for b.Loop() {
		buf = appendRecord(buf[:0], when, rec.Client, &rec)
	}
}
