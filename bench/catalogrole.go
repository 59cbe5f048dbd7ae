package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/server"
)

// newCatalogHandler returns the otc server (package server, as a program
// embedding otc would build it) serving n generated tools. Start-up time,
// as measured, includes building and registering them: that is what a
// server with a catalog this size does before it can answer.
func newCatalogHandler(n int) (http.Handler, error) {
	if n <= 0 {
		return nil, fmt.Errorf("catalog: want a positive number of tools, got %d", n)
	}
	tools := make([]*otc.Tool, 0, n)
	for i := range n {
		t, err := generatedTool(i)
		if err != nil {
			return nil, err
		}
		tools = append(tools, t)
	}
	reg := otc.NewRegistry()
	if err := reg.Register(tools...); err != nil {
		return nil, err
	}
	srv, err := server.New(server.Options{Registry: reg})
	if err != nil {
		return nil, err
	}
	return srv.Handler(), nil
}

// generatedParameters is the input schema of every generated tool: three
// described parameters, about the size of a real tool's.
var generatedParameters = json.RawMessage(`{
	"type": "object",
	"properties": {
		"query": {"type": "string", "description": "What to look up, in a few words.", "maxLength": 200},
		"limit": {"type": "integer", "description": "How many results to return, from 1 to 50.", "minimum": 1, "maximum": 50},
		"exact": {"type": "boolean", "description": "Match the query exactly instead of by prefix."}
	},
	"required": ["query"],
	"additionalProperties": false
}`)

// generatedTool returns tool number i of the generated catalog: a hundred
// toolkits of up to a hundred tools each, all returning their input.
func generatedTool(i int) (*otc.Tool, error) {
	return otc.NewRawTool(otc.ToolSpec{
		Toolkit:     fmt.Sprintf("Bench%03d", i/100),
		Name:        fmt.Sprintf("Lookup%03d", i%100),
		Version:     "1.0.0",
		Description: fmt.Sprintf("Looks up records of kind %d by query and returns the matches, newest first.", i),
	}, generatedParameters, json.RawMessage(`{}`),
		func(_ context.Context, input json.RawMessage) (json.RawMessage, error) { return input, nil })
}
