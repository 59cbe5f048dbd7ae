// Package redis keeps the state that several server instances must share in
// one Redis (7.0 or later, for SET NX GET): the call records of
// idempotent calls (Store), the rate-limit buckets (Limiter), and the JWT
// ids already used (ReplayCache). All three share one connection pool.
//
// Keys are Options.Prefix (default "otc:") followed by "call:" and the call
// id, "rl:" and the limiter key, or "jti:" and the SHA-256 of the token id.
// Records are encoded with store/internal/recordcodec and expire by Redis
// TTL, so Sweep has nothing to do. Every failure to reach Redis wraps
// store.ErrUnavailable.
package redis

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/otc-dev/otc/store"
)

// DefaultPrefix is the key prefix used when Options.Prefix is empty.
const DefaultPrefix = "otc:"

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// Prefix starts every key, so that several deployments (or tests) can
	// share one Redis database. Empty means DefaultPrefix.
	Prefix string
	// Now is the clock that turns a record's ExpiresAt, and a token's
	// until, into a TTL; it is the clock that computed them. Nil means
	// time.Now. Rate limits use the Redis server's clock instead.
	Now func() time.Time
	// Timeout bounds dialing and each command's reads and writes, on top of
	// the context's deadline. Zero keeps the URL's dial_timeout,
	// read_timeout and write_timeout, or go-redis's defaults.
	Timeout time.Duration
	// TLSConfig replaces the TLS configuration a rediss:// URL implies
	// (system roots, the URL's host name, TLS 1.2 or later), for a private
	// CA or a client certificate. It is an error with a redis:// URL. Nil
	// keeps the URL's.
	TLSConfig *tls.Config
}

// Store is a store.Store in Redis, and the source of the Limiter and
// ReplayCache that share its connections. It is safe for concurrent use by
// many goroutines and many processes.
type Store struct {
	client *goredis.Client
	prefix string
	now    func() time.Time
}

var _ store.Store = (*Store)(nil)

// New connects to the Redis at rawURL (redis://[user:password@]host[:port][/db]
// or rediss:// for TLS; go-redis query options such as ?pool_size=20 are
// accepted) and pings it, failing with an error wrapping
// store.ErrUnavailable when ctx ends first. Errors never contain the URL's
// password.
func New(ctx context.Context, rawURL string, opts Options) (*Store, error) {
	o, err := parseURL(rawURL, opts)
	if err != nil {
		return nil, err
	}
	s := &Store{client: goredis.NewClient(o), prefix: opts.Prefix, now: opts.Now}
	if s.prefix == "" {
		s.prefix = DefaultPrefix
	}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.Ping(ctx); err != nil {
		_ = s.client.Close()
		return nil, fmt.Errorf("redis: connect to %s: %w", o.Addr, err)
	}
	if err := s.checkServer(ctx); err != nil {
		_ = s.client.Close()
		return nil, fmt.Errorf("redis: %s: %w", o.Addr, err)
	}
	return s, nil
}

// checkServer refuses a server older than 7.0 at start, rather than
// failing every Claim with a syntax error later.
func (s *Store) checkServer(ctx context.Context) error {
	info, err := s.client.Info(ctx, "server").Result()
	if err != nil {
		return s.unavailable("info", err)
	}
	return checkVersion(info)
}

// checkVersion reads redis_version from the server section of INFO.
func checkVersion(info string) error {
	for line := range strings.Lines(info) {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:")
		if !ok {
			continue
		}
		major, _, _ := strings.Cut(v, ".")
		if n, err := strconv.Atoi(major); err != nil || n < 7 {
			return fmt.Errorf("server version %q is too old: 7.0 or later is needed", v)
		}
		return nil
	}
	// A server that hides its version (some proxies do) is given the
	// benefit of the doubt; an old one fails its first Claim.
	return nil
}

// parseURL turns rawURL and opts into go-redis options.
func parseURL(rawURL string, opts Options) (*goredis.Options, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// A *url.Error quotes the whole URL, password included: keep only
		// what went wrong.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("redis: invalid URL: %w", err)
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return nil, fmt.Errorf("redis: invalid URL: scheme %q, want redis or rediss", u.Scheme)
	}
	if u.Host == "" {
		return nil, errors.New("redis: invalid URL: no host")
	}
	o, err := goredis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w", err) // go-redis's messages name the part, not the password
	}
	if opts.TLSConfig != nil {
		if u.Scheme != "rediss" {
			return nil, errors.New("redis: Options.TLSConfig is set but the URL scheme is redis://, not rediss://")
		}
		o.TLSConfig = opts.TLSConfig
	}
	if opts.Timeout > 0 {
		o.DialTimeout, o.ReadTimeout, o.WriteTimeout = opts.Timeout, opts.Timeout, opts.Timeout
	}
	// The caller's deadline (the request's) bounds every command.
	o.ContextTimeoutEnabled = true
	// No transparent retries: a claim, a completion, a token's first use
	// and a rate-limit take are not idempotent, and a retry after a reply
	// was lost would see its own write as someone else's. The server
	// answers "temporarily unavailable" and the client retries the call.
	o.MaxRetries = -1
	return o, nil
}

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error {
	return s.unavailable("ping", s.client.Ping(ctx).Err())
}

// Close closes the connections, for the Store and for the Limiter and
// ReplayCache made from it.
func (s *Store) Close() error {
	if err := s.client.Close(); err != nil && !errors.Is(err, goredis.ErrClosed) {
		return fmt.Errorf("redis: close: %w", err)
	}
	return nil
}

// unavailable wraps an error reaching Redis so that it reads as
// store.ErrUnavailable and still unwraps to the cause (a context error, a
// network error, go-redis's ErrClosed).
func (s *Store) unavailable(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("redis %s: %w: %w", op, store.ErrUnavailable, err)
}

// ttl returns the time from now until at, rounded up to a whole millisecond
// (Redis's resolution) and at least min.
func ttl(at, now time.Time, min time.Duration) time.Duration {
	d := at.Sub(now)
	if r := d % time.Millisecond; r != 0 {
		d += time.Millisecond - r
	}
	return max(d, min)
}
