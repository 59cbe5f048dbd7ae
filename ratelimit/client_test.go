package ratelimit_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/internal/reqinfo"
	"github.com/otc-dev/otc/ratelimit"
)

func asCaller(c *otc.Caller, clientIP string) func(context.Context) context.Context {
	return func(ctx context.Context) context.Context {
		ctx = withInfo(clientIP)(ctx)
		if c != nil {
			ctx = otc.WithCaller(ctx, c)
		}
		return ctx
	}
}

var (
	alice     = &otc.Caller{Method: "api_key", Name: "alice"}
	bob       = &otc.Caller{Method: "api_key", Name: "bob"}
	vip       = &otc.Caller{Method: "api_key", Name: "vip"}
	anonymous = &otc.Caller{Method: "none", Name: "anonymous"}
)

// OTC: AUTH-18 (per-client rate limits, with per-key overrides)
func TestClientLimit(t *testing.T) {
	type req struct {
		caller  *otc.Caller
		ip      string
		advance time.Duration
		want    response
	}
	okResp := response{Status: 200}
	limited := func(retry string) response {
		return response{Status: 429, RetryAfter: retry, Message: "Too many requests from this client; retry later."}
	}
	tests := []struct {
		name string
		reqs []req
	}{
		{"within the limit", []req{
			{caller: alice, want: okResp},
			{caller: alice, want: okResp},
		}},
		{"over the limit", []req{
			{caller: alice, want: okResp},
			{caller: alice, want: okResp},
			{caller: alice, want: limited("1")},
			{advance: time.Second, caller: alice, want: okResp},
		}},
		{"clients are independent", []req{
			{caller: alice, want: okResp},
			{caller: alice, want: okResp},
			{caller: alice, want: limited("1")},
			{caller: bob, want: okResp},
		}},
		{"same client from two addresses shares its bucket", []req{
			{caller: alice, ip: "192.0.2.1", want: okResp},
			{caller: alice, ip: "192.0.2.2", want: okResp},
			{caller: alice, ip: "192.0.2.3", want: limited("1")},
		}},
		{"per-key override", []req{
			{caller: vip, want: okResp},
			{caller: vip, want: okResp},
			{caller: vip, want: okResp},
			{caller: vip, want: okResp},
			{caller: vip, want: okResp},
		}},
		{"anonymous clients by address", []req{
			{caller: anonymous, ip: "192.0.2.1", want: okResp},
			{caller: anonymous, ip: "192.0.2.1", want: okResp},
			{caller: anonymous, ip: "192.0.2.1", want: limited("1")},
			{caller: anonymous, ip: "192.0.2.2", want: okResp},
			{caller: nil, ip: "192.0.2.2", want: okResp},
			{caller: nil, ip: "192.0.2.2", want: limited("1")},
		}},
		{"anonymous IPv6 clients by /64", []req{
			{caller: anonymous, ip: "2001:db8::1", want: okResp},
			{caller: anonymous, ip: "2001:db8::2", want: okResp},
			{caller: anonymous, ip: "2001:db8::3", want: limited("1")},
			{caller: anonymous, ip: "2001:db8:0:1::1", want: okResp},
		}},
	}
	rules := func(c *otc.Caller) ratelimit.Rule {
		if c != nil && c.Name == "vip" {
			return ratelimit.Rule{} // no limit for this key
		}
		return ratelimit.Rule{Rate: 1, Burst: 2}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			obs := newRecorder()
			h := ratelimit.ClientLimit(ratelimit.NewMemory(&ratelimit.MemoryOptions{Now: clock.Now}), rules,
				&ratelimit.Options{Observer: obs})(ok)
			wantLimited := 0
			for i, rq := range tt.reqs {
				clock.Advance(rq.advance)
				ip := rq.ip
				if ip == "" {
					ip = "192.0.2.9"
				}
				got := serve(t, h, ip+":1234", asCaller(rq.caller, ip))
				if diff := cmp.Diff(rq.want, got); diff != "" {
					t.Errorf("request %d (-want +got):\n%s", i, diff)
				}
				if rq.want.Status == 429 {
					wantLimited++
				}
			}
			if obs.limited[ratelimit.KindClient] != wantLimited {
				t.Errorf("observer counted %d rejections, want %d", obs.limited[ratelimit.KindClient], wantLimited)
			}
		})
	}
}

func TestClientLimitRecordsOutcome(t *testing.T) {
	rules := func(*otc.Caller) ratelimit.Rule { return ratelimit.Rule{Rate: 1, Burst: 1} }
	h := ratelimit.ClientLimit(ratelimit.NewMemory(nil), rules, nil)(ok)
	var info *reqinfo.Info
	decorate := func(ctx context.Context) context.Context {
		ctx, info = reqinfo.New(otc.WithCaller(ctx, alice))
		return ctx
	}
	serve(t, h, "192.0.2.1:1", decorate)
	if info.Outcome != "" {
		t.Errorf("allowed request has outcome %q", info.Outcome)
	}
	serve(t, h, "192.0.2.1:1", decorate)
	if info.Outcome != "rate_limited" {
		t.Errorf("limited request has outcome %q, want rate_limited", info.Outcome)
	}
}

func TestClientLimitNilRules(t *testing.T) {
	h := ratelimit.ClientLimit(brokenLimiter{}, nil, nil)(ok)
	for range 3 {
		if got := serve(t, h, "192.0.2.1:1", asCaller(alice, "192.0.2.1")); got.Status != 200 {
			t.Fatalf("status %d with nil rules", got.Status)
		}
	}
}

// A limiter that fails lets requests through, counts the failure, and logs
// at most one line per FailureLogInterval, naming no client.
func TestClientLimitFailsOpen(t *testing.T) {
	var logs bytes.Buffer
	clock := newFakeClock()
	obs := newRecorder()
	rules := func(*otc.Caller) ratelimit.Rule { return ratelimit.Rule{Rate: 1, Burst: 1} }
	h := ratelimit.ClientLimit(brokenLimiter{}, rules, &ratelimit.Options{
		Observer: obs,
		Logger:   slog.New(slog.NewTextHandler(&logs, nil)),
		Now:      clock.Now,
	})(ok)
	for i := range 5 {
		if got := serve(t, h, "192.0.2.1:1", asCaller(alice, "192.0.2.1")); got.Status != 200 {
			t.Fatalf("request %d: status %d, want 200 while the limiter is down", i, got.Status)
		}
	}
	clock.Advance(ratelimit.FailureLogInterval)
	serve(t, h, "192.0.2.1:1", asCaller(alice, "192.0.2.1"))

	if n := obs.failed[ratelimit.KindClient]; n != 6 {
		t.Errorf("observer counted %d limiter failures, want 6", n)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d log lines for 6 failures over two intervals, want 2:\n%s", len(lines), logs.String())
	}
	if !strings.Contains(lines[1], "failures=5") || !strings.Contains(lines[0], "connection refused") {
		t.Errorf("log lines do not count the failures or name the cause:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "alice") {
		t.Errorf("log names the client:\n%s", logs.String())
	}
}

func TestClientKey(t *testing.T) {
	tests := []struct {
		name   string
		caller *otc.Caller
		ip     string
		want   string
	}{
		{"api key", alice, "192.0.2.1", "client:api_key:alice"},
		{"jwt with audiences", &otc.Caller{Method: "jwt", Name: "svc", Subject: "svc", Audience: []string{"a", "b"}}, "", "client:jwt:svc:a,b"},
		{"separators escaped", &otc.Caller{Method: "jwt", Name: "x:y", Audience: []string{"a,b"}}, "", "client:jwt:x%3Ay:a%2Cb"},
		{"nil caller", nil, "192.0.2.1", "ip:192.0.2.1"},
		{"anonymous", anonymous, "2001:db8::1", "ip:2001%3Adb8%3A%3A%2F64"},
		{"mapped IPv4", nil, "::ffff:192.0.2.1", "ip:192.0.2.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ratelimit.ClientKey(tt.caller, tt.ip); got != tt.want {
				t.Errorf("ClientKey = %q, want %q", got, tt.want)
			}
		})
	}
}
