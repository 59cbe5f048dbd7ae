package auth_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/auth"
)

// An API key and JWT server: the middleware admits a request with a valid
// key or token and hands the caller to the protected handler.
func ExampleAuthenticator_Middleware() {
	keys, err := auth.ParseAPIKeys("ci=" + strings.Repeat("k", 40))
	if err != nil {
		panic(err)
	}
	a, err := auth.New(auth.Config{
		Methods:    []auth.Method{auth.MethodAPIKey, auth.MethodJWT},
		APIKeys:    keys,
		JWTSecrets: [][]byte{[]byte(strings.Repeat("s", 32))},
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		panic(err)
	}
	tools := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, _ := otc.CallerFromContext(r.Context())
		fmt.Fprintf(w, "hello %s", caller.Name)
	}))

	for _, key := range []string{strings.Repeat("k", 40), "wrong"} {
		r := httptest.NewRequest(http.MethodGet, "/tools", nil)
		r.RemoteAddr = "127.0.0.1:50000"
		r.Header.Set("OTC-API-Key", key)
		w := httptest.NewRecorder()
		tools.ServeHTTP(w, r)
		if w.Code == http.StatusOK {
			fmt.Println(w.Code, w.Body.String())
			continue
		}
		var body struct{ Message string }
		_ = json.Unmarshal(w.Body.Bytes(), &body)
		fmt.Println(w.Code, body.Message)
		fmt.Println(w.Result().Header.Values("WWW-Authenticate"))
	}
	// Output:
	// 200 hello ci
	// 401 Authentication failed: The API key is not valid.
	// [APIKey realm="otc", header="OTC-API-Key" Bearer realm="otc"]
}

// Minting a token for the "ci" client, valid five minutes, limited to the
// Calculator toolkit.
func ExampleMintToken() {
	tok, err := auth.MintToken([]byte("an-example-secret-of-32-bytes-or-more"), auth.MintOptions{
		Audience: []string{"ci"},
		Subject:  "deploy-bot",
		Scope:    "Calculator.*",
		TTL:      5 * time.Minute,
		Now:      time.Unix(1767225600, 0),
		ID:       "example",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(tok)
	// Output:
	// eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJjaSIsImV4cCI6MTc2NzIyNTkwMCwiaWF0IjoxNzY3MjI1NjAwLCJqdGkiOiJleGFtcGxlIiwic2NvcGUiOiJDYWxjdWxhdG9yLioiLCJzdWIiOiJkZXBsb3ktYm90In0.lxbdZXzDv5hNdwAgYA40PdvjGa1q0UsHGWWJ2StTJyo
}

// A generated key goes to the client; its digest goes to the server's
// configuration, so the server never holds the key.
func ExampleGenerateKey() {
	key, digest, err := auth.GenerateKey()
	if err != nil {
		panic(err)
	}
	keys, err := auth.ParseAPIKeys("laptop=" + digest)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(key), strings.HasPrefix(digest, "sha256:"), keys[0].Name, keys[0].PlainLength)
	// Output:
	// 43 true laptop 0
}

// Entries may be named or not, plain or digests, on lines or comma
// separated; comments and blank lines are ignored.
func ExampleParseAPIKeys() {
	keys, err := auth.ParseAPIKeys(`# clients of this server
ci=` + strings.Repeat("c", 43) + `
laptop=sha256:` + strings.Repeat("ab", 32) + `, ` + strings.Repeat("x", 32) + `
`)
	if err != nil {
		panic(err)
	}
	for _, k := range keys {
		fmt.Println(k.Name, k.PlainLength)
	}
	// Output:
	// ci 43
	// laptop 0
	// key-c62e4615 32
}

// The first start generates credentials; later starts reuse them.
func ExampleEnsureGeneratedCredentials() {
	dir, err := os.MkdirTemp("", "otc-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	for range 2 {
		g, err := auth.EnsureGeneratedCredentials(dir)
		if err != nil {
			panic(err)
		}
		fmt.Println(g.APIKeyCreated, g.JWTSecretCreated, g.APIKeys[0].Name, len(g.JWTSecrets))
	}
	// Output:
	// true true local 1
	// false false local 1
}
