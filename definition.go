package otc

import "encoding/json"

// ToolDefinition is a tool as GET /tools describes it (DEF-1..DEF-6).
type ToolDefinition struct {
	// ID is "Toolkit.Tool@x.y.z", unique on a server (DEF-1).
	ID string `json:"id"`
	// Name matches ^[A-Za-z0-9_-]{1,64}$ (DEF-2).
	Name string `json:"name"`
	// Description says when and how the tool should be used (DEF-3).
	Description string `json:"description"`
	// Version is the semantic version "x.y.z" (DEF-3).
	Version string `json:"version"`
	// InputSchema wraps the JSON Schema of the input (DEF-4, COMPAT-5).
	InputSchema InputSchema `json:"input_schema"`
	// OutputSchema is a JSON Schema, {} for any value, or the JSON literal
	// null for a tool that returns nothing (DEF-5). It is always present.
	OutputSchema json.RawMessage `json:"output_schema"`
	// Requirements lists what a call must carry besides its input (DEF-6).
	Requirements *Requirements `json:"requirements,omitempty"`
}

// InputSchema is the OTC wrapper {"parameters": <JSON Schema>} (DEF-4).
type InputSchema struct {
	Parameters json.RawMessage `json:"parameters"`
}

// Requirements are a tool's own needs: authorization tokens, secrets and a
// user id that the client must send in the call's context (REQ-1..4). They
// are unrelated to server authentication.
type Requirements struct {
	Authorization []AuthorizationRequirement `json:"authorization,omitempty"`
	Secrets       []SecretRequirement        `json:"secrets,omitempty"`
	UserID        bool                       `json:"user_id,omitempty"`
}

// AuthorizationRequirement names an authorization provider whose token the
// tool needs, with the OAuth 2.0 scopes it expects.
type AuthorizationRequirement struct {
	ID     string        `json:"id"`
	OAuth2 *OAuth2Scopes `json:"oauth2,omitempty"`
}

// OAuth2Scopes lists OAuth 2.0 scopes.
type OAuth2Scopes struct {
	Scopes []string `json:"scopes"`
}

// SecretRequirement names a secret the tool needs.
type SecretRequirement struct {
	ID string `json:"id"`
}

// IsEmpty reports whether r asks for nothing (REQ-1).
func (r *Requirements) IsEmpty() bool {
	return r == nil || len(r.Authorization) == 0 && len(r.Secrets) == 0 && !r.UserID
}
