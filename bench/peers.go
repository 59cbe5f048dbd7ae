package main

import (
	"context"
	"net/http"
	"strconv"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpgoserver "github.com/mark3labs/mcp-go/server"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The MCP peers serve the same Add tool as otc's Calculator.Add@1.0.0, each
// written the way its README shows, with the options that make it
// comparable: stateless streamable HTTP (no session to create or look up)
// answering with application/json (no SSE framing), input checked against
// the tool's schema as otc checks it (CALL-4).

// mcpPath is where the peers serve MCP.
const mcpPath = "/mcp"

// addInput is the Add tool's input in the official SDK, which infers the
// input schema from it.
type addInput struct {
	A float64 `json:"a" jsonschema:"The first addend"`
	B float64 `json:"b" jsonschema:"The second addend"`
}

// newGoSDKHandler returns the official MCP Go SDK serving Add: a typed tool
// (input validated against the inferred schema, structured output) behind
// the stateless streamable HTTP handler with JSON responses.
func newGoSDKHandler() http.Handler {
	srv := mcp.NewServer(&mcp.Implementation{Name: "bench", Version: "1.0.0"}, nil)
	mcp.AddTool(srv, &mcp.Tool{Name: "add", Description: "Adds two numbers."},
		func(_ context.Context, _ *mcp.CallToolRequest, in addInput) (*mcp.CallToolResult, float64, error) {
			return nil, in.A + in.B, nil
		})
	return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv },
		&mcp.StreamableHTTPOptions{Stateless: true, JSONResponse: true})
}

// newMCPGoHandler returns mark3labs/mcp-go serving Add as its quickstart
// does (NewTool with required numbers, RequireFloat, a text result), with
// input schema validation switched on and a stateless streamable HTTP
// server, which answers a call without notifications as application/json.
func newMCPGoHandler() http.Handler {
	srv := mcpgoserver.NewMCPServer("bench", "1.0.0",
		mcpgoserver.WithToolCapabilities(false),
		mcpgoserver.WithInputSchemaValidation(),
	)
	tool := mcpgo.NewTool("add",
		mcpgo.WithDescription("Adds two numbers."),
		mcpgo.WithNumber("a", mcpgo.Required(), mcpgo.Description("The first addend")),
		mcpgo.WithNumber("b", mcpgo.Required(), mcpgo.Description("The second addend")),
	)
	srv.AddTool(tool, func(_ context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		a, err := req.RequireFloat("a")
		if err != nil {
			return mcpgo.NewToolResultError(err.Error()), nil
		}
		b, err := req.RequireFloat("b")
		if err != nil {
			return mcpgo.NewToolResultError(err.Error()), nil
		}
		return mcpgo.NewToolResultText(strconv.FormatFloat(a+b, 'g', -1, 64)), nil
	})
	return mcpgoserver.NewStreamableHTTPServer(srv, mcpgoserver.WithStateLess(true))
}
