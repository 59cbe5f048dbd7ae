package server_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/server"
)

// AddInput is the input of the example's Calculator.Add.
type AddInput struct {
	A float64 `json:"a" jsonschema:"description=The first number."`
	B float64 `json:"b" jsonschema:"description=The second number."`
}

func newRegistry() *otc.Registry {
	reg := otc.NewRegistry()
	add := otc.MustNewTool(otc.ToolSpec{
		Toolkit: "Calculator", Name: "Add", Version: "1.0.0",
		Description: "Adds two numbers.",
	}, func(_ context.Context, in AddInput) (float64, error) {
		return in.A + in.B, nil
	})
	if err := reg.Register(add); err != nil {
		log.Fatal(err)
	}
	return reg
}

// A server over a registry of one tool, called over HTTP. The fixed clock
// makes the duration 0 so that the output is stable.
func ExampleNew() {
	srv, err := server.New(server.Options{
		Registry: newRegistry(),
		Now:      func() time.Time { return time.Unix(0, 0) },
	})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	resp, err := http.Post(ts.URL+"/tools/call", "application/json",
		strings.NewReader(`{"request":{"call_id":"example-1","tool_id":"Calculator.Add","input":{"a":2,"b":3}}}`))
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status)
	fmt.Print(string(body))
	// Output:
	// 200 OK
	// {"$schema":"otc://1.0","result":{"call_id":"example-1","duration":0,"success":true,"value":5}}
}

// Options.Protect puts authentication in front of GET /tools and
// POST /tools/call; /health stays public.
func ExampleServer_Handler() {
	requireKey := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("OTC-API-Key") != "example-key" {
				http.Error(w, `{"message":"Authentication required."}`, http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	srv, err := server.New(server.Options{Registry: newRegistry(), Protect: requireKey, AuthMethods: []string{server.AuthAPIKey}})
	if err != nil {
		log.Fatal(err)
	}
	for _, path := range []string{"/health", "/tools"} {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		fmt.Println(path, rec.Code)
	}
	// Output:
	// /health 200
	// /tools 401
}

// Taking a server out of service: StartDrain turns /health to 503 so that
// load balancers move on, then Shutdown waits for the calls in flight.
func ExampleServer_Shutdown() {
	srv, err := server.New(server.Options{Registry: newRegistry(), DrainGrace: time.Second})
	if err != nil {
		log.Fatal(err)
	}
	srv.StartDrain()
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/health", nil))
	fmt.Println("health while draining:", rec.Code)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("all calls finished")
	// Output:
	// health while draining: 503
	// all calls finished
}
