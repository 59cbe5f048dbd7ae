package main

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/otc-dev/otc/bench/internal/load"
)

// The request every otc target and the ceiling send: Calculator.Add@1.0.0
// with a=1, b=2, whose correct answer is 3.
const (
	addToolID   = "Calculator.Add@1.0.0"
	otcCallBody = `{"request":{"tool_id":"` + addToolID + `","input":{"a":1,"b":2}}}`
	// otcCallIDBody has a placeholder of the length of a UUID, overwritten
	// with a fresh UUIDv7 for every request.
	callIDPlaceholder = "00000000-0000-0000-0000-000000000000"
	otcCallIDBody     = `{"request":{"call_id":"` + callIDPlaceholder + `","tool_id":"` + addToolID + `","input":{"a":1,"b":2}}}`
	// counterToolID is Demo.Counter, a tool with side effects: it counts its
	// runs, so a second run of one call must not happen. Calculator.Add is
	// declared idempotent, so that its call records are written once;
	// Demo.Counter's are written twice, before and after it runs.
	counterToolID        = "Demo.Counter@1.0.0"
	otcCounterCallIDBody = `{"request":{"call_id":"` + callIDPlaceholder + `","tool_id":"` + counterToolID + `"}}`
	// mcpCallBody is the same call in MCP: JSON-RPC tools/call.
	mcpCallBody = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}`
	// mcpProtocolVersion is what a client sends after initialize; both
	// peers support it.
	mcpProtocolVersion = "2025-11-25"
)

// httpRequest returns a complete keep-alive HTTP/1.1 POST request.
func httpRequest(addr, path, body string, headers ...string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", path, addr, len(body))
	for i := 0; i+1 < len(headers); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", headers[i], headers[i+1])
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return b.Bytes()
}

// otcRequest is the otc call without credentials.
func otcRequest(addr string, headers ...string) []byte {
	return httpRequest(addr, "/tools/call", otcCallBody, headers...)
}

// mcpRequest is the MCP call, with the Accept header that streamable HTTP
// requires of every POST.
func mcpRequest(addr string) []byte {
	return httpRequest(addr, mcpPath, mcpCallBody,
		"Accept", "application/json, text/event-stream",
		"Mcp-Protocol-Version", mcpProtocolVersion)
}

// jwtLifetime is the lifetime of the tokens the generator mints: well under
// the server's 15 minute maximum (AUTH-11), well over a run.
const jwtLifetime = 5 * time.Minute

// mintJWT returns an HS256 token for secret, as a client signs it (AUTH-9):
// a subject, iat and exp, no audience (the server is not given a client
// list, and an aud it cannot check is refused, AUTHZ-1).
func mintJWT(secret []byte, subject string, now time.Time) (string, error) {
	claims := jwt.RegisteredClaims{
		Subject:   subject,
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(jwtLifetime)),
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(secret)
}

// jwtBuilders returns a NewBuilder that mints a fresh token for every
// connection, as a client whose tokens are short-lived would, and sends it
// as a Bearer credential (AUTH-8) on every request of that connection, with
// body. A body with callIDPlaceholder gets a new call_id in every request.
func jwtBuilders(addr string, secret []byte, body string) func(worker int) (load.Builder, error) {
	return func(worker int) (load.Builder, error) {
		token, err := mintJWT(secret, fmt.Sprintf("bench-%d", worker), time.Now())
		if err != nil {
			return nil, fmt.Errorf("mint JWT: %w", err)
		}
		req := httpRequest(addr, "/tools/call", body, "Authorization", "Bearer "+token)
		if !strings.Contains(body, callIDPlaceholder) {
			return load.Static(req), nil
		}
		return newCallIDBuilder(req)
	}
}

// callIDBuilder sends a request template with a new call_id each time,
// written over the placeholder in place: the request keeps its length, and
// building it allocates nothing. The ids are UUIDv7 (RFC 9562): the current
// Unix millisecond, then a random value drawn once per builder plus a
// counter, so ids are unique within a connection by construction and
// across connections with the odds of 74 random bits.
type callIDBuilder struct {
	template []byte
	at       int    // offset of the placeholder
	randA    uint16 // the 12 random bits after the version
	base     uint64 // 62 random bits, plus seq, make the variant's bits
	seq      uint64
}

var _ load.Builder = (*callIDBuilder)(nil)

func newCallIDBuilder(template []byte) (*callIDBuilder, error) {
	at := bytes.Index(template, []byte(callIDPlaceholder))
	if at < 0 {
		return nil, fmt.Errorf("request template has no call_id placeholder")
	}
	var r [10]byte
	if _, err := rand.Read(r[:]); err != nil {
		return nil, err
	}
	return &callIDBuilder{
		template: template,
		at:       at,
		randA:    binary.BigEndian.Uint16(r[0:2]) & 0x0fff,
		base:     binary.BigEndian.Uint64(r[2:10]) & (1<<62 - 1),
	}, nil
}

// AppendRequest appends the template with a fresh call_id.
func (c *callIDBuilder) AppendRequest(b []byte) []byte {
	start := len(b)
	b = append(b, c.template...)
	putUUID(b[start+c.at:start+c.at+len(callIDPlaceholder)], c.next(time.Now()))
	return b
}

// next returns the next UUIDv7 at time now.
func (c *callIDBuilder) next(now time.Time) (u uuid.UUID) {
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(now.UnixMilli()))
	copy(u[0:6], ms[2:8])
	u[6] = 0x70 | byte(c.randA>>8) // version 7
	u[7] = byte(c.randA)
	v := (c.base + c.seq) & (1<<62 - 1)
	c.seq++
	binary.BigEndian.PutUint64(u[8:16], v)
	u[8] = 0x80 | u[8]&0x3f // variant 10 (RFC 9562)
	return u
}

// putUUID writes u in its canonical 36-character form into dst.
func putUUID(dst []byte, u uuid.UUID) {
	hex.Encode(dst[0:8], u[0:4])
	dst[8] = '-'
	hex.Encode(dst[9:13], u[4:6])
	dst[13] = '-'
	hex.Encode(dst[14:18], u[6:8])
	dst[18] = '-'
	hex.Encode(dst[19:23], u[8:10])
	dst[23] = '-'
	hex.Encode(dst[24:36], u[10:16])
}
