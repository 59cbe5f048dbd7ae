package otc

import "context"

// Caller is the authenticated client of a request, as server authentication
// established it. Tools may read it to know who is calling; logs and audit
// records name it.
type Caller struct {
	// Method is the authentication method that admitted the request:
	// "none", "api_key", "jwt" or "mtls".
	Method string
	// Name identifies the client: the API key's name, the JWT's subject (or
	// its audience when there is no subject), or the certificate subject.
	// It is "anonymous" when Method is "none".
	Name string
	// Subject and Audience are the JWT's sub and aud claims, when present.
	Subject  string
	Audience []string
	// Allow reports whether the caller may use a tool, given its qualified
	// name "Toolkit.Tool". Nil allows every tool.
	Allow func(qualifiedName string) bool
}

// MayUse reports whether c may see and call the tool named qualifiedName
// ("Toolkit.Tool"). A nil Caller (no authentication layer) may use all tools.
func (c *Caller) MayUse(qualifiedName string) bool {
	return c == nil || c.Allow == nil || c.Allow(qualifiedName)
}

type callerKey struct{}

// WithCaller returns a context that carries c.
func WithCaller(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFromContext returns the Caller that authentication stored in ctx.
func CallerFromContext(ctx context.Context) (*Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(*Caller)
	return c, ok && c != nil
}
