// Package audit writes the audit log: one JSON line per authenticated
// request, per failed authentication, and per request refused by the IP
// allowlist or a rate limit, saying who did what from where, and how it
// ended (AUTH-18). Records carry identities, addresses, routes, tool and
// call ids and outcomes; never a credential, token, secret or tool input
// (REQ-5), which the Record type has no field for.
package audit

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Options configures New. A nil *Options means the zero value.
type Options struct {
	// Now returns the current time, for record times and durations. Nil
	// means time.Now.
	Now func() time.Time
	// AllRequests records every request the middleware sees, including
	// unauthenticated ones such as /health. The zero value records only
	// requests that authentication admitted or refused, and those refused
	// by the allowlist or a rate limit.
	AllRequests bool
	// ErrorLog receives a line when writing records starts failing, and
	// one when it works again. Nil means slog.Default().
	ErrorLog *slog.Logger
}

// Record is one audit record. Every string field is shortened to at most
// 256 bytes when written.
type Record struct {
	Time time.Time
	// Client is the authenticated client's name, or "anonymous".
	Client string
	// AuthMethod is the method that admitted the request, or the one tried
	// when authentication refused it; AuthFailure is the refusal's reason.
	AuthMethod  string
	AuthFailure string
	SourceIP    string
	Method      string
	// Path is the matched route pattern, or the request path (without its
	// query) when no route matched.
	Path string
	// ToolID is the resolved tool id; CallID and TraceID the call's ids.
	ToolID  string
	CallID  string
	TraceID string
	Outcome string
	Status  int
	// Duration is the time from the request to its response.
	Duration time.Duration
}

// Logger writes audit records as JSON lines to an io.Writer. It is safe for
// concurrent use: the writes of two records never interleave.
type Logger struct {
	out      *groupWriter
	now      func() time.Time
	all      bool
	errorLog *slog.Logger
	failing  atomic.Bool
}

// New returns a Logger writing to w (standard error, or a file from
// OpenFile). opts may be nil.
func New(w io.Writer, opts *Options) *Logger {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ErrorLog == nil {
		o.ErrorLog = slog.Default()
	}
	return &Logger{
		out:      newGroupWriter(w),
		now:      o.Now,
		all:      o.AllRequests,
		errorLog: o.ErrorLog,
	}
}

// Log writes rec as one JSON line, with rec.Time in UTC (now when zero).
// Empty optional fields (auth method and failure, tool, call and trace
// ids) are left out. It returns once the line was written, with the error
// of the write that carried it; lines of concurrent calls share writes.
func (l *Logger) Log(ctx context.Context, rec Record) error {
	t := rec.Time
	if t.IsZero() {
		t = l.now()
	}
	client := rec.Client
	if client == "" {
		client = "anonymous"
	}
	// A record is a few hundred bytes: encoding it into an array on the
	// stack allocates nothing unless a field is unusually long.
	var stack [768]byte
	err := l.out.writeLine(appendRecord(stack[:0], t.UTC(), client, &rec))
	l.reportWrite(err)
	return err
}

// reportWrite logs when writing starts failing and when it recovers, not
// on every record: a full disk fails every write.
func (l *Logger) reportWrite(err error) {
	if err != nil {
		if !l.failing.Swap(true) {
			l.errorLog.Error("audit: cannot write audit records", "err", err)
		}
		return
	}
	if l.failing.Swap(false) {
		l.errorLog.Info("audit: writing audit records again")
	}
}

// maxField bounds each string field, so that a client-chosen value (a call
// id, a path) cannot make records arbitrarily large.
const maxField = 256

// clip shortens s to maxField bytes without splitting a UTF-8 sequence.
func clip(s string) string {
	if len(s) <= maxField {
		return s
	}
	end := maxField
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[:end] + "..."
}
