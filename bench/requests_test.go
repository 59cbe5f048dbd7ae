package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/otc-dev/otc"
)

// parseRequest reads b with net/http's own parser: the generator's
// hand-built requests must be what any server accepts.
func parseRequest(t *testing.T, b []byte) (*http.Request, []byte) {
	t.Helper()
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatalf("not an HTTP request: %v\n%s", err, b)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	return req, body
}

func TestRequestsAreValidHTTP(t *testing.T) {
	const addr = "127.0.0.1:8080"
	builder, err := jwtBuilders(addr, []byte("0123456789abcdef0123456789abcdef"), otcCallIDBody)(0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		req    []byte
		path   string
		header map[string]string
	}{
		{"otc", otcRequest(addr), "/tools/call", nil},
		{"otc API key", otcRequest(addr, "OTC-API-Key", "k"), "/tools/call", map[string]string{"Otc-Api-Key": "k"}},
		{"otc call_id", builder.AppendRequest(nil), "/tools/call", nil},
		{"mcp", mcpRequest(addr), mcpPath, map[string]string{
			"Accept": "application/json, text/event-stream", "Mcp-Protocol-Version": mcpProtocolVersion}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, body := parseRequest(t, tt.req)
			if req.Method != http.MethodPost || req.URL.Path != tt.path || req.Host != addr ||
				req.Header.Get("Content-Type") != "application/json" || req.Close {
				t.Errorf("got %s %s Host %s Content-Type %q close %v", req.Method, req.URL.Path, req.Host,
					req.Header.Get("Content-Type"), req.Close)
			}
			for k, v := range tt.header {
				if got := req.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if !json.Valid(body) {
				t.Errorf("body is not JSON: %s", body)
			}
		})
	}
}

func TestOTCCallBodyDecodes(t *testing.T) {
	for _, tc := range []struct {
		body, toolID, input string
	}{
		{otcCallBody, addToolID, `{"a":1,"b":2}`},
		{otcCallIDBody, addToolID, `{"a":1,"b":2}`},
		{otcCounterCallIDBody, counterToolID, ``},
	} {
		var req otc.CallRequest
		dec := json.NewDecoder(bytes.NewReader([]byte(tc.body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		if req.Request.ToolID != tc.toolID || string(req.Request.Input) != tc.input {
			t.Errorf("%s decoded as %+v", tc.body, req.Request)
		}
	}
}

func TestCallIDBuilderSendsUniqueUUIDs(t *testing.T) {
	b, err := newCallIDBuilder(httpRequest("127.0.0.1:1", "/tools/call", otcCallIDBody))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var buf []byte
	for range 1000 {
		buf = b.AppendRequest(buf[:0])
		_, body := parseRequest(t, buf)
		var req otc.CallRequest
		if err := json.Unmarshal(body, &req); err != nil {
			t.Fatal(err)
		}
		id := req.Request.CallID
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 7 || u.Variant() != uuid.RFC4122 || u.String() != id {
			t.Fatalf("call_id %q is not a canonical UUIDv7 (%v)", id, err)
		}
		if seen[id] {
			t.Fatalf("call_id %q sent twice", id)
		}
		seen[id] = true
		if got := sentCallID(buf); got != id {
			t.Fatalf("sentCallID = %q, want %q", got, id)
		}
	}
	if n := testing.AllocsPerRun(100, func() { buf = b.AppendRequest(buf[:0]) }); n > 0 {
		t.Errorf("AppendRequest allocates %v times per request", n)
	}
}

func TestCallIDsAreTimeOrdered(t *testing.T) {
	b, err := newCallIDBuilder(httpRequest("127.0.0.1:1", "/tools/call", otcCallIDBody))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.UnixMilli(1_700_000_000_000)
	first, second := b.next(t0), b.next(t0.Add(time.Millisecond))
	for i, u := range []uuid.UUID{first, second} {
		sec, nsec := u.Time().UnixTime()
		if got := time.Unix(sec, nsec); !got.Equal(t0.Add(time.Duration(i) * time.Millisecond)) {
			t.Errorf("UUID %d carries time %v, want %v", i, got, t0.Add(time.Duration(i)*time.Millisecond))
		}
	}
	if first.String() >= second.String() {
		t.Errorf("%s sorts after %s, which is a millisecond later", first, second)
	}
}

func TestNewCallIDBuilderNeedsPlaceholder(t *testing.T) {
	if _, err := newCallIDBuilder(otcRequest("127.0.0.1:1")); err == nil {
		t.Error("a template without the placeholder was accepted")
	}
}

func TestMintJWT(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	now := time.Now().Truncate(time.Second)
	token, err := mintJWT(secret, "bench-3", now)
	if err != nil {
		t.Fatal(err)
	}
	var claims jwt.RegisteredClaims
	parsed, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return secret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired())
	if err != nil || !parsed.Valid {
		t.Fatalf("token does not verify: %v", err)
	}
	got := []any{claims.Subject, claims.ExpiresAt.Time, claims.IssuedAt.Time, claims.Audience}
	want := []any{"bench-3", now.Add(jwtLifetime), now, jwt.ClaimStrings(nil)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
}

func TestJWTBuildersMintPerConnection(t *testing.T) {
	newBuilder := jwtBuilders("127.0.0.1:1", []byte("0123456789abcdef0123456789abcdef"), otcCallBody)
	tokens := map[string]bool{}
	for w := range 3 {
		b, err := newBuilder(w)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := parseRequest(t, b.AppendRequest(nil))
		tokens[req.Header.Get("Authorization")] = true
	}
	if len(tokens) != 3 {
		t.Errorf("%d distinct tokens for 3 connections, want one each", len(tokens))
	}
}
