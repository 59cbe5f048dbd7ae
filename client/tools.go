package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/otc-dev/otc"
)

// ListTools returns the definitions of the tools the server offers this
// client (LIST-1). Connection failures and 502/503/504 answers are retried
// as the retry policy allows.
func (c *Client) ListTools(ctx context.Context) ([]otc.ToolDefinition, error) {
	rep, err := c.send(ctx, http.MethodGet, "/tools", nil, c.retry.enabled())
	if err != nil {
		return nil, err
	}
	if rep.status != http.StatusOK {
		return nil, statusErr(rep)
	}
	return decodeToolList(rep.status, rep.body)
}

// listBody is a list response as any OTC 1.0 or OXP 1.0 server sends it:
// the array under "tools" (OTC) or "items" (OXP, COMPAT-1).
type listBody struct {
	Schema string            `json:"$schema"`
	Tools  []json.RawMessage `json:"tools"`
	Items  []json.RawMessage `json:"items"`
}

// toolBody is a tool definition read tolerantly: the input schema is kept
// raw, because OXP servers send the JSON Schema itself where OTC wraps it in
// {"parameters": ...}.
type toolBody struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Description  string            `json:"description"`
	Version      string            `json:"version"`
	InputSchema  json.RawMessage   `json:"input_schema"`
	OutputSchema json.RawMessage   `json:"output_schema"`
	Requirements *otc.Requirements `json:"requirements"`
}

// decodeToolList reads a list response body.
func decodeToolList(status int, body []byte) ([]otc.ToolDefinition, error) {
	var lb listBody
	if err := json.Unmarshal(body, &lb); err != nil {
		return nil, &ResponseError{StatusCode: status, Reason: "tool list is not a JSON object", Err: err}
	}
	if err := checkSchema(status, lb.Schema); err != nil {
		return nil, err
	}
	raw := lb.Tools
	if raw == nil {
		raw = lb.Items
	}
	if raw == nil {
		return nil, &ResponseError{StatusCode: status, Reason: `tool list has neither "tools" nor "items"`}
	}
	defs := make([]otc.ToolDefinition, 0, len(raw))
	for i, r := range raw {
		def, err := decodeTool(r)
		if err != nil {
			return nil, &ResponseError{StatusCode: status, Reason: fmt.Sprintf("tool %d", i), Err: err}
		}
		defs = append(defs, def)
	}
	return defs, nil
}

// decodeTool reads one definition and brings it to the OTC form.
func decodeTool(raw json.RawMessage) (otc.ToolDefinition, error) {
	var tb toolBody
	if err := json.Unmarshal(raw, &tb); err != nil {
		return otc.ToolDefinition{}, err
	}
	if tb.ID == "" {
		return otc.ToolDefinition{}, fmt.Errorf("no id")
	}
	params, err := parameters(tb.InputSchema)
	if err != nil {
		return otc.ToolDefinition{}, fmt.Errorf("tool %q: %w", truncate(tb.ID, 80), err)
	}
	out := tb.OutputSchema
	if len(out) == 0 {
		// Absent is not null ("returns nothing", DEF-5): say "any value".
		out = json.RawMessage(`{}`)
	}
	return otc.ToolDefinition{
		ID:           tb.ID,
		Name:         tb.Name,
		Description:  tb.Description,
		Version:      tb.Version,
		InputSchema:  otc.InputSchema{Parameters: params},
		OutputSchema: out,
		Requirements: tb.Requirements,
	}, nil
}

// parameters returns the JSON Schema of a tool's input from input_schema in
// either form: {"parameters": schema} (OTC, DEF-4) or the schema itself
// (OXP). Absent or null means no parameters.
func parameters(inputSchema json.RawMessage) (json.RawMessage, error) {
	trimmed := bytes.TrimSpace(inputSchema)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return json.RawMessage(`{}`), nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &fields); err != nil {
		return nil, fmt.Errorf("input_schema is not an object")
	}
	p, ok := fields["parameters"]
	switch {
	case !ok:
		return trimmed, nil
	case isObject(p):
		return p, nil
	}
	return nil, fmt.Errorf("input_schema.parameters is not an object")
}

// isObject reports whether raw is a JSON object.
func isObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}

// FindTool returns the definition among defs that toolID selects, with the
// protocol's version rules: "Toolkit.Tool@x.y.z" exactly that version
// (VER-1), "Toolkit.Tool@x" exactly x.0.0 (VER-2), and "Toolkit.Tool" the
// newest version (VER-3). Definitions whose id does not parse are skipped.
func FindTool(defs []otc.ToolDefinition, toolID string) (otc.ToolDefinition, bool) {
	want, err := otc.ParseToolID(toolID)
	if err != nil {
		return otc.ToolDefinition{}, false
	}
	var (
		best    otc.ToolDefinition
		bestVer otc.Version
		found   bool
	)
	for _, d := range defs {
		ref, err := otc.ParseToolID(d.ID)
		if err != nil || ref.QualifiedName() != want.QualifiedName() {
			continue
		}
		v := ref.Version
		if ref.Selector != otc.ExactVersion {
			// A definition's id should carry its version (DEF-1); fall back
			// to the version field for servers whose ids do not.
			if pv, err := otc.ParseVersion(d.Version); err == nil {
				v = pv
			}
		}
		switch want.Selector {
		case otc.ExactVersion, otc.MajorVersion:
			if v == want.Version {
				return d, true
			}
		default:
			if !found || v.Compare(bestVer) > 0 {
				best, bestVer, found = d, v, true
			}
		}
	}
	return best, found
}
