package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/otc-dev/otc/auth"
)

// RequireJTI: a token without jti is refused, a token is accepted once.
func TestRequireJTI(t *testing.T) {
	cfg := baseConfig()
	cfg.RequireJTI = true
	a := mustNew(t, cfg)
	if got := bearer(t, a, validToken()); got != auth.ReasonMissingJTI {
		t.Errorf("no jti: reason %q", got)
	}
	tok := validToken(`"jti":"once"`)
	if got := bearer(t, a, tok); got != "" {
		t.Fatalf("first use refused: %q", got)
	}
	if got := bearer(t, a, tok); got != auth.ReasonReplayed {
		t.Errorf("second use: reason %q, want %q", got, auth.ReasonReplayed)
	}
	if got := bearer(t, a, validToken(`"jti":"other"`)); got != "" {
		t.Errorf("another jti refused: %q", got)
	}
}

// A request refused for another credential does not spend the token.
func TestReplayNotSpentOnRefusal(t *testing.T) {
	cfg := baseConfig()
	cfg.RequireJTI = true
	a := mustNew(t, cfg)
	tok := validToken(`"jti":"keep"`)
	_, err := a.Authenticate(request("Authorization", "Bearer "+tok, "OTC-API-Key", "wrong"))
	if got := reasonOf(t, err); got != auth.ReasonUnknownKey {
		t.Fatalf("reason %q", got)
	}
	if got := bearer(t, a, tok); got != "" {
		t.Errorf("token spent by a refused request: %q", got)
	}
}

// With a ReplayCache but no RequireJTI, tokens with a jti are still single
// use and tokens without one pass.
func TestReplayCacheWithoutRequireJTI(t *testing.T) {
	cfg := baseConfig()
	cfg.ReplayCache = auth.NewMemoryReplayCache(&auth.MemoryReplayCacheOptions{Now: clock})
	a := mustNew(t, cfg)
	tok := validToken(`"jti":"j1"`)
	for i, want := range []auth.Reason{"", auth.ReasonReplayed} {
		if got := bearer(t, a, tok); got != want {
			t.Errorf("use %d: reason %q, want %q", i+1, got, want)
		}
	}
	plain := validToken()
	for i := 0; i < 2; i++ {
		if got := bearer(t, a, plain); got != "" {
			t.Errorf("token without jti, use %d: %q", i+1, got)
		}
	}
}

// A replay cache that cannot answer refuses the token without blaming the
// client: 400 temporarily_unavailable, not 401.
func TestReplayCacheError(t *testing.T) {
	cfg := baseConfig()
	cfg.RequireJTI = true
	cfg.ReplayCache = failingCache{}
	a := mustNew(t, cfg)
	c := &counter{}
	w := serve(a, c, request("Authorization", "Bearer "+validToken(`"jti":"x"`)))
	if w.Code != http.StatusBadRequest || c.n.Load() != 0 {
		t.Fatalf("status %d, handler ran %d times", w.Code, c.n.Load())
	}
	if body := decodeBody(t, w.Body.Bytes()); body.Message == "" {
		t.Error("empty message")
	}
}

type failingCache struct{}

func (failingCache) MarkUsed(context.Context, string, time.Time) (bool, error) {
	return false, errors.New("redis: connection refused")
}

func TestMemoryReplayCache(t *testing.T) {
	now := testNow
	c := auth.NewMemoryReplayCache(&auth.MemoryReplayCacheOptions{Capacity: 3, Now: func() time.Time { return now }})
	ctx := context.Background()
	mark := func(jti string, until time.Duration) (bool, error) {
		return c.MarkUsed(ctx, jti, testNow.Add(until))
	}
	steps := []struct {
		name      string
		advance   time.Duration
		jti       string
		until     time.Duration
		wantFirst bool
		wantErr   error
		wantLen   int
	}{
		{"first a", 0, "a", time.Minute, true, nil, 1},
		{"a again", 0, "a", time.Minute, false, nil, 1},
		{"b", 0, "b", 2 * time.Minute, true, nil, 2},
		{"c", 0, "c", 3 * time.Minute, true, nil, 3},
		{"full", 0, "d", 3 * time.Minute, false, auth.ErrReplayCacheFull, 3},
		{"already expired is not stored", 0, "old", -time.Second, true, nil, 3},
		{"a expired frees room", time.Minute, "d", 3 * time.Minute, true, nil, 3},
		{"a may be seen again after expiry", 0, "a", 4 * time.Minute, false, auth.ErrReplayCacheFull, 3},
		{"b still remembered", 0, "b", 2 * time.Minute, false, nil, 3},
		{"everything expired", 10 * time.Minute, "e", 20 * time.Minute, true, nil, 1},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		first, err := mark(s.jti, s.until)
		if first != s.wantFirst || !errors.Is(err, s.wantErr) || c.Len() != s.wantLen {
			t.Errorf("%s: first %v err %v len %d; want %v %v %d", s.name, first, err, c.Len(), s.wantFirst, s.wantErr, s.wantLen)
		}
	}
}

// Of concurrent uses of one jti, exactly one is first.
func TestMemoryReplayCacheConcurrent(t *testing.T) {
	c := auth.NewMemoryReplayCache(nil)
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := map[string]int{}
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				jti := fmt.Sprint("jti-", i)
				first, err := c.MarkUsed(context.Background(), jti, time.Now().Add(time.Minute))
				if err != nil {
					t.Error(err)
					return
				}
				if first {
					mu.Lock()
					firsts[jti]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for i := 0; i < 50; i++ {
		if n := firsts[fmt.Sprint("jti-", i)]; n != 1 {
			t.Errorf("jti-%d first %d times", i, n)
		}
	}
}
