package client

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token lifetimes (AUTH-11, AUTH-14).
const (
	// DefaultTokenLifetime is how long a minted JWT is valid by default.
	DefaultTokenLifetime = 5 * time.Minute
	// MaxTokenLifetime is the longest lifetime the protocol recommends and
	// servers accept (AUTH-11).
	MaxTokenLifetime = 15 * time.Minute
	// MinJWTSecretLength is the shortest HS256 secret accepted: RFC 7518
	// §3.2 asks for a key at least as long as the hash, and servers refuse
	// shorter ones (AUTHZ-2).
	MinJWTSecretLength = 32
)

// HeaderAPIKey is the header that carries an API key (AUTH-3).
const HeaderAPIKey = "OTC-API-Key"

// authenticator adds the client's credential to a request.
type authenticator interface {
	authenticate(h http.Header) error
}

// apiKeyAuth sends a static API key (AUTH-3).
type apiKeyAuth struct{ key string }

var _ authenticator = apiKeyAuth{}

func (a apiKeyAuth) authenticate(h http.Header) error {
	h.Set(HeaderAPIKey, a.key)
	return nil
}

// tokenSource mints HS256 JWTs with a shared secret (AUTH-8, AUTH-9) and
// reuses each one until a fifth of its lifetime is left, so that a token is
// never sent close enough to its expiry to expire in flight or on a server
// whose clock runs a little ahead. Reused tokens carry no jti, since a
// server with a replay cache accepts a token with a jti only once.
type tokenSource struct {
	secret   []byte
	audience string
	subject  string
	lifetime time.Duration
	clock    Clock

	// perRequest mints a token with a unique jti for every request, for
	// servers that accept each token only once (replay protection).
	perRequest bool

	mu      sync.Mutex
	token   string
	renewAt time.Time
}

var _ authenticator = (*tokenSource)(nil)

func (s *tokenSource) authenticate(h http.Header) error {
	tok, err := s.Token()
	if err != nil {
		return err
	}
	h.Set("Authorization", "Bearer "+tok)
	return nil
}

// Token returns a valid token, minting a new one when the cached one is
// near its expiry.
func (s *tokenSource) Token() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	if !s.perRequest && s.token != "" && now.Before(s.renewAt) {
		return s.token, nil
	}
	// JWT times are whole seconds; truncating exp keeps the token's real
	// lifetime within the configured one (AUTH-11).
	exp := now.Add(s.lifetime).Truncate(time.Second)
	claims := jwt.MapClaims{
		"iat": now.Unix(),
		"exp": exp.Unix(),
	}
	if s.audience != "" {
		// A single string, as in the protocol's example, rather than the
		// one-element array that jwt.ClaimStrings would produce.
		claims["aud"] = s.audience
	}
	if s.subject != "" {
		claims["sub"] = s.subject
	}
	if s.perRequest {
		jti := make([]byte, 16)
		if _, err := rand.Read(jti); err != nil {
			return "", fmt.Errorf("client: mint JWT: %w", err)
		}
		claims["jti"] = base64.RawURLEncoding.EncodeToString(jti)
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.secret)
	if err != nil {
		// The error of a failed signature never includes the key.
		return "", fmt.Errorf("client: mint JWT: %w", err)
	}
	s.token = tok
	s.renewAt = exp.Add(-s.lifetime / 5)
	return tok, nil
}

// newAuthenticator chooses the credential from opts: the JWT when there is a
// secret (AUTH-17), else the API key, which it refuses to send in clear text
// to anything but a loopback address (AUTH-5).
func newAuthenticator(base *url.URL, opts *Options, clock Clock) (authenticator, error) {
	switch {
	case len(opts.JWTSecret) > 0:
		if len(opts.JWTSecret) < MinJWTSecretLength {
			return nil, fmt.Errorf("client: JWT secret is %d bytes; HS256 needs at least %d", len(opts.JWTSecret), MinJWTSecretLength)
		}
		lifetime := opts.TokenLifetime
		switch {
		case lifetime == 0:
			lifetime = DefaultTokenLifetime
		case lifetime < 10*time.Second:
			// Shorter tokens would be renewed on every request and expire in
			// flight to a server whose clock differs by a few seconds.
			return nil, fmt.Errorf("client: token lifetime %s is shorter than 10s", lifetime)
		case lifetime > MaxTokenLifetime:
			return nil, fmt.Errorf("client: token lifetime %s exceeds the %s maximum (AUTH-11)", lifetime, MaxTokenLifetime)
		}
		secret := make([]byte, len(opts.JWTSecret))
		copy(secret, opts.JWTSecret)
		return &tokenSource{secret: secret, audience: opts.Audience, subject: opts.Subject, lifetime: lifetime,
			perRequest: opts.TokenPerRequest, clock: clock}, nil
	case opts.APIKey != "":
		if strings.ContainsAny(opts.APIKey, "\r\n") {
			return nil, errors.New("client: API key contains a line break")
		}
		if base.Scheme == "http" && !opts.AllowAPIKeyOverHTTP && !IsLoopback(base.Hostname()) {
			return nil, &InsecureAPIKeyError{Host: base.Host}
		}
		return apiKeyAuth{key: opts.APIKey}, nil
	}
	return nil, nil
}

// IsLoopback reports whether host, a host name or IP address without port,
// is certain to be this machine: "localhost" or a loopback address. Other
// names are not resolved, since the answer could change between this check
// and the connection.
func IsLoopback(host string) bool {
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
