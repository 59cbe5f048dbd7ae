package cli

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/client"
)

// resolveKeyValueCall picks the definition that key=value arguments are
// typed by, and builds the input. A tool id with a version names exactly
// one definition (VER-1, VER-2). Without a version the protocol's choice is
// the newest (VER-3); when the arguments do not fit the newest version's
// parameters, the newest older version whose parameters they fit is used
// instead, and its exact id is returned so that the call goes to it, not
// to the newest. "otc call Calculator.Add a=1 b=2" thus reaches the newest
// Calculator.Add that takes a and b.
func resolveKeyValueCall(defs []otc.ToolDefinition, toolID string, pairs []string) (id string, input json.RawMessage, err error) {
	ref, err := otc.ParseToolID(toolID)
	if err != nil {
		return "", nil, err
	}
	if ref.Selector != otc.AnyVersion {
		def, ok := client.FindTool(defs, toolID)
		if !ok {
			return "", nil, errNoTool(toolID)
		}
		input, err := keyValueInput(def.InputSchema.Parameters, pairs)
		return def.ID, input, err
	}
	type candidate struct {
		def     otc.ToolDefinition
		version otc.Version
	}
	var cands []candidate
	for _, d := range defs {
		r, err := otc.ParseToolID(d.ID)
		if err != nil || r.QualifiedName() != ref.QualifiedName() {
			continue
		}
		cands = append(cands, candidate{d, r.Version})
	}
	if len(cands) == 0 {
		return "", nil, errNoTool(toolID)
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].version.Compare(cands[j].version) > 0 })
	var firstErr error
	for i, c := range cands {
		input, err := keyValueInput(c.def.InputSchema.Parameters, pairs)
		if err == nil {
			if i == 0 {
				// The newest: call by the id as given, as the protocol resolves it.
				return toolID, input, nil
			}
			return c.def.ID, input, nil
		}
		if firstErr == nil {
			firstErr = err // the newest version's complaint is the one to show
		}
	}
	return "", nil, firstErr
}

// noToolError is a tool id the server does not list.
type noToolError struct{ id string }

func (e *noToolError) Error() string {
	return fmt.Sprintf("the server has no tool %s (see otc tools list)", e.id)
}

func errNoTool(id string) error { return &noToolError{id: id} }
