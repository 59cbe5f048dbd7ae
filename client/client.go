package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultUserAgent is the User-Agent header sent when Options.UserAgent is
// empty.
const DefaultUserAgent = "otc-go-client/1.0"

// DefaultMaxResponseBytes bounds a response body when
// Options.MaxResponseBytes is zero.
const DefaultMaxResponseBytes = 32 << 20

// Options configure a [Client]. The zero value, or nil, is a client without
// credentials that retries with [RetryPolicy] defaults.
type Options struct {
	// APIKey is sent in the OTC-API-Key header (AUTH-3). Empty means none.
	// It is not used when JWTSecret is set (AUTH-17).
	APIKey string
	// AllowAPIKeyOverHTTP lets the client send APIKey over plain http:// to
	// a host that is not loopback, which the protocol forbids (AUTH-5). It
	// gives up the key's secrecy on the network; set it only when TLS is
	// terminated on the way (a sidecar or a tunnel). False means refuse.
	AllowAPIKeyOverHTTP bool

	// JWTSecret is the shared HS256 secret from which the client mints its
	// own short-lived JWTs (AUTH-8, AUTH-9). Nil means no JWT. It must be
	// at least MinJWTSecretLength bytes.
	JWTSecret []byte
	// Audience is the JWT "aud" claim. Empty means no audience.
	Audience string
	// Subject is the JWT "sub" claim: the name the server knows this
	// client by. Empty means no subject.
	Subject string
	// TokenLifetime is the validity of each minted JWT, between 10s and
	// MaxTokenLifetime (AUTH-11). Zero means DefaultTokenLifetime.
	TokenLifetime time.Duration
	// TokenPerRequest mints a new token, with a unique "jti" claim, for
	// every request, for servers that accept each token only once (replay
	// protection). False reuses a token, without jti, until it nears its
	// expiry, which saves a signature per request.
	TokenPerRequest bool

	// HTTPClient sends the requests. Nil means a client with
	// http.DefaultTransport and no overall timeout: bound each call with
	// its context. The client never follows redirects, whatever
	// HTTPClient.CheckRedirect says, so that credentials go to no other
	// place than the base URL.
	HTTPClient *http.Client
	// UserAgent is the User-Agent header. Empty means DefaultUserAgent.
	UserAgent string
	// Retry bounds retries. Nil means the RetryPolicy defaults; set
	// MaxAttempts to 1 to turn retries off.
	Retry *RetryPolicy
	// MaxResponseBytes bounds the size of a response body. Zero means
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64
	// Clock times token lifetimes and retry waits. Nil means the system
	// clock.
	Clock Clock
}

// Client calls the tools of one OTC 1.0 server. It is safe for concurrent
// use by multiple goroutines.
type Client struct {
	base      *url.URL
	http      *http.Client
	auth      authenticator // nil: no credentials
	userAgent string
	retry     RetryPolicy
	maxBody   int64
	clock     Clock
}

// New returns a client for the server at baseURL, an http:// or https:// URL
// that may carry a path prefix ("https://tools.example.com/otc"). It fails
// when the options are inconsistent, or would send an API key in clear text
// to a remote host ([*InsecureAPIKeyError]).
func New(baseURL string, opts *Options) (*Client, error) {
	if opts == nil {
		opts = &Options{}
	}
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	clock := opts.Clock
	if clock == nil {
		clock = systemClock{}
	}
	auth, err := newAuthenticator(base, opts, clock)
	if err != nil {
		return nil, err
	}
	if opts.Retry != nil && opts.Retry.MaxAttempts < 0 {
		return nil, fmt.Errorf("client: RetryPolicy.MaxAttempts is negative")
	}
	hc := &http.Client{}
	if opts.HTTPClient != nil {
		copied := *opts.HTTPClient
		hc = &copied
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c := &Client{
		base:      base,
		http:      hc,
		auth:      auth,
		userAgent: opts.UserAgent,
		retry:     opts.Retry.withDefaults(),
		maxBody:   opts.MaxResponseBytes,
		clock:     clock,
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if strings.ContainsAny(c.userAgent, "\r\n") {
		return nil, errors.New("client: user agent contains a line break")
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxResponseBytes
	}
	return c, nil
}

// parseBaseURL checks that s is an absolute http(s) URL without
// credentials, query or fragment, and trims its trailing slash.
func parseBaseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("client: base URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("client: base URL must start with http:// or https://")
	case u.Host == "":
		return nil, fmt.Errorf("client: base URL has no host")
	case u.User != nil:
		// Credentials in a URL end up in logs and error messages.
		return nil, fmt.Errorf("client: base URL must not carry credentials; use Options.APIKey or Options.JWTSecret")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, fmt.Errorf("client: base URL must not have a query or fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// reply is one HTTP answer, read in full.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// endpoint returns the URL of path under the base URL.
func (c *Client) endpoint(path string) string {
	u := *c.base
	u.Path += path
	return u.String()
}

// roundTrip sends one request and reads its answer. Failures to get an
// answer are *TransportError, except that a done ctx returns ctx's error
// (wrapped), so that cancellation is never mistaken for a server problem.
func (c *Client) roundTrip(ctx context.Context, method, path string, body []byte, authenticate bool) (*reply, error) {
	target := c.endpoint(path)
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, fmt.Errorf("client: %s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if authenticate && c.auth != nil {
		if err := c.auth.authenticate(req.Header); err != nil {
			return nil, err
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("client: %s %s: %w", method, path, ctx.Err())
		}
		return nil, &TransportError{Method: method, URL: target, Err: unwrapURLError(err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("client: %s %s: %w", method, path, ctx.Err())
		}
		return nil, &TransportError{Method: method, URL: target, Err: fmt.Errorf("read response: %w", err)}
	}
	if int64(len(data)) > c.maxBody {
		return nil, &ResponseError{StatusCode: resp.StatusCode, Reason: fmt.Sprintf("body exceeds %d bytes", c.maxBody)}
	}
	return &reply{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// unwrapURLError drops the *url.Error layer that http.Client adds, since
// TransportError already names the method and URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// send performs a request, retrying connection failures and 502/503/504
// answers when retries is true. It returns the last answer or error.
func (c *Client) send(ctx context.Context, method, path string, body []byte, retries bool) (*reply, error) {
	var (
		rep *reply
		err error
	)
	if werr := c.run(ctx, retries, func(int) verdict {
		rep, err = c.roundTrip(ctx, method, path, body, true)
		return c.judge(rep, err)
	}); werr != nil {
		return nil, fmt.Errorf("client: %s %s: %w", method, path, werr)
	}
	return rep, err
}

// judge decides whether a request's outcome is worth repeating.
func (c *Client) judge(rep *reply, err error) verdict {
	switch {
	case err != nil:
		return verdict{retry: retryableErr(err)}
	case retryableStatus(rep.status):
		return verdict{retry: true, after: retryAfter(rep.header)}
	}
	return verdict{}
}

// retryAfter reads a Retry-After header given in seconds; an HTTP date or
// garbage counts as absent.
func retryAfter(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	// Anything beyond a day is as good as "not soon"; capping keeps the
	// multiplication from overflowing.
	return time.Duration(min(n, 86400)) * time.Second
}
