// Package config holds the settings of "otc serve": their flags, their OTC_*
// environment variables and their YAML config-file keys, one name for all
// three (the flag name), with the precedence flag > environment > file >
// default, and the checks that run before anything listens.
package config

import (
	"time"

	"github.com/spf13/pflag"
)

// Serve is the configuration of "otc serve". Every field but the structured
// client lists is a flag of the same name as its koanf tag.
type Serve struct {
	ConfigFile string `koanf:"config"`

	// Listener and process.
	Addr       string `koanf:"addr"`
	DataDir    string `koanf:"data-dir"`
	InstanceID string `koanf:"instance-id"`
	LogFormat  string `koanf:"log-format"`
	LogLevel   string `koanf:"log-level"`

	// Protocol.
	Toolkits           []string      `koanf:"toolkits"`
	MaxBody            ByteSize      `koanf:"max-body"`
	MaxJSONDepth       int           `koanf:"max-json-depth"`
	CallTimeout        time.Duration `koanf:"call-timeout"`
	MaxConcurrentCalls int           `koanf:"max-concurrent-calls"`
	ValidateOutput     bool          `koanf:"validate-output"`

	// Authentication.
	Auth                 []string      `koanf:"auth"`
	APIKeysFile          string        `koanf:"api-keys-file"`
	JWTSecretsFile       string        `koanf:"jwt-secrets-file"`
	JWTAudiences         []string      `koanf:"jwt-audiences"`
	JWTMaxTTL            time.Duration `koanf:"jwt-max-ttl"`
	JWTLeeway            time.Duration `koanf:"jwt-leeway"`
	JWTRequireJTI        bool          `koanf:"jwt-require-jti"`
	UnsafeShortSecrets   bool          `koanf:"unsafe-allow-short-secrets"`
	AllowUnauthenticated bool          `koanf:"allow-unauthenticated"`
	InsecureHTTP         bool          `koanf:"insecure-http"`

	// Secrets that come only from the environment or the config file, never
	// from a flag (a flag's value is visible to every user in ps).
	APIKeysEnv    string `koanf:"-"`
	JWTSecretsEnv string `koanf:"-"`
	// Clients from the config file: API keys and JWT audiences with their
	// tool patterns and rate limits.
	APIKeys   []ClientKey      `koanf:"api-keys"`
	Audiences []ClientAudience `koanf:"audiences"`

	// TLS.
	TLSCert     string `koanf:"tls-cert"`
	TLSKey      string `koanf:"tls-key"`
	TLSClientCA string `koanf:"tls-client-ca"`

	// Network guards and limits.
	IPAllow           []string      `koanf:"ip-allow"`
	TrustedProxies    []string      `koanf:"trusted-proxies"`
	ProxyHeader       string        `koanf:"proxy-header"`
	HealthPublic      bool          `koanf:"health-public"`
	RateLimit         string        `koanf:"rate-limit"`
	RateBurst         int           `koanf:"rate-burst"`
	AuthFailLimit     string        `koanf:"auth-fail-limit"`
	MaxConns          int           `koanf:"max-conns"`
	MaxHeaderBytes    int           `koanf:"max-header-bytes"`
	ReadHeaderTimeout time.Duration `koanf:"read-header-timeout"`
	ReadTimeout       time.Duration `koanf:"read-timeout"`
	WriteTimeout      time.Duration `koanf:"write-timeout"`
	IdleTimeout       time.Duration `koanf:"idle-timeout"`
	DrainGrace        time.Duration `koanf:"drain-grace"`
	ShutdownTimeout   time.Duration `koanf:"shutdown-timeout"`

	// State.
	Store         string        `koanf:"store"`
	CallRetention time.Duration `koanf:"call-retention"`

	// Observability.
	AuditLog    string `koanf:"audit-log"`
	MetricsAddr string `koanf:"metrics-addr"`
	Metrics     bool   `koanf:"metrics"`

	// Warnings collects what loading found worth saying at start but not
	// worth refusing to start for.
	Warnings []string `koanf:"-"`
}

// ClientKey is an API key entry of the config file.
type ClientKey struct {
	Name string `koanf:"name"`
	// Key is the key as written, or "sha256:<hex>" of it.
	Key       string   `koanf:"key"`
	Tools     []string `koanf:"tools"`
	RateLimit string   `koanf:"rate-limit"`
	RateBurst int      `koanf:"rate-burst"`
}

// ClientAudience is an allowed JWT audience of the config file.
type ClientAudience struct {
	Name      string   `koanf:"name"`
	Tools     []string `koanf:"tools"`
	RateLimit string   `koanf:"rate-limit"`
	RateBurst int      `koanf:"rate-burst"`
}

// Default values that are not obvious from the flag help.
const (
	DefaultAddr          = "127.0.0.1:8080"
	DefaultMaxBody       = 1 << 20
	DefaultAuthFailLimit = "20/min"
)

// RegisterFlags defines every flag of "otc serve" on fs, bound to c.
func (c *Serve) RegisterFlags(fs *pflag.FlagSet) {
	c.MaxBody = DefaultMaxBody
	fs.StringVar(&c.ConfigFile, "config", "", "YAML config file; its keys are the flag names")
	fs.StringVar(&c.Addr, "addr", DefaultAddr, "address to listen on")
	fs.StringVar(&c.DataDir, "data-dir", "", "directory for call records and generated credentials (default: the per-user state directory, e.g. ~/.local/state/otc)")
	fs.StringVar(&c.InstanceID, "instance-id", "", "name of this server instance in logs and Demo.Counter (default: random at start)")
	fs.StringVar(&c.LogFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")

	fs.StringSliceVar(&c.Toolkits, "toolkits", []string{"examples"}, "comma list of built-in toolkits to serve (\"\" for none)")
	fs.Var(&c.MaxBody, "max-body", "largest request body accepted, in bytes or with KiB/MiB")
	fs.IntVar(&c.MaxJSONDepth, "max-json-depth", 64, "deepest JSON nesting accepted in a request body")
	fs.DurationVar(&c.CallTimeout, "call-timeout", 30*time.Second, "default deadline of a tool call")
	fs.IntVar(&c.MaxConcurrentCalls, "max-concurrent-calls", 0, "tool calls running at once before new ones are refused (0: no limit)")
	fs.BoolVar(&c.ValidateOutput, "validate-output", false, "check every tool result against its output schema")

	fs.StringSliceVar(&c.Auth, "auth", []string{"api_key", "jwt"}, "authentication methods: none, or a comma list of api_key, jwt, mtls")
	fs.StringVar(&c.APIKeysFile, "api-keys-file", "", "file of API keys, one name=key or name=sha256:<hex> per line (also OTC_API_KEYS)")
	fs.StringVar(&c.JWTSecretsFile, "jwt-secrets-file", "", "file of JWT HS256 secrets, one per line, the first current (also OTC_JWT_SECRETS)")
	fs.StringSliceVar(&c.JWTAudiences, "jwt-audiences", nil, "allowed JWT audiences (the allowed client list)")
	fs.DurationVar(&c.JWTMaxTTL, "jwt-max-ttl", 15*time.Minute, "longest JWT lifetime accepted (exp beyond now + this is refused)")
	fs.DurationVar(&c.JWTLeeway, "jwt-leeway", 30*time.Second, "clock skew allowed on exp, nbf and iat")
	fs.BoolVar(&c.JWTRequireJTI, "jwt-require-jti", false, "require a jti claim and accept each token only once")
	fs.BoolVar(&c.UnsafeShortSecrets, "unsafe-allow-short-secrets", false, "UNSAFE: accept API keys and JWT secrets shorter than 32 bytes (tests and migrations only)")
	fs.BoolVar(&c.AllowUnauthenticated, "allow-unauthenticated", false, "allow --auth none on an address that is not loopback")
	fs.BoolVar(&c.InsecureHTTP, "insecure-http", false, "allow API keys over plain HTTP on an address that is not loopback (behind a TLS-terminating proxy)")

	fs.StringVar(&c.TLSCert, "tls-cert", "", "TLS certificate file (PEM); with --tls-key serves HTTPS")
	fs.StringVar(&c.TLSKey, "tls-key", "", "TLS private key file (PEM)")
	fs.StringVar(&c.TLSClientCA, "tls-client-ca", "", "CA file (PEM) for client certificates: required, or an extra method with --auth mtls")

	fs.StringSliceVar(&c.IPAllow, "ip-allow", nil, "CIDR list of source addresses allowed to connect (default: all)")
	fs.StringSliceVar(&c.TrustedProxies, "trusted-proxies", nil, "CIDR list of proxies whose forwarding header (--proxy-header) is believed")
	fs.StringVar(&c.ProxyHeader, "proxy-header", "x-forwarded-for", "the forwarding header the trusted proxies set: x-forwarded-for or forwarded (only one is read)")
	fs.BoolVar(&c.HealthPublic, "health-public", false, "answer /health to every source address, ignoring --ip-allow")
	fs.StringVar(&c.RateLimit, "rate-limit", "", "requests per authenticated client, e.g. 50/s (default: off)")
	fs.IntVar(&c.RateBurst, "rate-burst", 0, "burst of --rate-limit (default: the rule's count, e.g. 50 for 50/s)")
	fs.StringVar(&c.AuthFailLimit, "auth-fail-limit", DefaultAuthFailLimit, "failed authentications per source address before it gets 429 (\"off\" to disable)")
	fs.IntVar(&c.MaxConns, "max-conns", 1024, "concurrent connections accepted (0: no limit)")
	fs.IntVar(&c.MaxHeaderBytes, "max-header-bytes", 64<<10, "largest request header block")
	fs.DurationVar(&c.ReadHeaderTimeout, "read-header-timeout", 5*time.Second, "time allowed to read request headers")
	fs.DurationVar(&c.ReadTimeout, "read-timeout", 30*time.Second, "time allowed to read a whole request")
	fs.DurationVar(&c.WriteTimeout, "write-timeout", 0, "time allowed to write a response (0: call timeout + 10s)")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", 120*time.Second, "time an idle keep-alive connection is kept")
	fs.DurationVar(&c.DrainGrace, "drain-grace", 5*time.Second, "after SIGTERM, time new calls are still accepted while load balancers notice /health is 503")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "after the grace period, time in-flight calls get to finish before they are cancelled")

	fs.StringVar(&c.Store, "store", "journal", "call record store: journal (append-only files in the data directory), bolt (a bbolt file there), memory, or a redis:// or rediss:// URL")
	fs.DurationVar(&c.CallRetention, "call-retention", 24*time.Hour, "how long a client call_id's result is kept")

	fs.StringVar(&c.AuditLog, "audit-log", "", "audit log file (default: standard error)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "serve /metrics on this separate address instead of the main listener")
	fs.BoolVar(&c.Metrics, "metrics", true, "serve Prometheus metrics at /metrics")
}
