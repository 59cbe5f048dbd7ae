package otc_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc"
)

func TestCallContextAccessors(t *testing.T) {
	// OTC: REQ-5 — a tool reads exactly the secrets and tokens it was given.
	caller := &otc.Caller{Method: "api_key", Name: "ci"}
	info := otc.CallInfo{CallID: "c1", TraceID: "t1", UserID: "u1", ToolID: "A.B@1.0.0", Caller: caller}
	ctx := otc.NewCallContext(context.Background(), info,
		map[string]string{"API_KEY": "secret-value"}, map[string]string{"google": "token-value"})

	got, ok := otc.CallInfoFromContext(ctx)
	if !ok {
		t.Fatal("CallInfoFromContext: not found")
	}
	if diff := cmp.Diff(info, got); diff != "" {
		t.Errorf("CallInfo (-want +got):\n%s", diff)
	}
	tests := []struct {
		name   string
		get    func(context.Context, string) (string, bool)
		id     string
		want   string
		wantOK bool
	}{
		{"REQ-5 declared secret", otc.SecretFromContext, "API_KEY", "secret-value", true},
		{"REQ-5 undeclared secret", otc.SecretFromContext, "OTHER", "", false},
		{"REQ-5 a token is not a secret", otc.SecretFromContext, "google", "", false},
		{"REQ-5 declared token", otc.AuthorizationTokenFromContext, "google", "token-value", true},
		{"REQ-5 undeclared token", otc.AuthorizationTokenFromContext, "github", "", false},
		{"REQ-5 a secret is not a token", otc.AuthorizationTokenFromContext, "API_KEY", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := tt.get(ctx, tt.id)
			if v != tt.want || ok != tt.wantOK {
				t.Errorf("got %q, %v; want %q, %v", v, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestCallContextAbsent(t *testing.T) {
	ctx := context.Background()
	if info, ok := otc.CallInfoFromContext(ctx); ok || info != (otc.CallInfo{}) {
		t.Errorf("CallInfoFromContext outside a call = %+v, %v", info, ok)
	}
	if _, ok := otc.SecretFromContext(ctx, "K"); ok {
		t.Error("SecretFromContext outside a call found a secret")
	}
	if _, ok := otc.AuthorizationTokenFromContext(ctx, "K"); ok {
		t.Error("AuthorizationTokenFromContext outside a call found a token")
	}
}

func TestSecretsDoNotPrint(t *testing.T) {
	// OTC: REQ-5 — a stray %v of the wire types does not print a value.
	cc := otc.CallContext{
		Authorization: []otc.AuthorizationToken{{ID: "google", Token: "token-value"}},
		Secrets:       []otc.Secret{{ID: "K", Value: "secret-value"}},
	}
	for _, s := range []string{fmt.Sprint(cc.Authorization), fmt.Sprintf("%v", cc.Secrets), fmt.Sprintf("%+v", cc)} {
		if strings.Contains(s, "token-value") || strings.Contains(s, "secret-value") {
			t.Errorf("printed %q", s)
		}
	}
}

func TestCaller(t *testing.T) {
	allowOnlyA := &otc.Caller{Method: "jwt", Name: "svc", Allow: func(q string) bool { return q == "A.B" }}
	tests := []struct {
		name   string
		caller *otc.Caller
		tool   string
		want   bool
	}{
		{"nil caller may use everything", nil, "A.B", true},
		{"caller without a rule may use everything", &otc.Caller{Method: "none"}, "X.Y", true},
		{"allowed tool", allowOnlyA, "A.B", true},
		{"denied tool", allowOnlyA, "X.Y", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.caller.MayUse(tt.tool); got != tt.want {
				t.Errorf("MayUse(%q) = %v, want %v", tt.tool, got, tt.want)
			}
		})
	}

	ctx := otc.WithCaller(context.Background(), allowOnlyA)
	if got, ok := otc.CallerFromContext(ctx); !ok || got != allowOnlyA {
		t.Errorf("CallerFromContext = %v, %v", got, ok)
	}
	if _, ok := otc.CallerFromContext(context.Background()); ok {
		t.Error("CallerFromContext found a caller in an empty context")
	}
	if _, ok := otc.CallerFromContext(otc.WithCaller(context.Background(), nil)); ok {
		t.Error("CallerFromContext reports a nil caller as present")
	}
}
