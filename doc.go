// Package otc holds the protocol types of Open Tool Calling (OTC) 1.0 and the
// API a tool developer imports to publish tools: tool definitions, typed and
// raw tool handlers, the tool error value, and the accessors through which a
// running tool reads its call's identifiers, secrets and authorization tokens.
//
// The package does no I/O of its own. The HTTP server lives in package
// server, authentication in package auth, the client SDK in package client,
// and durable call records in the store packages.
//
// A tool is written as a plain Go function and registered on a [Registry]:
//
//	type AddInput struct {
//		A float64 `json:"a" jsonschema:"description=The first addend"`
//		B float64 `json:"b" jsonschema:"description=The second addend"`
//	}
//	add := otc.MustNewTool(otc.ToolSpec{
//		Toolkit: "Calculator", Name: "Add", Version: "1.0.0",
//		Description: "Adds two numbers.",
//	}, func(ctx context.Context, in AddInput) (float64, error) {
//		return in.A + in.B, nil
//	})
//
// Requirement IDs such as DEF-1 or CALL-9 refer to spec/OTC-1.0.md.
package otc
