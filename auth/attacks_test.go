package auth_test

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/otc-dev/otc/auth"
)

// attack is a request mutation that must be refused. Tokens are forged by
// hand (see helpers_test.go).
type attack struct {
	name string
	req  func(*http.Request)
}

// attacks are the classic attacks on API keys and HS256 JWTs, against the
// credentials of baseConfig. good is a valid token of the same client, for
// the control request.
func attacks() (list []attack, good string) {
	p := claims(`"sub":"mallory"`)
	good = validToken(`"sub":"mallory"`)
	parts := strings.Split(good, ".")
	exp := `"exp":` + itoa(unix(5*time.Minute))
	hdr := func(v string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", v) }
	}
	bearerTok := func(tok string) func(*http.Request) { return hdr("Bearer " + tok) }

	list = []attack{
		// OTC: AUTHZ-2 — alg none in any case.
		{"alg none", bearerTok(seg(`{"alg":"none","typ":"JWT"}`) + "." + seg(p) + ".")},
		{"alg None", bearerTok(seg(`{"alg":"None"}`) + "." + seg(p) + ".")},
		{"alg NONE signed", bearerTok(forge(`{"alg":"NONE"}`, p, secret))},
		{"alg nOnE", bearerTok(seg(`{"alg":"nOnE"}`) + "." + seg(p) + "." + parts[2])},
		// OTC: AUTHZ-2 — algorithm confusion with the shared secret.
		{"HS384", bearerTok(signWith(sha512.New384, seg(`{"alg":"HS384","typ":"JWT"}`), seg(p), secret))},
		{"HS512", bearerTok(signWith(sha512.New, seg(`{"alg":"HS512","typ":"JWT"}`), seg(p), secret))},
		{"RS256 with the secret", bearerTok(forge(`{"alg":"RS256","typ":"JWT"}`, p, secret))},
		{"ES256 with the secret", bearerTok(forge(`{"alg":"ES256"}`, p, secret))},
		// OTC: AUTH-10 — signature tampering.
		{"stripped signature", bearerTok(parts[0] + "." + parts[1] + ".")},
		{"no signature part", bearerTok(parts[0] + "." + parts[1])},
		{"tampered payload", bearerTok(parts[0] + "." + seg(claims(`"sub":"admin"`)) + "." + parts[2])},
		{"tampered header", bearerTok(seg(`{"alg":"HS256","typ":"jwt"}`) + "." + parts[1] + "." + parts[2])},
		{"signature of another token", bearerTok(parts[0] + "." + parts[1] + "." + strings.Split(validToken(`"sub":"x"`), ".")[2])},
		{"wrong secret", bearerTok(forge(hs256, p, []byte("attacker-guess-of-the-secret-0123456789")))},
		{"empty secret", bearerTok(forge(hs256, p, nil))},
		// OTC: AUTHZ-2 — crit, kid tricks, key-carrying headers, b64.
		{"crit", bearerTok(forge(`{"alg":"HS256","crit":["exp"],"exp":1}`, p, secret))},
		{"kid path traversal", bearerTok(forge(`{"alg":"HS256","kid":"../../../../../../dev/null"}`, p, []byte{}))},
		{"kid sql injection", bearerTok(forge(`{"alg":"HS256","kid":"' OR '1'='1"}`, p, []byte("1")))},
		{"kid command injection", bearerTok(forge(`{"alg":"HS256","kid":"|cat /etc/passwd"}`, p, []byte("")))},
		{"jwk embedded", bearerTok(forge(`{"alg":"HS256","jwk":{"kty":"oct","k":"`+seg("k")+`"}}`, p, []byte("k")))},
		{"jku", bearerTok(forge(`{"alg":"HS256","jku":"http://127.0.0.1:1/jwks"}`, p, secret))},
		{"x5u", bearerTok(forge(`{"alg":"HS256","x5u":"http://127.0.0.1:1/cert"}`, p, secret))},
		{"b64 false", bearerTok(forge(`{"alg":"HS256","b64":false,"crit":["b64"]}`, p, secret))},
		// OTC: AUTHZ-3 — non-canonical base64url.
		{"padding", bearerTok(signWith(sha256.New, base64.URLEncoding.EncodeToString([]byte(`{"alg":"HS256","kid":"a"}`)), seg(p), secret))},
		{"standard alphabet", bearerTok(strings.NewReplacer("-", "+", "_", "/").Replace(validToken(`"sub":"??>>??>>~~"`)))},
		{"non-zero unused bits", bearerTok(func() string {
			s := parts[2]
			i := strings.IndexByte("AEIMQUYcgkosw048", s[len(s)-1])
			return parts[0] + "." + parts[1] + "." + s[:len(s)-1] + string("BFJNRVZdhlptx159"[i])
		}())},
		// OTC: AUTHZ-3, AUTHZ-4 — claims.
		{"exp as string", bearerTok(forge(hs256, `{"exp":"`+itoa(unix(time.Minute))+`"}`, secret))},
		{"exp as float", bearerTok(forge(hs256, `{"exp":`+itoa(unix(time.Minute))+`.0}`, secret))},
		{"exp huge", bearerTok(forge(hs256, `{"exp":1e308}`, secret))},
		{"exp centuries ahead", bearerTok(forge(hs256, `{"exp":99999999999}`, secret))},
		{"exp missing", bearerTok(forge(hs256, `{"sub":"mallory"}`, secret))},
		{"expired", bearerTok(forge(hs256, `{"exp":`+itoa(unix(-time.Hour))+`}`, secret))},
		{"nbf in the future", bearerTok(forge(hs256, `{`+exp+`,"nbf":`+itoa(unix(time.Hour))+`}`, secret))},
		{"iat in the future", bearerTok(forge(hs256, `{`+exp+`,"iat":`+itoa(unix(time.Hour))+`}`, secret))},
		{"exp twice", bearerTok(forge(hs256, `{"exp":1,`+exp+`}`, secret))},
		{"exp and EXP", bearerTok(forge(hs256, `{"exp":1,"EXP":`+itoa(unix(time.Minute))+`}`, secret))},
		// OTC: AUTHZ-1 — audience.
		{"aud with a stranger", bearerTok(validToken(`"aud":["agents","stranger"]`))},
		{"aud stranger", bearerTok(validToken(`"aud":"stranger"`))},
		{"aud empty string", bearerTok(validToken(`"aud":""`))},
		{"aud empty array", bearerTok(validToken(`"aud":[]`))},
		{"aud number", bearerTok(validToken(`"aud":42`))},
		{"too large", bearerTok(forge(hs256, claims(`"x":"`+strings.Repeat("y", 9000)+`"`), secret))},
		// OTC: AUTHZ-5 — Bearer scheme variants that carry no valid token.
		{"Bearer without token", hdr("Bearer")},
		{"Bearer with spaces only", hdr("Bearer    ")},
		{"bearer lower case, bad token", hdr("bearer " + parts[0] + "." + parts[1] + ".")},
		{"BEARER, tampered", hdr("BEARER " + parts[0] + "." + seg(claims(`"sub":"admin"`)) + "." + parts[2])},
		{"Bearer with two tokens", hdr("Bearer " + good + " " + good)},
		{"Bearer token with comma", hdr("Bearer " + good + ",")},
		{"Bearer tab separator", hdr("Bearer\t" + good)},
		{"BearerX scheme", hdr("BearerX " + good)},
		{"Basic with the token", hdr("Basic " + good)},
		{"Basic with a key", hdr("Basic " + base64.StdEncoding.EncodeToString([]byte("alpha:"+keyAlpha)))},
		{"Digest", hdr(`Digest username="alpha"`)},
		{"token scheme", hdr("Token " + good)},
		{"two Authorization headers", func(r *http.Request) {
			r.Header.Add("Authorization", "Bearer "+good)
			r.Header.Add("Authorization", "Bearer "+good)
		}},
		{"valid jwt and a bad API key", func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+good)
			r.Header.Set("OTC-API-Key", "guess")
		}},
		// OTC: AUTHZ-5 — query strings, cookies and forms are not credentials.
		{"token in the query", func(r *http.Request) { r.URL.RawQuery = "access_token=" + good }},
		{"key in the query", func(r *http.Request) { r.URL.RawQuery = "api_key=" + keyAlpha }},
		{"token in a cookie", func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "access_token", Value: good}) }},
		{"key in a cookie", func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "OTC-API-Key", Value: keyAlpha}) }},
		// OTC: AUTH-6 — API key attacks.
		{"key twice", func(r *http.Request) {
			r.Header.Add("OTC-API-Key", keyAlpha)
			r.Header.Add("OTC-API-Key", "x")
		}},
		{"key and alias", func(r *http.Request) {
			r.Header.Set("OTC-API-Key", keyAlpha)
			r.Header.Set("OXP-API-Key", keyAlpha)
		}},
		{"key prefix", func(r *http.Request) { r.Header.Set("OTC-API-Key", keyAlpha[:len(keyAlpha)-1]) }},
		{"key with suffix", func(r *http.Request) { r.Header.Set("OTC-API-Key", keyAlpha+"A") }},
		{"digest as key", func(r *http.Request) { r.Header.Set("OTC-API-Key", auth.Digest(keyAlpha)) }},
		{"key in X-API-Key", func(r *http.Request) { r.Header.Set("X-API-Key", keyAlpha) }},
		{"nothing", func(*http.Request) {}},
	}
	return list, good
}

// The classic attacks, each against a running server whose protected
// handler counts its invocations: every one must get a 401 and run nothing.
func TestAttacksAgainstServer(t *testing.T) {
	a := mustNew(t, baseConfig())
	c := &counter{}
	srv := httptest.NewServer(a.Middleware(c))
	defer srv.Close()
	list, good := attacks()
	for _, tt := range list {
		t.Run(tt.name, func(t *testing.T) {
			before := c.n.Load()
			for _, target := range []string{"/tools", "/tools/call"} {
				method := http.MethodGet
				if target == "/tools/call" {
					method = http.MethodPost
				}
				r, err := http.NewRequest(method, srv.URL+target, strings.NewReader(`{"request":{"tool_id":"Demo.Counter"}}`))
				if err != nil {
					t.Fatal(err)
				}
				tt.req(r)
				resp, err := srv.Client().Do(r)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s %s: status %d, want 401", method, target, resp.StatusCode)
				}
			}
			if ran := c.n.Load() - before; ran != 0 {
				t.Errorf("protected handler ran %d times", ran)
			}
		})
	}
	// The control: the same server admits a valid token, so the 401s above
	// are the attacks' doing.
	r, _ := http.NewRequest(http.MethodGet, srv.URL+"/tools", nil)
	r.Header.Set("Authorization", "Bearer "+good)
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || c.n.Load() != 1 {
		t.Errorf("valid token: status %d, handler ran %d times", resp.StatusCode, c.n.Load())
	}
}

// Scheme variants that RFC 6750 and RFC 9110 allow are accepted: the scheme
// is case-insensitive and one or more spaces may follow it.
func TestBearerVariantsAccepted(t *testing.T) {
	a := mustNew(t, baseConfig())
	c := &counter{}
	srv := httptest.NewServer(a.Middleware(c))
	defer srv.Close()
	for _, v := range []string{"Bearer ", "bearer ", "BEARER ", "bEaReR ", "Bearer   "} {
		t.Run(strings.TrimSpace(v), func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, srv.URL+"/tools", nil)
			r.Header.Set("Authorization", v+validToken())
			resp, err := srv.Client().Do(r)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%q: status %d", v, resp.StatusCode)
			}
		})
	}
}
