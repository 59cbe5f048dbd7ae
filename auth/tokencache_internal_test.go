package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"testing"
)

// The cache never holds more than its size, whatever is put in it.
func TestTokenCacheBounded(t *testing.T) {
	for _, size := range []int{1, 3, 64} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			c := newTokenCache(size)
			for i := range 10 * size {
				key := sha256.Sum256([]byte(fmt.Sprint(i)))
				c.put(key, &cachedToken{id: &identity{name: fmt.Sprint(i)}})
				if n := c.len(); n > size {
					t.Fatalf("after %d puts: %d entries, want at most %d", i+1, n, size)
				}
				if e := c.get(key); e == nil || e.id.name != fmt.Sprint(i) {
					t.Fatalf("the entry just put is missing")
				}
			}
		})
	}
}

// A zero or negative size turns caching off: a nil cache misses.
func TestTokenCacheOff(t *testing.T) {
	for _, size := range []int{0, -1} {
		c := newTokenCache(size)
		key := sha256.Sum256([]byte("x"))
		c.put(key, &cachedToken{id: &identity{}})
		if c.get(key) != nil || c.len() != 0 {
			t.Errorf("size %d: the cache remembered a token", size)
		}
	}
}

// Admitted tokens are remembered in the current credential set, and only
// when there is no replay cache.
func TestTokenCacheFilled(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want int
	}{
		{"default", Config{}, 1},
		{"off", Config{TokenCacheSize: -1}, 0},
		{"replay cache", Config{RequireJTI: true}, 0},
	}
	secret := []byte("internal-test-jwt-secret-0123456789abcdef")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Methods, cfg.JWTSecrets = []Method{MethodJWT}, [][]byte{secret}
			a, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			exp := a.now().Unix() + 60
			tok := hs256Token(fmt.Sprintf(`{"exp":%d,"jti":"j"}`, exp), secret)
			for range 2 {
				if _, f := a.checkJWT(a.creds.Load(), tok); f != nil {
					t.Fatal(f)
				}
			}
			if n := a.creds.Load().tokens.len(); n != tt.want {
				t.Errorf("%d tokens remembered, want %d", n, tt.want)
			}
		})
	}
}

// hs256Token signs payload (JSON) under {"alg":"HS256"} with key.
func hs256Token(payload string, key []byte) string {
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(`{"alg":"HS256"}`)) + "." + enc.EncodeToString([]byte(payload))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(input))
	return input + "." + enc.EncodeToString(mac.Sum(nil))
}
