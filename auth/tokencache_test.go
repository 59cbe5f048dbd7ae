package auth_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc/auth"
)

// movingClock is a test clock that tests move by hand.
type movingClock struct{ off atomic.Int64 }

func (c *movingClock) now() time.Time        { return testNow.Add(time.Duration(c.off.Load())) }
func (c *movingClock) set(d time.Duration)   { c.off.Store(int64(d)) }
func cacheConfig(c *movingClock) auth.Config { cfg := baseConfig(); cfg.Now = c.now; return cfg }
func bearerReq(tok string) []string          { return []string{"Authorization", "Bearer " + tok} }
func authReason(t *testing.T, a *auth.Authenticator, tok string) auth.Reason {
	t.Helper()
	_, err := a.Authenticate(request(bearerReq(tok)...))
	return reasonOf(t, err)
}

// OTC: AUTH-12, AUTHZ-4 — a token admitted once, and so remembered, is
// checked against the clock again on every later use: it expires, and a
// clock moved back makes its nbf and iat lie in the future.
func TestTokenCacheRechecksTime(t *testing.T) {
	tests := []struct {
		name   string
		claims []string
		move   time.Duration
		want   auth.Reason
	}{
		{"still valid", nil, 4 * time.Minute, ""},
		{"expired within leeway", nil, 5*time.Minute + 29*time.Second, ""},
		{"expired", nil, 5*time.Minute + 30*time.Second, auth.ReasonExpired},
		{"iat in the future", nil, -31 * time.Second, auth.ReasonNotYetValid},
		{"nbf in the future", []string{`"nbf":` + itoa(unix(0))}, -31 * time.Second, auth.ReasonNotYetValid},
		// A clock moved far back makes exp too far ahead (AUTH-14).
		{"lifetime too long", []string{`"nbf":` + itoa(unix(-time.Hour))}, -time.Hour, auth.ReasonLifetimeTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c movingClock
			a := mustNew(t, cacheConfig(&c))
			tok := forge(hs256, claimsNoIat(tt.name == "iat in the future", tt.claims...), secret)
			if got := authReason(t, a, tok); got != "" {
				t.Fatalf("first use: reason %q", got)
			}
			c.set(tt.move)
			if got := authReason(t, a, tok); got != tt.want {
				t.Errorf("after moving the clock %v: reason %q, want %q", tt.move, got, tt.want)
			}
			// The answer stays the same: a refused token is not remembered
			// as good.
			if got := authReason(t, a, tok); got != tt.want {
				t.Errorf("again: reason %q, want %q", got, tt.want)
			}
		})
	}
}

// claimsNoIat is claims with exp 5 minutes ahead, with iat only when
// withIat: a moved-back clock must not trip over iat in the nbf case.
func claimsNoIat(withIat bool, extra ...string) string {
	if withIat {
		return claims(extra...)
	}
	s := `{"exp":` + itoa(unix(5*time.Minute))
	for _, e := range extra {
		s += "," + e
	}
	return s + "}"
}

// OTC: AUTH-10 — Reload (secret rotation) forgets remembered tokens: a
// token admitted under a secret that was removed is refused at once.
func TestTokenCacheRotation(t *testing.T) {
	var c movingClock
	a := mustNew(t, cacheConfig(&c))
	oldTok := forge(hs256, claims(`"sub":"old"`), oldSecret)
	if got := authReason(t, a, oldTok); got != "" {
		t.Fatalf("before rotation: reason %q", got)
	}
	alpha, _ := auth.NewAPIKey("alpha", keyAlpha)
	if err := a.Reload([]auth.APIKey{alpha}, [][]byte{secret}); err != nil {
		t.Fatal(err)
	}
	if got := authReason(t, a, oldTok); got != auth.ReasonBadSignature {
		t.Errorf("after rotation: reason %q, want %q", got, auth.ReasonBadSignature)
	}
	if got := authReason(t, a, validToken()); got != "" {
		t.Errorf("current secret after rotation: reason %q", got)
	}
}

// OTC: AUTH-10, AUTHZ-3 — a token that differs from a remembered one in any
// byte is verified afresh, and refused.
func TestTokenCacheOneByteDiffers(t *testing.T) {
	var c movingClock
	a := mustNew(t, cacheConfig(&c))
	tok := validToken(`"sub":"bot"`)
	if got := authReason(t, a, tok); got != "" {
		t.Fatalf("first use: reason %q", got)
	}
	flip := func(i int) string {
		b := []byte(tok)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	for _, i := range []int{0, len(tok) / 2, len(tok) - 2} {
		t.Run(fmt.Sprint("byte ", i), func(t *testing.T) {
			if got := authReason(t, a, flip(i)); got == "" {
				t.Errorf("admitted a token altered at byte %d", i)
			}
		})
	}
	t.Run("appended", func(t *testing.T) {
		if got := authReason(t, a, tok+"A"); got == "" {
			t.Error("admitted a token with a byte appended")
		}
	})
	if got := authReason(t, a, tok); got != "" {
		t.Errorf("the original afterwards: reason %q", got)
	}
}

// OTC: AUTHZ-1 — each request gets its own caller: changing one's audience
// does not change what the next request with the same token sees.
func TestTokenCacheCallerIsolation(t *testing.T) {
	var c movingClock
	a := mustNew(t, cacheConfig(&c))
	tok := validToken(`"aud":["agents","ci"]`, `"sub":"bot"`)
	first, err := a.Authenticate(request(bearerReq(tok)...))
	if err != nil {
		t.Fatal(err)
	}
	first.Audience[0] = "changed"
	second, err := a.Authenticate(request(bearerReq(tok)...))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"agents", "ci"}, second.Audience); diff != "" {
		t.Errorf("audience (-want +got):\n%s", diff)
	}
	if !second.MayUse("Calculator.Add") || second.MayUse("Other.Tool") {
		t.Error("the remembered token lost the intersection of its audiences' tools")
	}
}

// A token whose jti must be spent once is never admitted from memory: the
// replay cache sees every use.
func TestTokenCacheKeepsReplayCheck(t *testing.T) {
	var c movingClock
	cfg := cacheConfig(&c)
	cfg.RequireJTI = true
	a := mustNew(t, cfg)
	tok := validToken(`"jti":"once"`)
	if got := authReason(t, a, tok); got != "" {
		t.Fatalf("first use: reason %q", got)
	}
	if got := authReason(t, a, tok); got != auth.ReasonReplayed {
		t.Errorf("second use: reason %q, want %q", got, auth.ReasonReplayed)
	}
}

// Many tokens through a small cache, concurrently with Reload: every valid
// token is admitted whether it was remembered, evicted or forgotten, and
// the race detector checks the cache's locking.
func TestTokenCacheConcurrent(t *testing.T) {
	var c movingClock
	cfg := cacheConfig(&c)
	cfg.TokenCacheSize = 8
	a := mustNew(t, cfg)
	tokens := make([]string, 32)
	for i := range tokens {
		tokens[i] = validToken(fmt.Sprintf(`"sub":"client-%d"`, i))
	}
	alpha, _ := auth.NewAPIKey("alpha", keyAlpha)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				tok := tokens[(g*7+i)%len(tokens)]
				caller, err := a.Authenticate(request(bearerReq(tok)...))
				if err != nil {
					t.Errorf("token %d: %v", (g*7+i)%len(tokens), err)
					return
				}
				if want := fmt.Sprintf("client-%d", (g*7+i)%len(tokens)); caller.Name != want {
					t.Errorf("caller %q, want %q", caller.Name, want)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			if err := a.Reload([]auth.APIKey{alpha}, [][]byte{secret, oldSecret}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
}
