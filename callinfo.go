package otc

import "context"

// CallInfo describes the call a tool function is running for.
type CallInfo struct {
	// CallID is the client's call_id, or the one the server generated (CALL-6).
	CallID string
	// TraceID is the client's trace_id, if any (CALL-7).
	TraceID string
	// UserID is context.user_id, if the client sent one.
	UserID string
	// ToolID is the resolved "Toolkit.Tool@x.y.z".
	ToolID string
	// Caller is the authenticated client, or nil without authentication.
	Caller *Caller
}

// callValues is what a tool may read from its context. Secrets and tokens
// are kept unexported so that only the accessors below reach them.
type callValues struct {
	info    CallInfo
	secrets map[string]string
	tokens  map[string]string
}

type callKey struct{}

// NewCallContext returns a context for running a tool: it carries info and
// the secrets and authorization tokens (by id) that the tool's definition
// declared, and only those (REQ-5). The server calls it; tests of a tool
// function call it to simulate a call.
func NewCallContext(ctx context.Context, info CallInfo, secrets, tokens map[string]string) context.Context {
	return context.WithValue(ctx, callKey{}, &callValues{info: info, secrets: secrets, tokens: tokens})
}

// CallInfoFromContext returns the call's identifiers. Outside a tool call it
// returns the zero CallInfo and false.
func CallInfoFromContext(ctx context.Context) (CallInfo, bool) {
	v, ok := ctx.Value(callKey{}).(*callValues)
	if !ok {
		return CallInfo{}, false
	}
	return v.info, true
}

// SecretFromContext returns the value of the secret id that the tool declared in its
// requirements and the client sent in context.secrets (REQ-3).
func SecretFromContext(ctx context.Context, id string) (string, bool) {
	v, ok := ctx.Value(callKey{}).(*callValues)
	if !ok {
		return "", false
	}
	s, ok := v.secrets[id]
	return s, ok
}

// AuthorizationTokenFromContext returns the token for authorization provider id that
// the tool declared and the client sent in context.authorization (REQ-2).
func AuthorizationTokenFromContext(ctx context.Context, id string) (string, bool) {
	v, ok := ctx.Value(callKey{}).(*callValues)
	if !ok {
		return "", false
	}
	t, ok := v.tokens[id]
	return t, ok
}
