package app

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/audit"
	"github.com/otc-dev/otc/auth"
	"github.com/otc-dev/otc/internal/config"
	"github.com/otc-dev/otc/netguard"
	"github.com/otc-dev/otc/ratelimit"
	"github.com/otc-dev/otc/server"
)

// buildHandler composes the protocol server and the middleware around it.
// This is the one place where the order of the chain is written:
//
//	close-after-Transfer-Encoding → request info → source address → metrics → audit → IP allowlist → routes
//	  /health, /openapi.json, /metrics: no authentication
//	  /tools, /tools/call: failed-auth limit → authentication → client rate limit → protocol
//
// The allowlist runs before anything reads a credential (AUTH-18); the
// failed-auth limit runs before authentication so that a locked-out source
// cannot keep guessing keys; the client limit runs after it, since it is
// keyed by the authenticated client.
func (a *app) buildHandler() error {
	cfg := a.cfg
	m := a.metrics
	limiter, err := a.limiter()
	if err != nil {
		return err
	}
	rlOpts := &ratelimit.Options{Observer: m, Logger: a.logger}

	var protect []func(http.Handler) http.Handler
	if !strings.EqualFold(cfg.AuthFailLimit, "off") && !cfg.Uses(config.MethodNone) {
		rule, err := ratelimit.ParseRule(cfg.AuthFailLimit, 0)
		if err != nil {
			return &config.Error{Setting: "auth-fail-limit", Err: fmt.Errorf("--auth-fail-limit: %w", err)}
		}
		protect = append(protect, ratelimit.AuthFailureLimit(limiter, rule, rlOpts))
	}
	protect = append(protect, a.authn.Middleware)
	rules, err := clientRules(cfg)
	if err != nil {
		return err
	}
	if rules != nil {
		protect = append(protect, ratelimit.ClientLimit(limiter, rules, rlOpts))
	}

	srv, err := server.New(server.Options{
		Registry:           a.registry,
		Store:              a.store,
		Logger:             a.logger,
		InstanceID:         a.instanceID,
		MaxBodyBytes:       int64(cfg.MaxBody),
		MaxJSONDepth:       cfg.MaxJSONDepth,
		CallTimeout:        cfg.CallTimeout,
		CallRetention:      cfg.CallRetention,
		ValidateOutput:     cfg.ValidateOutput,
		MaxConcurrentCalls: cfg.MaxConcurrentCalls,
		Protect:            chain(protect...),
		AuthMethods:        cfg.AuthMethods(),
		SecuritySchemes:    securitySchemes(a.authn),
		Observer:           m,
		DrainGrace:         cfg.DrainGrace,
	})
	if err != nil {
		return fmt.Errorf("protocol server: %w", err)
	}
	a.server = srv

	var mux http.Handler = srv.Handler()
	if cfg.Metrics && cfg.MetricsAddr == "" {
		mux = withMetricsRoute(mux, m.Handler())
	}

	allow, err := netguard.ParsePrefixes(strings.Join(cfg.IPAllow, ","))
	if err != nil {
		return &config.Error{Setting: "ip-allow", Err: fmt.Errorf("--ip-allow: %w", err)}
	}
	proxies, err := netguard.ParsePrefixes(strings.Join(cfg.TrustedProxies, ","))
	if err != nil {
		return &config.Error{Setting: "trusted-proxies", Err: fmt.Errorf("--trusted-proxies: %w", err)}
	}
	header, err := netguard.ParseHeader(cfg.ProxyHeader)
	if err != nil {
		return &config.Error{Setting: "proxy-header", Err: fmt.Errorf("--proxy-header: %w", err)}
	}
	auditLog, err := a.auditLogger()
	if err != nil {
		return err
	}
	outer := []func(http.Handler) http.Handler{
		// Also on /metrics, which shares the listener (the server has its own).
		netguard.CloseAfterTransferEncoding,
		netguard.RequestInfo,
		netguard.SourceAddress(&netguard.Resolver{TrustedProxies: proxies, Header: header}),
		m.Middleware,
		auditLog.Middleware,
	}
	if len(allow) > 0 {
		outer = append(outer, netguard.Allowlist(allow, &netguard.AllowlistOptions{Exempt: healthExempt(cfg.HealthPublic)}))
	}
	a.handler = chain(outer...)(mux)
	return nil
}

// withMetricsRoute serves GET (and HEAD) /metrics with metrics and
// everything else with next, the protocol server, whose own mux answers
// unknown paths and methods. A ServeMux with "/" and "GET /metrics" would
// do the same at a cost on every request: "/" matches every path only as a
// prefix, so the mux also tries the path with a slash added (a redirect
// check), allocating twice.
func withMetricsRoute(next, metrics http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			metrics.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// securitySchemes are the authenticator's own OpenAPI schemes, for the
// served document (AUTH-15); nil with --auth none, where there are none.
func securitySchemes(a *auth.Authenticator) map[string]any {
	schemes := a.SecuritySchemes()
	if len(schemes) == 0 {
		return nil
	}
	out := make(map[string]any, len(schemes))
	for name, s := range schemes {
		out[name] = s
	}
	return out
}

// healthExempt lets /health past the allowlist with --health-public.
func healthExempt(public bool) func(*http.Request) bool {
	if !public {
		return nil
	}
	return func(r *http.Request) bool { return r.URL.Path == "/health" }
}

// chain applies middleware so that the first one given is the outermost.
func chain(mw ...func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		for i := len(mw) - 1; i >= 0; i-- {
			h = mw[i](h)
		}
		return h
	}
}

// limiter returns the rate limiter: shared through Redis when the store is
// Redis (limits must hold across instances), in-process otherwise.
func (a *app) limiter() (ratelimit.Limiter, error) {
	if a.redis != nil {
		return a.redis.Limiter(), nil
	}
	return ratelimit.NewMemory(nil), nil
}

// clientRules returns the per-client rate rule: a config-file entry's own
// rate-limit for its key or audience, else --rate-limit. Nil means off.
func clientRules(cfg *config.Serve) (func(*otc.Caller) ratelimit.Rule, error) {
	var global ratelimit.Rule
	if cfg.RateLimit != "" && !strings.EqualFold(cfg.RateLimit, "off") {
		r, err := ratelimit.ParseRule(cfg.RateLimit, cfg.RateBurst)
		if err != nil {
			return nil, &config.Error{Setting: "rate-limit", Err: fmt.Errorf("--rate-limit: %w", err)}
		}
		global = r
	}
	perClient := map[string]ratelimit.Rule{}
	add := func(setting, name, limit string, burst int) error {
		if limit == "" {
			return nil
		}
		r, err := ratelimit.ParseRule(limit, burst)
		if err != nil {
			return &config.Error{Setting: setting, Err: fmt.Errorf("config file %s %q: rate-limit: %w", setting, name, err)}
		}
		perClient[name] = r
		return nil
	}
	for _, k := range cfg.APIKeys {
		if err := add("api-keys", k.Name, k.RateLimit, k.RateBurst); err != nil {
			return nil, err
		}
	}
	for _, aud := range cfg.Audiences {
		if err := add("audiences", aud.Name, aud.RateLimit, aud.RateBurst); err != nil {
			return nil, err
		}
	}
	if global.Rate <= 0 && len(perClient) == 0 {
		return nil, nil
	}
	return func(c *otc.Caller) ratelimit.Rule {
		if c == nil {
			return global
		}
		if r, ok := perClient[c.Name]; ok {
			return r
		}
		for _, aud := range c.Audience {
			if r, ok := perClient[aud]; ok {
				return r
			}
		}
		return global
	}, nil
}

// auditLogger opens --audit-log, or writes audit records to standard error.
func (a *app) auditLogger() (*audit.Logger, error) {
	if a.cfg.AuditLog == "" {
		return audit.New(a.stderr, &audit.Options{ErrorLog: a.logger}), nil
	}
	f, err := audit.OpenFile(a.cfg.AuditLog)
	if err != nil {
		return nil, &config.Error{Setting: "audit-log", Err: fmt.Errorf("--audit-log: %w", err)}
	}
	a.closers = append(a.closers, f.Close)
	return audit.New(f, &audit.Options{ErrorLog: a.logger}), nil
}
