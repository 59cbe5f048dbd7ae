package main

import (
	"strings"
	"testing"

	"github.com/otc-dev/otc/bench/internal/load"
)

func TestCheckOTC(t *testing.T) {
	const ok = `{"$schema":"otc://1.0","result":{"call_id":"c1","duration":0.01,"success":true,"value":3}}`
	plain := otcRequest("127.0.0.1:1")
	withID := []byte(strings.Replace(string(plain), `{"request":{`, `{"request":{"call_id":"c1",`, 1))
	tests := []struct {
		name    string
		req     []byte
		status  int
		ctype   string
		body    string
		wantErr bool // for both the quick and the full check
		// fullOnly: only the full check can see what is wrong.
		fullOnly bool
	}{
		{name: "correct", req: plain, status: 200, ctype: "application/json", body: ok},
		{name: "correct with charset", req: plain, status: 200, ctype: "application/json; charset=utf-8", body: ok},
		{name: "call_id echoed", req: withID, status: 200, ctype: "application/json", body: ok},
		{name: "wrong status", req: plain, status: 401, ctype: "application/json", body: `{"message":"no"}`, wantErr: true},
		{name: "tool error", req: plain, status: 200, ctype: "application/json", wantErr: true,
			body: `{"result":{"call_id":"c1","duration":1,"success":false,"error":{"message":"x","can_retry":false}}}`},
		{name: "wrong value", req: plain, status: 200, ctype: "application/json", wantErr: true,
			body: `{"$schema":"otc://1.0","result":{"call_id":"c1","duration":0.01,"success":true,"value":30}}`},
		{name: "other call_id", req: withID, status: 200, ctype: "application/json", wantErr: true, fullOnly: true,
			body: strings.Replace(ok, `"c1"`, `"c2"`, 1)},
		{name: "no call_id", req: plain, status: 200, ctype: "application/json", wantErr: true, fullOnly: true,
			body: strings.Replace(ok, `"c1"`, `""`, 1)},
		{name: "no schema", req: plain, status: 200, ctype: "application/json", wantErr: true, fullOnly: true,
			body: strings.Replace(ok, `"$schema":"otc://1.0",`, ``, 1)},
		{name: "not JSON content type", req: plain, status: 200, ctype: "text/plain", body: ok, wantErr: true, fullOnly: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &load.Response{Status: tt.status, ContentType: tt.ctype, Body: []byte(tt.body)}
			full := checkOTC(tt.req, r, true)
			quick := checkOTC(tt.req, r, false)
			if (full != nil) != tt.wantErr {
				t.Errorf("full check: %v, want error %v", full, tt.wantErr)
			}
			if (quick != nil) != (tt.wantErr && !tt.fullOnly) {
				t.Errorf("quick check: %v, want error %v", quick, tt.wantErr && !tt.fullOnly)
			}
		})
	}
}

func TestCheckCounter(t *testing.T) {
	const ok = `{"$schema":"otc://1.0","result":{"call_id":"c1","duration":0.01,"success":true,"value":{"count":7,"instance":"otc-1"}}}`
	req := []byte(strings.Replace(otcCounterCallIDBody, callIDPlaceholder, "c1", 1))
	tests := []struct {
		name     string
		status   int
		body     string
		wantErr  bool
		fullOnly bool
	}{
		{name: "correct", status: 200, body: ok},
		{name: "wrong status", status: 503, body: `{"message":"no"}`, wantErr: true},
		{name: "tool error", status: 200, wantErr: true,
			body: `{"result":{"call_id":"c1","duration":1,"success":false,"error":{"message":"x","can_retry":false}}}`},
		{name: "the sum instead", status: 200, wantErr: true,
			body: `{"$schema":"otc://1.0","result":{"call_id":"c1","duration":0.01,"success":true,"value":3}}`},
		{name: "no count", status: 200, wantErr: true, fullOnly: true,
			body: strings.Replace(ok, `"count":7`, `"count":0`, 1)},
		{name: "no instance", status: 200, wantErr: true, fullOnly: true,
			body: strings.Replace(ok, `"otc-1"`, `""`, 1)},
		{name: "other call_id", status: 200, wantErr: true, fullOnly: true,
			body: strings.Replace(ok, `"c1"`, `"c2"`, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &load.Response{Status: tt.status, ContentType: "application/json", Body: []byte(tt.body)}
			full := checkCounter(req, r, true)
			quick := checkCounter(req, r, false)
			if (full != nil) != tt.wantErr {
				t.Errorf("full check: %v, want error %v", full, tt.wantErr)
			}
			if (quick != nil) != (tt.wantErr && !tt.fullOnly) {
				t.Errorf("quick check: %v, want error %v", quick, tt.wantErr && !tt.fullOnly)
			}
		})
	}
}

func TestCheckMCP(t *testing.T) {
	const goSDK = `{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"3"}],"structuredContent":3}}`
	tests := []struct {
		name     string
		status   int
		ctype    string
		body     string
		wantErr  bool
		fullOnly bool
	}{
		{name: "go-sdk answer", status: 200, ctype: "application/json", body: goSDK},
		{name: "mcp-go answer", status: 200, ctype: "application/json",
			body: `{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"3"}]}}`},
		{name: "SSE instead of JSON", status: 200, ctype: "text/event-stream", body: "event: message\ndata: " + goSDK + "\n\n",
			wantErr: true, fullOnly: true},
		{name: "tool error", status: 200, ctype: "application/json", wantErr: true,
			body: `{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"3"}],"isError":true}}`},
		{name: "JSON-RPC error", status: 200, ctype: "application/json", wantErr: true,
			body: `{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"bad"}}`},
		{name: "wrong id", status: 200, ctype: "application/json", wantErr: true, fullOnly: true,
			body: strings.Replace(goSDK, `"id":1`, `"id":2`, 1)},
		{name: "HTTP error", status: 400, ctype: "text/plain", body: "Bad Request", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &load.Response{Status: tt.status, ContentType: tt.ctype, Body: []byte(tt.body)}
			if err := checkMCP(nil, r, true); (err != nil) != tt.wantErr {
				t.Errorf("full check: %v, want error %v", err, tt.wantErr)
			}
			if err := checkMCP(nil, r, false); (err != nil) != (tt.wantErr && !tt.fullOnly) {
				t.Errorf("quick check: %v, want error %v", err, tt.wantErr && !tt.fullOnly)
			}
		})
	}
}

func TestCheckCeiling(t *testing.T) {
	check := checkCeiling([]byte("exact"))
	if err := check(nil, &load.Response{Status: 200, Body: []byte("exact")}, false); err != nil {
		t.Errorf("the canned answer: %v", err)
	}
	if err := check(nil, &load.Response{Status: 200, Body: []byte("exacT")}, false); err == nil {
		t.Error("another body passed")
	}
	if err := check(nil, &load.Response{Status: 500, Body: []byte("exact")}, false); err == nil {
		t.Error("another status passed")
	}
}

func TestSnippetIsShort(t *testing.T) {
	if s := snippet([]byte(strings.Repeat("x", 1000))); len(s) > 130 {
		t.Errorf("snippet of %d bytes", len(s))
	}
}
