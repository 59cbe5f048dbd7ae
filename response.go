package otc

import "encoding/json"

// CallResponse is the 200 body of POST /tools/call (CALL-2).
type CallResponse struct {
	Schema string           `json:"$schema,omitempty"`
	Result CallToolResponse `json:"result"`
}

// CallToolResponse is the outcome of a call that ran (CALL-2, CALL-8..10).
type CallToolResponse struct {
	CallID string `json:"call_id"`
	// Duration is the call's run time in milliseconds (CALL-8).
	Duration float64 `json:"duration"`
	Success  bool    `json:"success"`
	// Value is the tool's result; absent when the tool returns nothing or
	// failed (CALL-10).
	Value json.RawMessage `json:"value,omitempty"`
	// Error is set exactly when Success is false (CALL-9, CALL-10).
	Error *ToolError `json:"error,omitempty"`
}

// ListToolsResponse is the 200 body of GET /tools (LIST-1, COMPAT-1).
type ListToolsResponse struct {
	Schema string           `json:"$schema"`
	Tools  []ToolDefinition `json:"tools"`
	// Items repeats Tools for clients generated from the OXP document.
	Items []ToolDefinition `json:"items,omitempty"`
}

// ServerErrorResponse is the body of a 400 (and of 401, 403, 404, 405, 413,
// 429 and 503 answers of this server) (CALL-3, CALL-5).
type ServerErrorResponse struct {
	Schema  string `json:"$schema,omitempty"`
	Message string `json:"message"`
	// DeveloperMessage is for logs and developers; it never carries secrets.
	DeveloperMessage string `json:"developer_message,omitempty"`
	// MissingRequirements names what a call lacked (REQ-2..4), never what
	// it sent.
	MissingRequirements *MissingRequirements `json:"missing_requirements,omitempty"`
}

// MissingRequirements names the requirements a call did not satisfy.
type MissingRequirements struct {
	Authorization []AuthorizationRequirement `json:"authorization,omitempty"`
	Secrets       []SecretRequirement        `json:"secrets,omitempty"`
	UserID        bool                       `json:"user_id,omitempty"`
}

// ValidationErrorResponse is the 422 body for input that fails the tool's
// input schema (CALL-4).
type ValidationErrorResponse struct {
	Schema  string `json:"$schema,omitempty"`
	Message string `json:"message"`
	// ParameterErrors maps a top-level parameter name to what is wrong with
	// it. Errors about the input object as a whole use the key "".
	ParameterErrors map[string]string `json:"parameter_errors,omitempty"`
}
