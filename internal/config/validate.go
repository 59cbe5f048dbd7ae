package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
)

// Auth method names.
const (
	MethodNone   = "none"
	MethodAPIKey = "api_key"
	MethodJWT    = "jwt"
	MethodMTLS   = "mtls"
)

// Validate checks the settings that need nothing but themselves. Checks that
// need a package (key lengths, toolkit names, CIDRs, rate rules) are made
// where the package is set up, and are *Error too.
func (c *Serve) Validate() error {
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, &Error{Setting: setting, Err: fmt.Errorf("--"+setting+": "+format, args...)})
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		bad("addr", "want host:port, e.g. 127.0.0.1:8080")
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			bad("metrics-addr", "want host:port")
		}
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		bad("log-format", "want text or json")
	}
	if _, err := c.SlogLevel(); err != nil {
		bad("log-level", "want debug, info, warn or error")
	}
	methods := c.AuthMethods()
	seen := map[string]bool{}
	for _, m := range methods {
		switch m {
		case MethodNone, MethodAPIKey, MethodJWT, MethodMTLS:
		default:
			bad("auth", "unknown method %q (want none, api_key, jwt or mtls)", m)
		}
		if seen[m] {
			bad("auth", "method %q given twice", m)
		}
		seen[m] = true
	}
	if len(methods) == 0 {
		bad("auth", "give at least one method, or none")
	}
	if seen[MethodNone] && len(methods) > 1 {
		bad("auth", "none cannot be combined with other methods")
	}
	if seen[MethodMTLS] && c.TLSClientCA == "" {
		bad("auth", "mtls needs --tls-client-ca")
	}
	// Secure by default (AUTH-1, AUTH-5): the two ways to expose a server
	// without protection must be asked for by name.
	if seen[MethodNone] && !IsLoopback(c.Addr) && !c.AllowUnauthenticated {
		bad("auth", "none on %s, which is not a loopback address, lets anyone on the network call tools; add --allow-unauthenticated if that is what you want", c.Addr)
	}
	if seen[MethodAPIKey] && c.TLSCert == "" && !IsLoopback(c.Addr) && !c.InsecureHTTP {
		bad("auth", "api_key on plain HTTP at %s, which is not a loopback address, would send keys in clear text (AUTH-5); configure --tls-cert/--tls-key, or add --insecure-http behind a TLS-terminating proxy", c.Addr)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		bad("tls-cert", "--tls-cert and --tls-key go together")
	}
	if c.TLSClientCA != "" && c.TLSCert == "" {
		bad("tls-client-ca", "client certificates need TLS: give --tls-cert and --tls-key")
	}
	for name, v := range map[string]int{"max-json-depth": c.MaxJSONDepth, "max-concurrent-calls": c.MaxConcurrentCalls,
		"max-conns": c.MaxConns, "rate-burst": c.RateBurst} {
		if v < 0 {
			bad(name, "must not be negative")
		}
	}
	if c.MaxJSONDepth == 0 {
		bad("max-json-depth", "must be at least 1")
	}
	if c.MaxHeaderBytes < 1024 {
		bad("max-header-bytes", "must be at least 1024")
	}
	for name, d := range map[string]int64{"call-timeout": int64(c.CallTimeout), "jwt-max-ttl": int64(c.JWTMaxTTL),
		"call-retention": int64(c.CallRetention), "read-header-timeout": int64(c.ReadHeaderTimeout),
		"read-timeout": int64(c.ReadTimeout), "idle-timeout": int64(c.IdleTimeout)} {
		if d <= 0 {
			bad(name, "must be positive")
		}
	}
	for name, d := range map[string]int64{"jwt-leeway": int64(c.JWTLeeway), "write-timeout": int64(c.WriteTimeout),
		"drain-grace": int64(c.DrainGrace), "shutdown-timeout": int64(c.ShutdownTimeout)} {
		if d < 0 {
			bad(name, "must not be negative")
		}
	}
	switch {
	case c.Store == "journal", c.Store == "bolt", c.Store == "memory":
	case strings.HasPrefix(c.Store, "redis://"), strings.HasPrefix(c.Store, "rediss://"):
	default:
		bad("store", "want journal, bolt, memory, or a redis:// or rediss:// URL")
	}
	return errors.Join(errs...)
}

// OverrideWarnings lists the unsafe overrides in force, to be logged as
// warnings at every start.
func (c *Serve) OverrideWarnings() []string {
	var w []string
	if c.Uses(MethodNone) && c.AllowUnauthenticated && !IsLoopback(c.Addr) {
		w = append(w, "--allow-unauthenticated: the server accepts unauthenticated calls on a non-loopback address")
	}
	if c.Uses(MethodAPIKey) && c.InsecureHTTP && c.TLSCert == "" && !IsLoopback(c.Addr) {
		w = append(w, "--insecure-http: API keys travel over plain HTTP unless a TLS-terminating proxy is in front")
	}
	if c.UnsafeShortSecrets {
		w = append(w, "--unsafe-allow-short-secrets: API keys and JWT secrets shorter than 32 bytes are accepted")
	}
	return w
}

// AuthMethods returns the --auth list, trimmed and lower-cased.
func (c *Serve) AuthMethods() []string {
	var out []string
	for _, m := range c.Auth {
		if m = strings.ToLower(strings.TrimSpace(m)); m != "" {
			out = append(out, m)
		}
	}
	return out
}

// Uses reports whether method is among the --auth methods.
func (c *Serve) Uses(method string) bool {
	for _, m := range c.AuthMethods() {
		if m == method {
			return true
		}
	}
	return false
}

// SlogLevel parses --log-level.
func (c *Serve) SlogLevel() (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(c.LogLevel))
	return l, err
}

// IsLoopback reports whether addr (host:port) listens on loopback only. An
// empty host, "0.0.0.0" or "::" listen everywhere; "localhost" is loopback.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
