package auth_test

import (
	"sync"
	"testing"

	"github.com/otc-dev/otc/auth"
)

// Reload swaps keys and secrets at once for rotation; a bad set is refused
// and the current one kept.
func TestReload(t *testing.T) {
	a := mustNew(t, baseConfig())
	newKey := "gamma-api-key-0123456789-abcdefghijklmnopqrstuvwxyz"
	newSecret := []byte("test-jwt-secret-next-0123456789abcdefXYZ")
	gamma, _ := auth.NewAPIKey("gamma", newKey)

	check := func(t *testing.T, headers []string, want auth.Reason) {
		t.Helper()
		_, err := a.Authenticate(request(headers...))
		if got := reasonOf(t, err); got != want {
			t.Errorf("%s: reason %q, want %q", headers[0], got, want)
		}
	}
	if err := a.Reload([]auth.APIKey{gamma}, [][]byte{newSecret, secret}); err != nil {
		t.Fatal(err)
	}
	check(t, []string{"OTC-API-Key", newKey}, "")
	check(t, []string{"OTC-API-Key", keyAlpha}, auth.ReasonUnknownKey)
	check(t, []string{"Authorization", "Bearer " + forge(hs256, claims(), newSecret)}, "")
	check(t, []string{"Authorization", "Bearer " + validToken()}, "") // still the second secret
	check(t, []string{"Authorization", "Bearer " + forge(hs256, claims(), oldSecret)}, auth.ReasonBadSignature)

	bad := []struct {
		name    string
		keys    []auth.APIKey
		secrets [][]byte
	}{
		{"no keys", nil, [][]byte{secret}},
		{"no secrets", []auth.APIKey{gamma}, nil},
		{"short secret", []auth.APIKey{gamma}, [][]byte{[]byte("short")}},
		{"duplicate names", []auth.APIKey{gamma, gamma}, [][]byte{secret}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if err := a.Reload(tt.keys, tt.secrets); err == nil {
				t.Fatal("no error")
			}
			check(t, []string{"OTC-API-Key", newKey}, "")
		})
	}
}

// Reload while requests are authenticated: the race detector checks the
// swap, and every request sees either the old or the new set, never none.
func TestReloadConcurrent(t *testing.T) {
	a := mustNew(t, baseConfig())
	alpha, _ := auth.NewAPIKey("alpha", keyAlpha)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if _, err := a.Authenticate(request("OTC-API-Key", keyAlpha)); err != nil {
					t.Errorf("refused during reload: %v", err)
					return
				}
			}
		}()
	}
	for i := 0; i < 50; i++ {
		if err := a.Reload([]auth.APIKey{alpha}, [][]byte{secret}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}

// Reload copies the secrets: a caller reusing its buffer changes nothing.
func TestReloadCopiesSecrets(t *testing.T) {
	a := mustNew(t, baseConfig())
	buf := append([]byte(nil), secret...)
	alpha, _ := auth.NewAPIKey("alpha", keyAlpha)
	if err := a.Reload([]auth.APIKey{alpha}, [][]byte{buf}); err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] = 'x'
	}
	_, err := a.Authenticate(request("Authorization", "Bearer "+validToken()))
	if err != nil {
		t.Errorf("refused after the caller's buffer changed: %v", err)
	}
}
