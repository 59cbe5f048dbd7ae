package otc_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/server"
)

// GreetInput is the input of Greeter.Greet. Each field is a parameter: its
// name comes from the json tag, its description from the jsonschema tag, and
// a field without omitempty is required.
type GreetInput struct {
	Name     string `json:"name" jsonschema:"description=Who to greet."`
	Language string `json:"language,omitempty" jsonschema:"description=Language of the greeting: en or fr.,enum=en,enum=fr"`
}

// GreetOutput is what Greeter.Greet returns; its schema is the tool's
// output_schema.
type GreetOutput struct {
	Greeting string `json:"greeting"`
}

// Publishing a tool written in Go, as the README shows: define it, register
// it, serve it. Protect would take the auth middleware (package auth).
func Example_publishTool() {
	greet := otc.MustNewTool(otc.ToolSpec{
		Toolkit: "Greeter", Name: "Greet", Version: "1.0.0",
		Description: "Greets a person by name.",
	}, func(ctx context.Context, in GreetInput) (GreetOutput, error) {
		if in.Name == "nobody" {
			// A failure the model can act on (CALL-9).
			return GreetOutput{}, otc.NewToolError("There is nobody to greet; ask the user for a name.")
		}
		if in.Language == "fr" {
			return GreetOutput{Greeting: "Bonjour, " + in.Name + " !"}, nil
		}
		return GreetOutput{Greeting: "Hello, " + in.Name + "!"}, nil
	})

	reg := otc.NewRegistry()
	if err := reg.Register(greet); err != nil {
		log.Fatal(err)
	}
	srv, err := server.New(server.Options{Registry: reg})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler()) // in production: http.Server{Handler: srv.Handler()}
	defer ts.Close()

	for _, body := range []string{
		`{"request":{"tool_id":"Greeter.Greet","call_id":"c1","input":{"name":"Ada","language":"fr"}}}`,
		`{"request":{"tool_id":"Greeter.Greet","call_id":"c2","input":{"name":"nobody"}}}`,
		`{"request":{"tool_id":"Greeter.Greet","call_id":"c3","input":{"language":"de"}}}`,
	} {
		resp, err := http.Post(ts.URL+"/tools/call", "application/json", strings.NewReader(body))
		if err != nil {
			log.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		// The duration varies from run to run: leave it out of the output.
		fmt.Println(resp.StatusCode, dropDuration(string(b)))
	}
	// Output:
	// 200 {"$schema":"otc://1.0","result":{"call_id":"c1","success":true,"value":{"greeting":"Bonjour, Ada !"}}}
	// 200 {"$schema":"otc://1.0","result":{"call_id":"c2","success":false,"error":{"message":"There is nobody to greet; ask the user for a name.","can_retry":false}}}
	// 422 {"$schema":"otc://1.0","message":"The input does not match the tool's input schema.","parameter_errors":{"language":"must be one of: en, fr","name":"is required"}}
}

// dropDuration removes the "duration" member of a call response.
func dropDuration(s string) string {
	i := strings.Index(s, `"duration":`)
	if i < 0 {
		return strings.TrimSpace(s)
	}
	j := strings.IndexAny(s[i:], ",}")
	return strings.TrimSpace(s[:i] + s[i+j+1:])
}
