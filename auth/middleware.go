package auth

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/internal/httperr"
	"github.com/otc-dev/otc/internal/reqinfo"
)

// Middleware returns next behind authentication. An admitted request
// reaches next with its *otc.Caller in the context (otc.WithCaller) and in
// reqinfo.Info.Caller. A refused one never reaches next: it gets a 401 with
// challenges, Cache-Control: no-store and a JSON body naming the kind of
// failure (AUTHZ-6); its method and reason go to reqinfo.Info, the
// FailureObserver and one log line. The server applies it to GET /tools and
// POST /tools/call only, never to /health (HEALTH-1).
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, err := a.Authenticate(r)
		if err != nil {
			a.refuse(w, r, err)
			return
		}
		ctx := otc.WithCaller(r.Context(), caller)
		reqinfo.From(ctx).Caller = caller
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// refuse answers a request that Authenticate did not admit.
func (a *Authenticator) refuse(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	info := reqinfo.From(ctx)
	var f *Failure
	if !errors.As(err, &f) {
		// The replay cache failed: not the client's fault, so neither a 401
		// nor a failed authentication for the limiter.
		a.logger.LogAttrs(ctx, slog.LevelError, "authentication unavailable",
			slog.String("client_ip", info.ClientIP), slog.String("error", err.Error()))
		w.Header().Set("Cache-Control", "no-store")
		httperr.Write(w, "", err)
		return
	}
	method := string(f.Method)
	if method == "" {
		method = a.methodsLabel()
	}
	info.AuthMethod = method
	info.AuthFailure = string(f.Reason)
	if a.observer != nil {
		a.observer.AuthFailed(method, string(f.Reason))
	}
	attrs := []slog.Attr{
		slog.String("method", method),
		slog.String("reason", string(f.Reason)),
		slog.String("client_ip", info.ClientIP),
		slog.String("path", r.URL.Path),
	}
	if f.Err != nil {
		attrs = append(attrs, slog.String("detail", f.Err.Error()))
	}
	a.logger.LogAttrs(ctx, slog.LevelWarn, "authentication failed", attrs...)

	h := w.Header()
	for _, m := range a.methods {
		c := challenge(m)
		if m == MethodJWT && f.bearer {
			// RFC 6750 §3.1: a token was presented and refused.
			c += `, error="invalid_token", error_description="` + f.Description() + `"`
		}
		h.Add("WWW-Authenticate", c)
	}
	h.Set("Cache-Control", "no-store")
	httperr.Write(w, "", &otc.Error{
		Code:             otc.CodeUnauthenticated,
		Message:          "Authentication failed: " + f.Description(),
		DeveloperMessage: a.hint(f),
		Err:              f,
	})
}

// hint is the developer_message of a 401: the reason word and what the
// server accepts. Fixed text only: no request data, no stored value.
func (a *Authenticator) hint(f *Failure) string {
	var accepted []string
	for _, m := range a.methods {
		switch m {
		case MethodAPIKey:
			accepted = append(accepted, "an API key in the OTC-API-Key header")
		case MethodJWT:
			accepted = append(accepted, "an HS256 JWT as Authorization: Bearer")
		case MethodMTLS:
			accepted = append(accepted, "a client certificate")
		}
	}
	return "reason: " + string(f.Reason) + "; this server accepts " + strings.Join(accepted, ", or ") + "."
}

// methodsLabel names the configured methods together, for a refusal that
// no single method's credential caused: a short, bounded label.
func (a *Authenticator) methodsLabel() string {
	s := make([]string, len(a.methods))
	for i, m := range a.methods {
		s[i] = string(m)
	}
	return strings.Join(s, "+")
}
