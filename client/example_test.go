package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/auth"
	"github.com/otc-dev/otc/client"
	"github.com/otc-dev/otc/server"
	"github.com/otc-dev/otc/toolkits/examples"
)

// An agent's whole path: check the server, discover a tool, call it, and
// read a failure and a rejected input the way a model would need them.
func Example() {
	// A tool server with the examples toolkit that accepts JWTs, as
	// "otc serve" runs it.
	secret := []byte("a-shared-secret-of-at-least-32-bytes!")
	reg := otc.NewRegistry()
	if err := reg.Register(examples.Tools(examples.Options{})...); err != nil {
		log.Fatal(err)
	}
	authn, err := auth.New(auth.Config{Methods: []auth.Method{auth.MethodJWT}, JWTSecrets: [][]byte{secret}})
	if err != nil {
		log.Fatal(err)
	}
	srv, err := server.New(server.Options{Registry: reg, Protect: authn.Middleware})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	// The agent's client mints its own short-lived tokens from the secret.
	c, err := client.New(ts.URL, &client.Options{JWTSecret: secret, Subject: "agent-7"})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Health(ctx); err != nil {
		log.Fatal(err)
	}

	// Discover a tool and its input schema.
	tools, err := c.ListTools(ctx)
	if err != nil {
		log.Fatal(err)
	}
	add, _ := client.FindTool(tools, "Calculator.Add@1")
	fmt.Println(add.ID, "-", add.Description)

	// Call it.
	res, err := c.CallTool(ctx, add.ID, map[string]float64{"a": 1, "b": 2})
	if err != nil {
		log.Fatal(err)
	}
	var sum float64
	if err := res.Decode(&sum); err != nil {
		log.Fatal(err)
	}
	fmt.Println("sum:", sum)

	// A tool's failure is a value, with hints for the model's next try.
	res, err = c.CallTool(ctx, "Doorbell.Ring", map[string]string{"doorbell_id": "front"}, client.WithoutRetry())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("success: %v, error: %q, can retry: %v after %s, hint: %q\n",
		res.Success, res.Error.Message, res.CanRetry(), res.RetryAfter(), res.AdditionalPromptContent())

	// Input that does not match the schema never reaches the tool.
	_, err = c.CallTool(ctx, add.ID, map[string]any{"a": "one", "b": 2})
	var invalid *client.ValidationError
	if errors.As(err, &invalid) {
		fmt.Println("invalid input for:", len(invalid.ParameterErrors), "parameter(s)")
	}
	// Output:
	// Calculator.Add@1.0.0 - Adds two numbers and returns the sum.
	// sum: 3
	// success: false, error: "No doorbell has that id.", can retry: true after 500ms, hint: "ids: doorbell42,doorbell84"
	// invalid input for: 1 parameter(s)
}

// The client refuses to send an API key in clear text to another machine
// (AUTH-5).
func ExampleNew_insecureAPIKey() {
	_, err := client.New("http://tools.example.com", &client.Options{APIKey: "k"})
	var insecure *client.InsecureAPIKeyError
	fmt.Println(errors.As(err, &insecure))

	// Loopback is this machine: nothing crosses a network.
	_, err = client.New("http://127.0.0.1:8080", &client.Options{APIKey: "k"})
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}

// Call options carry what a tool's requirements ask for (REQ-2..4) and the
// call's identifiers (CALL-6, CALL-7).
func ExampleClient_CallTool() {
	reg := otc.NewRegistry()
	if err := reg.Register(examples.Tools(examples.Options{})...); err != nil {
		log.Fatal(err)
	}
	srv, err := server.New(server.Options{Registry: reg})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	c, err := client.New(ts.URL, nil)
	if err != nil {
		log.Fatal(err)
	}

	res, err := c.CallTool(context.Background(), "Demo.SecretFingerprint", nil,
		client.WithCallID("call-0001"), client.WithTraceID("trace-9"),
		client.WithSecret("DEMO_SECRET", "hunter2"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.CallID, res.Success)
	// Output:
	// call-0001 true
}
