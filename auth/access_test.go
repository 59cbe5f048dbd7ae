package auth_test

import (
	"testing"

	"github.com/otc-dev/otc/auth"
)

// Tool access: API keys and audiences carry tool patterns; a JWT's scope
// narrows them and never widens them; the result is otc.Caller.Allow.
func TestToolAccess(t *testing.T) {
	a := mustNew(t, baseConfig())
	tools := []string{"Calculator.Add", "Demo.WhoAmI", "Demo.Counter"}
	tests := []struct {
		name    string
		headers []string
		allowed []string // of tools
	}{
		{"key with every tool", []string{"OTC-API-Key", keyAlpha}, tools},
		{"key with a toolkit", []string{"OTC-API-Key", keyBeta}, []string{"Calculator.Add"}},
		{"jwt without aud", []string{"Authorization", "Bearer " + validToken()}, tools},
		{"jwt audience with every tool", []string{"Authorization", "Bearer " + validToken(`"aud":"agents"`)}, tools},
		{"jwt audience with patterns", []string{"Authorization", "Bearer " + validToken(`"aud":"ci"`)}, []string{"Calculator.Add", "Demo.WhoAmI"}},
		// Several audiences: only what every one of them allows.
		{"jwt two audiences", []string{"Authorization", "Bearer " + validToken(`"aud":["agents","ci"]`)}, []string{"Calculator.Add", "Demo.WhoAmI"}},
		{"scope narrows", []string{"Authorization", "Bearer " + validToken(`"aud":"agents"`, `"scope":"Demo.WhoAmI"`)}, []string{"Demo.WhoAmI"}},
		{"scope cannot widen", []string{"Authorization", "Bearer " + validToken(`"aud":"ci"`, `"scope":"* Demo.Counter"`)}, []string{"Calculator.Add", "Demo.WhoAmI"}},
		{"scope outside the audience", []string{"Authorization", "Bearer " + validToken(`"aud":"ci"`, `"scope":"Demo.Counter"`)}, nil},
		{"scope of several patterns", []string{"Authorization", "Bearer " + validToken(`"scope":"Calculator.* Demo.Counter"`)}, []string{"Calculator.Add", "Demo.Counter"}},
		{"empty scope allows nothing", []string{"Authorization", "Bearer " + validToken(`"scope":""`)}, nil},
		// Key and JWT together: the intersection.
		{"key and jwt", []string{"OTC-API-Key", keyBeta, "Authorization", "Bearer " + validToken(`"aud":"ci"`)}, []string{"Calculator.Add"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := a.Authenticate(request(tt.headers...))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{}
			for _, q := range tt.allowed {
				want[q] = true
			}
			for _, q := range tools {
				if got := c.MayUse(q); got != want[q] {
					t.Errorf("MayUse(%s) = %v, want %v", q, got, want[q])
				}
			}
		})
	}
}

func TestParseAudiences(t *testing.T) {
	got, err := auth.ParseAudiences("agents, ci\n# comment\nhttps://tools.example.com\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Name != "agents" || got[1].Name != "ci" || got[2].Name != "https://tools.example.com" {
		t.Errorf("got %+v", got)
	}
	if _, err := auth.ParseAudiences("a\x01b"); err == nil {
		t.Error("control character accepted")
	}
}
