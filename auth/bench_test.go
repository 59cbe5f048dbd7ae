package auth_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/otc-dev/otc/auth"
)

// BenchmarkMiddleware measures one admitted request per method; run with
// -benchmem. "jwt" reuses one token, as clients do, and so measures the
// verified-token cache; "jwt/uncached" verifies it in full every time. The API key cases show the cost of comparing against every
// stored key (AUTHZ-7).
func BenchmarkMiddleware(b *testing.B) {
	keysN := func(n int) []auth.APIKey {
		keys := make([]auth.APIKey, n)
		for i := range keys {
			keys[i], _ = auth.NewAPIKey(fmt.Sprint("client-", i), fmt.Sprintf("bench-key-%04d-0123456789abcdefghijklmnopqrstuvwxyz", i))
		}
		return keys
	}
	cases := []struct {
		name    string
		cfg     auth.Config
		headers []string
	}{
		{"none", auth.Config{Methods: []auth.Method{auth.MethodNone}}, []string{"Authorization", "Bearer ignored"}},
		{"api_key/1", auth.Config{Methods: []auth.Method{auth.MethodAPIKey}, APIKeys: keysN(1)},
			[]string{"OTC-API-Key", "bench-key-0000-0123456789abcdefghijklmnopqrstuvwxyz"}},
		{"api_key/100", auth.Config{Methods: []auth.Method{auth.MethodAPIKey}, APIKeys: keysN(100)},
			[]string{"OTC-API-Key", "bench-key-0099-0123456789abcdefghijklmnopqrstuvwxyz"}},
		{"jwt", auth.Config{Methods: []auth.Method{auth.MethodJWT}, JWTSecrets: [][]byte{secret}, Audiences: []auth.Audience{{Name: "agents"}}},
			[]string{"Authorization", "Bearer " + validToken(`"aud":"agents"`, `"sub":"bot"`)}},
		// Every request verified in full, as a token's first use is.
		{"jwt/uncached", auth.Config{Methods: []auth.Method{auth.MethodJWT}, JWTSecrets: [][]byte{secret}, Audiences: []auth.Audience{{Name: "agents"}}, TokenCacheSize: -1},
			[]string{"Authorization", "Bearer " + validToken(`"aud":"agents"`, `"sub":"bot"`)}},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			bc.cfg.Now, bc.cfg.Logger = clock, discard
			a := mustNew(b, bc.cfg)
			h := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }))
			r := request(bc.headers...)
			w := &nullWriter{header: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				w.status = 0
				h.ServeHTTP(w, r)
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
			}
		})
	}
}

type nullWriter struct {
	header http.Header
	status int
}

func (w *nullWriter) Header() http.Header         { return w.header }
func (w *nullWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nullWriter) WriteHeader(status int)      { w.status = status }
