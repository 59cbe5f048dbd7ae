package audit

import (
	"net/http"

	"github.com/otc-dev/otc/internal/httpx"
	"github.com/otc-dev/otc/internal/reqinfo"
)

// Middleware writes the audit record of each request after its response.
// It goes outside the router and the guards (right after
// netguard.SourceAddress), and reads what the inner layers recorded in
// reqinfo.Info: the caller, the authentication failure, the tool and call
// ids, the outcome and the route. Which requests get a record is set by
// Options.AllRequests.
//
// A handler that panics is recorded with status 500 (unless it had sent a
// status) and outcome "panic"; the panic goes on unchanged.
func (l *Logger) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := l.now()
		r, info := httpx.EnsureInfo(r)
		sw := httpx.NewStatusWriter(w)
		returned := false
		defer func() {
			if !l.all && !audited(info) {
				return
			}
			status := sw.Status()
			outcome := info.Outcome
			if !returned {
				if status == 0 {
					status = http.StatusInternalServerError
				}
				if outcome == "" {
					outcome = "panic"
				}
			}
			if status == 0 {
				status = http.StatusOK
			}
			if outcome == "" {
				outcome = outcomeOf(status)
			}
			rec := Record{
				Time:        start,
				AuthMethod:  info.AuthMethod,
				AuthFailure: info.AuthFailure,
				SourceIP:    info.ClientIP,
				Method:      r.Method,
				Path:        pathOf(r, info),
				ToolID:      info.ToolID,
				CallID:      info.CallID,
				TraceID:     info.TraceID,
				Outcome:     outcome,
				Status:      status,
				Duration:    l.now().Sub(start),
			}
			if c := info.Caller; c != nil {
				rec.Client, rec.AuthMethod = c.Name, c.Method
			}
			// A failed write is reported by Log itself; the response is
			// already on its way and cannot be changed.
			_ = l.Log(r.Context(), rec)
		}()
		next.ServeHTTP(sw, r)
		returned = true
	})
}

// audited reports whether a request gets a record by default: it met
// authentication, or a guard in front of it refused it.
func audited(info *reqinfo.Info) bool {
	return info.Caller != nil || info.AuthFailure != "" ||
		info.Outcome == "forbidden" || info.Outcome == "rate_limited"
}

// pathOf returns the matched route pattern, or the request's path when no
// route matched. The query string is never recorded: clients have been known
// to put keys there.
func pathOf(r *http.Request, info *reqinfo.Info) string {
	if info.Route != "" {
		return info.Route
	}
	if r.Pattern != "" {
		return r.Pattern
	}
	return r.URL.Path
}

// outcomeOf names the outcome of a request whose layers named none.
func outcomeOf(status int) string {
	switch {
	case status < 400:
		return "ok"
	case status == http.StatusUnauthorized:
		return "unauthenticated"
	case status == http.StatusForbidden:
		return "forbidden"
	case status == http.StatusTooManyRequests:
		return "rate_limited"
	case status < 500:
		return "client_error"
	}
	return "server_error"
}
