package otc

import "encoding/json"

// CallRequest is the body of POST /tools/call (CALL-1).
type CallRequest struct {
	// Schema names the protocol version (SCHEMA-1); empty means the latest.
	Schema  string          `json:"$schema,omitempty"`
	Request CallToolRequest `json:"request"`
}

// CallToolRequest asks for one tool call.
type CallToolRequest struct {
	// CallID is an optional idempotency key (CALL-6).
	CallID string `json:"call_id,omitempty"`
	// TraceID is carried into logs and traces (CALL-7).
	TraceID string `json:"trace_id,omitempty"`
	// ToolID is "Toolkit.Tool[@version]" (DEF-1, VER-1..3).
	ToolID string `json:"tool_id"`
	// Input is the tool's input object. Servers also accept the spelling
	// "inputs" (COMPAT-2).
	Input json.RawMessage `json:"input,omitempty"`
	// Context carries the tool's requirements (REQ-2..4).
	Context *CallContext `json:"context,omitempty"`
}

// CallContext carries what a tool's requirements ask for. Its tokens and
// secrets reach the tool function and nothing else (REQ-5).
type CallContext struct {
	Authorization []AuthorizationToken `json:"authorization,omitempty"`
	Secrets       []Secret             `json:"secrets,omitempty"`
	UserID        string               `json:"user_id,omitempty"`
}

// AuthorizationToken is a token for one authorization provider.
type AuthorizationToken struct {
	ID    string `json:"id"`
	Token string `json:"token"`
}

// String hides the token, so that a stray %v never prints it (REQ-5).
func (t AuthorizationToken) String() string { return t.ID + "=[REDACTED]" }

// Secret is one secret value for a tool.
type Secret struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// String hides the value, so that a stray %v never prints it (REQ-5).
func (s Secret) String() string { return s.ID + "=[REDACTED]" }
