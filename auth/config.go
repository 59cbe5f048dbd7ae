package auth

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Defaults of the JWT time rules (AUTH-11, AUTH-14, AUTHZ-4).
const (
	DefaultMaxTTL = 15 * time.Minute
	DefaultLeeway = 30 * time.Second
)

// Config configures an Authenticator. Zero fields take the defaults each
// documents; what is left unsafe must be asked for by name.
type Config struct {
	// Methods are the accepted methods. Empty is an error: running without
	// authentication is asked for with MethodNone, which cannot be combined.
	Methods []Method

	// APIKeys are the valid API keys; at least one is required when
	// MethodAPIKey is on. Reload replaces them.
	APIKeys []APIKey

	// JWTSecrets are the HS256 secrets, the first current and the others
	// still accepted (rotation); at least one is required when MethodJWT is
	// on. Each secret is the bytes of the configured string. Reload replaces
	// them.
	JWTSecrets [][]byte

	// Audiences is the allowed client list for the JWT aud claim (AUTH-13,
	// AUTHZ-1), each with the tools its tokens may use. Empty means that a
	// token with an aud claim is refused.
	Audiences []Audience

	// RequireAudience refuses tokens without an aud claim. False follows
	// AUTH-13: aud MAY be absent, and such a token may use every tool its
	// scope allows.
	RequireAudience bool

	// MaxTTL is the longest accepted lifetime: a token whose exp lies
	// further ahead than MaxTTL plus Leeway is refused (AUTH-14). Zero means
	// DefaultMaxTTL (15 minutes).
	MaxTTL time.Duration

	// Leeway is the clock skew allowed on exp, nbf and iat, in whole
	// seconds. Zero means DefaultLeeway (30 s); a negative value means no
	// leeway at all.
	Leeway time.Duration

	// AllowShortSecrets accepts API keys and JWT secrets shorter than
	// MinSecretLength (32 bytes). UNSAFE: short secrets can be guessed or
	// brute-forced offline from one captured token; use it for tests and
	// migrations only. Keys configured as digests cannot be length-checked
	// and are accepted either way.
	AllowShortSecrets bool

	// AllowPlainHTTPAPIKeys accepts API keys on requests that arrive over
	// plain HTTP from a peer that is not a loopback address, as they do
	// behind a TLS-terminating proxy on another host. False refuses them
	// (AUTH-5): a key that crossed a network in clear text is refused at
	// once rather than work quietly. Requests over TLS, and from loopback
	// peers (a local client or proxy), are not affected.
	AllowPlainHTTPAPIKeys bool

	// RequireJTI makes every token carry a jti claim and be accepted only
	// once within its lifetime; a token without jti is refused.
	RequireJTI bool

	// ReplayCache remembers used jti values. Nil means an in-memory cache of
	// DefaultReplayCapacity on the clock Now when RequireJTI is set, and
	// none otherwise; several server instances need a shared one. When
	// set without RequireJTI, tokens that carry a jti are still accepted
	// only once.
	ReplayCache ReplayCache

	// TokenCacheSize is the most verified JWTs remembered, so that a
	// token used again skips signature and claim decoding; the time rules
	// are still checked on every use, and Reload empties the cache. Zero
	// means DefaultTokenCacheSize; negative turns caching off. There is no
	// cache when a ReplayCache is in use (RequireJTI), since every use of
	// a token must then be checked against it.
	TokenCacheSize int

	// Now is the clock. Nil means time.Now.
	Now func() time.Time

	// Observer is told of every refusal, for metrics. Nil means none.
	Observer FailureObserver

	// Logger receives one line per refusal (method, reason, client
	// address; never a credential). Nil means slog.Default().
	Logger *slog.Logger
}

// Audience is an allowed JWT audience: a client of the allowed client list
// (AUTH-13) with the tools its tokens may use.
type Audience struct {
	// Name is the aud value: printable, no spaces or commas, at most 256
	// bytes.
	Name string
	// Tools are tool patterns ("*", "Toolkit.*", "Toolkit.Tool"). Empty
	// means "*". A token's scope claim can narrow them, never widen them.
	Tools []string
}

// FailureObserver is told of each refused request, for metrics. method and
// reason are short fixed words (a Method, several joined by "+" when no
// credential was presented, and a Reason), never request data.
type FailureObserver interface {
	AuthFailed(method, reason string)
}

// ParseAudiences parses an allowed client list, names separated by commas
// or new lines, each allowed every tool. Blank lines and "#" comment lines
// are ignored.
func ParseAudiences(text string) ([]Audience, error) {
	var out []Audience
	err := forEachEntry(text, func(pos, entry string) error {
		if err := checkAudienceName(entry); err != nil {
			return fmt.Errorf("auth: audiences: %s: %w", pos, err)
		}
		out = append(out, Audience{Name: entry})
		return nil
	})
	return out, err
}

func checkAudienceName(s string) error {
	if s == "" || len(s) > maxClaimString {
		return fmt.Errorf("audience name must be 1 to %d bytes", maxClaimString)
	}
	if strings.ContainsAny(s, " ,") {
		return fmt.Errorf("audience name %q holds a space or a comma", truncate(s, 64))
	}
	if checkClaimString(s) != nil {
		return fmt.Errorf("audience name holds a control character")
	}
	return nil
}

// compileAudiences checks the allowed client list and compiles its tools.
func compileAudiences(list []Audience) (map[string]*toolSet, error) {
	out := make(map[string]*toolSet, len(list))
	for _, a := range list {
		if err := checkAudienceName(a.Name); err != nil {
			return nil, fmt.Errorf("auth: %w", err)
		}
		if _, dup := out[a.Name]; dup {
			return nil, fmt.Errorf("auth: audience %q is listed twice", a.Name)
		}
		tools, err := compileTools(a.Tools)
		if err != nil {
			return nil, fmt.Errorf("auth: audience %q: %w", a.Name, err)
		}
		out[a.Name] = tools
	}
	return out, nil
}
