package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/otc-dev/otc"
)

// Authenticator admits or refuses requests by their credentials. It is safe
// for concurrent use; [Authenticator.Reload] swaps keys and secrets while it
// serves.
type Authenticator struct {
	methods                       []Method
	none, apiKeyOn, jwtOn, mtlsOn bool

	audiences       map[string]*toolSet
	requireAudience bool
	maxTTL, leeway  time.Duration
	allowShort      bool
	allowPlainHTTP  bool
	requireJTI      bool
	replay          ReplayCache
	tokenCacheSize  int
	now             func() time.Time
	observer        FailureObserver
	logger          *slog.Logger

	creds atomic.Pointer[credentialSet]
}

// credentialSet is what Reload replaces as one: never a mix of old keys and
// new secrets.
type credentialSet struct {
	keys    []storedKey
	secrets [][]byte
	// tokens remembers JWTs verified with these secrets; nil when caching
	// is off. A new set starts empty, so rotation forgets every token.
	tokens *tokenCache
}

// New checks cfg and returns an Authenticator. It refuses an empty or
// contradictory method list, a method without credentials, short keys and
// secrets (unless AllowShortSecrets), and malformed names or tool patterns.
// Errors never contain a key or secret.
func New(cfg Config) (*Authenticator, error) {
	if err := checkMethods(cfg.Methods); err != nil {
		return nil, err
	}
	a := &Authenticator{
		methods:         append([]Method(nil), cfg.Methods...),
		requireAudience: cfg.RequireAudience,
		maxTTL:          cfg.MaxTTL,
		leeway:          cfg.Leeway,
		allowShort:      cfg.AllowShortSecrets,
		allowPlainHTTP:  cfg.AllowPlainHTTPAPIKeys,
		requireJTI:      cfg.RequireJTI,
		replay:          cfg.ReplayCache,
		tokenCacheSize:  cfg.TokenCacheSize,
		now:             cfg.Now,
		observer:        cfg.Observer,
		logger:          cfg.Logger,
	}
	for _, m := range cfg.Methods {
		switch m {
		case MethodNone:
			a.none = true
		case MethodAPIKey:
			a.apiKeyOn = true
		case MethodJWT:
			a.jwtOn = true
		case MethodMTLS:
			a.mtlsOn = true
		}
	}
	switch {
	case a.maxTTL == 0:
		a.maxTTL = DefaultMaxTTL
	case a.maxTTL < 0:
		return nil, errors.New("auth: MaxTTL is negative")
	}
	switch {
	case a.leeway == 0:
		a.leeway = DefaultLeeway
	case a.leeway < 0:
		a.leeway = 0
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.logger == nil {
		a.logger = slog.Default()
	}
	if a.requireJTI && a.replay == nil {
		a.replay = NewMemoryReplayCache(&MemoryReplayCacheOptions{Now: a.now})
	}
	switch {
	case !a.jwtOn || a.replay != nil:
		// With a replay cache every use of a token must reach MarkUsed,
		// and a token is usable once anyway: there is nothing to cache.
		a.tokenCacheSize = 0
	case a.tokenCacheSize == 0:
		a.tokenCacheSize = DefaultTokenCacheSize
	}
	var err error
	if a.audiences, err = compileAudiences(cfg.Audiences); err != nil {
		return nil, err
	}
	if err := a.Reload(cfg.APIKeys, cfg.JWTSecrets); err != nil {
		return nil, err
	}
	return a, nil
}

// Reload replaces the API keys and JWT secrets at once, for rotation on
// SIGHUP: requests in flight finish with the set they started with, and no
// connection is dropped. It applies the checks of [New] and, on error,
// keeps the current set.
func (a *Authenticator) Reload(apiKeys []APIKey, jwtSecrets [][]byte) error {
	if a.apiKeyOn && len(apiKeys) == 0 {
		return errors.New("auth: api_key authentication is on but no API key is configured")
	}
	if a.jwtOn && len(jwtSecrets) == 0 {
		return errors.New("auth: jwt authentication is on but no JWT secret is configured")
	}
	keys, err := compileKeys(apiKeys, a.allowShort)
	if err != nil {
		return err
	}
	if err := checkSecrets(jwtSecrets, a.allowShort); err != nil {
		return err
	}
	secrets := make([][]byte, len(jwtSecrets))
	for i, s := range jwtSecrets {
		// Copied, so that a caller reusing its buffers cannot change them.
		secrets[i] = append([]byte(nil), s...)
	}
	a.creds.Store(&credentialSet{keys: keys, secrets: secrets, tokens: newTokenCache(a.tokenCacheSize)})
	return nil
}

// Methods returns the accepted methods in configuration order (AUTH-15).
func (a *Authenticator) Methods() []Method { return append([]Method(nil), a.methods...) }

// Authenticate checks r's credentials (AUTHZ-5) and returns the caller, or
// an error: a *Failure when the request is refused, or an *otc.Error with
// CodeTemporarilyUnavailable when the replay cache could not answer. It
// does not log, observe or write a response; [Authenticator.Middleware]
// does.
func (a *Authenticator) Authenticate(r *http.Request) (*otc.Caller, error) {
	if a.none {
		// AUTH-2: nothing of the request is even looked at.
		return &otc.Caller{Method: string(MethodNone), Name: "anonymous"}, nil
	}
	p, f := a.extract(r)
	if f != nil {
		return nil, f
	}
	if p.none() {
		return nil, fail("", ReasonMissing, nil)
	}
	if (p.hasAPIKey || p.hasBearer && p.bearerMethod == MethodAPIKey) && !a.allowPlainHTTP && !secureHop(r) {
		f := fail(MethodAPIKey, ReasonInsecureTransport, nil)
		f.bearer = p.hasBearer && p.bearerMethod == MethodAPIKey
		return nil, f
	}
	set := a.creds.Load()
	// At most one identity per kind of credential: room on the stack.
	var idsBuf [3]*identity
	ids := idsBuf[:0]
	if p.hasAPIKey {
		id, f := checkAPIKey(set.keys, p.apiKey)
		if f != nil {
			return nil, f
		}
		ids = append(ids, id)
	}
	if p.hasBearer {
		var id *identity
		var f *Failure
		if p.bearerMethod == MethodJWT {
			id, f = a.checkJWT(set, p.bearer)
		} else {
			id, f = checkAPIKey(set.keys, p.bearer)
		}
		if f != nil {
			f.bearer = true
			return nil, f
		}
		ids = append(ids, id)
	}
	if p.hasCert {
		id, f := certIdentity(p.cert)
		if f != nil {
			return nil, f
		}
		ids = append(ids, id)
	}
	// Only now that every credential passed is a jti spent: a request
	// refused for another credential must not burn its token.
	for _, id := range ids {
		if id.jti == "" || a.replay == nil {
			continue
		}
		first, err := a.replay.MarkUsed(r.Context(), id.jti, id.exp.Add(a.leeway))
		if err != nil {
			return nil, &otc.Error{Code: otc.CodeTemporarilyUnavailable,
				Message: "The server cannot check tokens right now; try again shortly.",
				Err:     fmt.Errorf("auth: replay cache: %w", err)}
		}
		if !first {
			f := fail(MethodJWT, ReasonReplayed, nil)
			f.bearer = true
			return nil, f
		}
	}
	return callerOf(ids), nil
}

// secureHop reports whether r reached this process over TLS or from a
// loopback peer (AUTH-5). Beyond the first hop nothing can be observed.
func secureHop(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// identity is what one credential established.
type identity struct {
	method   Method
	name     string
	subject  string
	audience []string
	tools    []*toolSet // all must allow a tool
	jti      string
	exp      time.Time
}

func checkAPIKey(keys []storedKey, presented string) (*identity, *Failure) {
	if presented == "" {
		return nil, errFailure(MethodAPIKey, ReasonMalformed, "empty API key")
	}
	if len(presented) > MaxAPIKeyLength {
		return nil, fail(MethodAPIKey, ReasonUnknownKey, nil)
	}
	i := matchAPIKey(keys, presented)
	if i < 0 {
		return nil, fail(MethodAPIKey, ReasonUnknownKey, nil)
	}
	return keys[i].id, nil
}

// checkJWT verifies a token and its claims (AUTH-8..14, AUTHZ-1..4). A
// token found in set's cache skips everything but the time rules.
func (a *Authenticator) checkJWT(set *credentialSet, raw string) (*identity, *Failure) {
	tr := timeRules{now: a.now(), leeway: a.leeway, maxTTL: a.maxTTL}
	var key [32]byte
	if set.tokens != nil {
		key = tokenKey(raw)
		if e := set.tokens.get(key); e != nil {
			if f := checkTimes(e.exp, e.nbf, e.iat, tr); f != nil {
				set.tokens.drop(key)
				return nil, f
			}
			// The cached identity is shared and never written: callerOf
			// copies what a request may see (and may change) into a
			// Caller of the request's own.
			return e.id, nil
		}
	}
	id, c, f := a.verifyJWTIdentity(set.secrets, raw, tr)
	if f != nil {
		return nil, f
	}
	if set.tokens != nil {
		// id is never written after this, like every identity: it can be
		// the cached one as it is.
		set.tokens.put(key, &cachedToken{id: id, exp: c.exp, nbf: c.nbf, iat: c.iat})
	}
	return id, nil
}

// verifyJWTIdentity does the full verification of checkJWT.
func (a *Authenticator) verifyJWTIdentity(secrets [][]byte, raw string, tr timeRules) (*identity, *verifiedClaims, *Failure) {
	tok, f := verifyJWT(raw, secrets)
	if f != nil {
		return nil, nil, f
	}
	c, f := checkClaims(tok.claims, tr)
	if f != nil {
		return nil, nil, f
	}
	id := &identity{method: MethodJWT, subject: c.subject, audience: c.audience, jti: c.jti, exp: time.Unix(c.exp, 0)}
	if len(c.audience) == 0 && a.requireAudience {
		return nil, nil, errFailure(MethodJWT, ReasonAudience, "the token has no aud claim")
	}
	// AUTH-13, AUTHZ-1: every aud value must be an allowed client; the
	// token may use only what all of them may.
	for _, aud := range c.audience {
		tools, ok := a.audiences[aud]
		if !ok {
			return nil, nil, fail(MethodJWT, ReasonAudience, nil)
		}
		id.tools = append(id.tools, tools)
	}
	if c.scope != nil {
		id.tools = append(id.tools, c.scope)
	}
	if a.requireJTI && c.jti == "" {
		return nil, nil, fail(MethodJWT, ReasonMissingJTI, nil)
	}
	switch {
	case c.subject != "":
		id.name = c.subject
	case len(c.audience) > 0:
		id.name = strings.Join(c.audience, ",")
	default:
		id.name = "jwt"
	}
	return id, c, nil
}

// callerOf names the caller after its strongest credential for the
// application, a JWT, then an API key, then a certificate (AUTH-17), and
// lets it use only the tools that every credential allows.
func callerOf(ids []*identity) *otc.Caller {
	var primary *identity
	for _, want := range []Method{MethodJWT, MethodAPIKey, MethodMTLS} {
		for _, id := range ids {
			if id.method == want && primary == nil {
				primary = id
			}
		}
	}
	var sets []*toolSet
	for _, id := range ids {
		sets = append(sets, id.tools...)
	}
	// Each request gets its own Caller and audience slice, so that no
	// request (nor a tool it runs) can change what another one sees: an
	// identity may come from the token cache, shared by every request
	// with the same token.
	return &otc.Caller{
		Method:   string(primary.method),
		Name:     primary.name,
		Subject:  primary.subject,
		Audience: slices.Clone(primary.audience),
		Allow:    allowFunc(sets...),
	}
}
