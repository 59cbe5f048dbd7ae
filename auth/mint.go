package auth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Lifetimes of minted tokens.
const (
	// MaxTokenTTL is the longest lifetime MintToken gives a token (AUTH-11).
	MaxTokenTTL = 15 * time.Minute
	// DefaultTokenTTL is the lifetime of a token minted with a zero TTL.
	DefaultTokenTTL = 5 * time.Minute
)

// MintOptions are the claims of a token to mint. The zero value mints a
// token for no particular audience or subject, valid DefaultTokenTTL.
type MintOptions struct {
	// Audience is the aud claim: the client names the server allows
	// (AUTH-13). Empty: no aud claim. One name is written as a string,
	// several as an array.
	Audience []string
	// Subject is the sub claim, naming the client in logs. Empty: none.
	Subject string
	// Scope is the scope claim: space-separated tool patterns that narrow
	// what the token may use. Empty: no scope claim.
	Scope string
	// TTL is the token's lifetime. Zero means DefaultTokenTTL (5 minutes);
	// more than MaxTokenTTL (15 minutes) is an error.
	TTL time.Duration
	// Now is the issue time. Zero means time.Now().
	Now time.Time
	// ID is the jti claim. Empty means a random one, so that minted tokens
	// work with servers that require jti.
	ID string
	// AllowShortSecret signs with a secret shorter than MinSecretLength.
	// UNSAFE, as Config.AllowShortSecrets.
	AllowShortSecret bool
}

// MintToken returns an HS256 JWT signed with secret, with exp, iat and jti
// and the claims of opts that are set. Errors never contain the secret.
func MintToken(secret []byte, opts MintOptions) (string, error) {
	if len(secret) == 0 {
		return "", errors.New("auth: mint token: the JWT secret is empty")
	}
	if len(secret) < MinSecretLength && !opts.AllowShortSecret {
		return "", fmt.Errorf("auth: mint token: the JWT secret is shorter than %d bytes", MinSecretLength)
	}
	ttl := opts.TTL
	switch {
	case ttl == 0:
		ttl = DefaultTokenTTL
	case ttl < 0:
		return "", errors.New("auth: mint token: TTL is negative")
	case ttl > MaxTokenTTL:
		return "", fmt.Errorf("auth: mint token: TTL %s is longer than the %s allowed (AUTH-11)", ttl, MaxTokenTTL)
	}
	if ttl < time.Second {
		return "", errors.New("auth: mint token: TTL is shorter than one second")
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	claims := jwt.MapClaims{
		"iat": now.Unix(),
		"exp": now.Add(ttl).Unix(),
	}
	switch len(opts.Audience) {
	case 0:
	case 1:
		claims["aud"] = opts.Audience[0]
	default:
		claims["aud"] = opts.Audience
	}
	for _, a := range opts.Audience {
		if err := checkAudienceName(a); err != nil {
			return "", fmt.Errorf("auth: mint token: %w", err)
		}
	}
	if opts.Subject != "" {
		if err := checkClaimString(opts.Subject); err != nil {
			return "", fmt.Errorf("auth: mint token: subject %w", err)
		}
		claims["sub"] = opts.Subject
	}
	if opts.Scope != "" {
		if _, err := compileScope(opts.Scope); err != nil {
			return "", fmt.Errorf("auth: mint token: scope: %w", err)
		}
		claims["scope"] = opts.Scope
	}
	id := opts.ID
	if id == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return "", fmt.Errorf("auth: mint token: %w", err)
		}
		id = base64.RawURLEncoding.EncodeToString(b)
	} else if err := checkClaimString(id); err != nil {
		return "", fmt.Errorf("auth: mint token: id %w", err)
	}
	claims["jti"] = id
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(secret)
	if err != nil {
		return "", fmt.Errorf("auth: mint token: %w", err)
	}
	return s, nil
}
