package auth_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/auth"
)

// Tokens in these tests are forged by hand, with crypto/hmac and
// encoding/base64 only: no JWT library on the attacking side, so that no
// library's idea of a well-formed token limits what is tried.

// The fixed clock of every test: no test sleeps.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

// unix returns the test clock plus d, in Unix seconds.
func unix(d time.Duration) int64 { return testNow.Add(d).Unix() }

// Credentials of the test server. They are long and distinctive so that
// the redaction test can search for them anywhere.
var (
	secret    = []byte("test-jwt-secret-current-0123456789abcdefXYZ")
	oldSecret = []byte("test-jwt-secret-previous-0123456789abcdefXYZ")
	keyAlpha  = "alpha-api-key-0123456789-abcdefghijklmnopqrstuvwxyz"
	keyBeta   = "beta-api-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)

// seg is base64url without padding of s, a JWS segment.
func seg(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// signWith returns header.payload.signature with an HMAC over the first two
// segments, as written, using h.
func signWith(h func() hash.Hash, headerSeg, payloadSeg string, key []byte) string {
	mac := hmac.New(h, key)
	mac.Write([]byte(headerSeg + "." + payloadSeg))
	return headerSeg + "." + payloadSeg + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// forge signs header and payload JSON (written literally) with HS256.
func forge(header, payload string, key []byte) string {
	return signWith(sha256.New, seg(header), seg(payload), key)
}

const hs256 = `{"alg":"HS256","typ":"JWT"}`

// claims returns a JSON claims object with exp 5 minutes ahead and the
// given extra members (raw JSON fragments such as `"sub":"x"`).
func claims(extra ...string) string {
	parts := append([]string{`"exp":` + itoa(unix(5*time.Minute)), `"iat":` + itoa(unix(0))}, extra...)
	return "{" + strings.Join(parts, ",") + "}"
}

// validToken is a well-formed token signed with the current secret.
func validToken(extra ...string) string { return forge(hs256, claims(extra...), secret) }

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

var _ = sha512.New // HS384/HS512 forgeries use it

// counter is an inner handler that counts the requests that reached it and
// records the caller of the last one.
type counter struct {
	n      atomic.Int64
	mu     sync.Mutex
	caller *otc.Caller
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	caller, _ := otc.CallerFromContext(r.Context())
	c.mu.Lock()
	c.caller = caller
	c.mu.Unlock()
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "tool ran")
}

func (c *counter) last() *otc.Caller {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.caller
}

// baseConfig is api_key + jwt with two keys, two secrets and two audiences.
func baseConfig() auth.Config {
	alpha, _ := auth.NewAPIKey("alpha", keyAlpha)
	beta, _ := auth.NewAPIKey("beta", auth.Digest(keyBeta))
	beta.Tools = []string{"Calculator.*"}
	return auth.Config{
		Methods:    []auth.Method{auth.MethodAPIKey, auth.MethodJWT},
		APIKeys:    []auth.APIKey{alpha, beta},
		JWTSecrets: [][]byte{secret, oldSecret},
		Audiences: []auth.Audience{
			{Name: "agents"},
			{Name: "ci", Tools: []string{"Calculator.*", "Demo.WhoAmI"}},
		},
		Now:    clock,
		Logger: discard,
	}
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func mustNew(t testing.TB, cfg auth.Config) *auth.Authenticator {
	t.Helper()
	a, err := auth.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

// request is a request to /tools from a loopback peer with the headers
// given as name, value pairs (a name may repeat).
func request(headers ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/tools", nil)
	r.RemoteAddr = "127.0.0.1:40000"
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	return r
}

// serve runs one request through a's middleware in front of c.
func serve(a *auth.Authenticator, c *counter, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	a.Middleware(c).ServeHTTP(w, r)
	return w
}

// errorBody is the 401 body.
type errorBody struct {
	Message          string `json:"message"`
	DeveloperMessage string `json:"developer_message"`
}

func decodeBody(t testing.TB, b []byte) errorBody {
	t.Helper()
	var e errorBody
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("401 body %q: %v", b, err)
	}
	return e
}
