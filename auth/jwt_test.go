package auth_test

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc/auth"
)

// reasonOf returns the Reason of a *auth.Failure in err, or "" for nil.
func reasonOf(t testing.TB, err error) auth.Reason {
	t.Helper()
	if err == nil {
		return ""
	}
	var f *auth.Failure
	if !errors.As(err, &f) {
		t.Fatalf("error %v is not a *auth.Failure", err)
	}
	return f.Reason
}

// bearer authenticates a request carrying tok as a Bearer token.
func bearer(t *testing.T, a *auth.Authenticator, tok string) auth.Reason {
	t.Helper()
	_, err := a.Authenticate(request("Authorization", "Bearer "+tok))
	return reasonOf(t, err)
}

func TestJWTAccepted(t *testing.T) {
	a := mustNew(t, baseConfig())
	tests := []struct {
		name string
		tok  string
	}{
		// OTC: AUTH-8 — the JWT arrives as Authorization: Bearer.
		// OTC: AUTH-9 — signed with the shared secret using HS256 (by hand here).
		{"hs256 with the current secret", validToken(`"sub":"bot"`)},
		// Rotation: the second secret still verifies.
		{"hs256 with the previous secret", forge(hs256, claims(`"sub":"bot"`), oldSecret)},
		{"no typ", forge(`{"alg":"HS256"}`, claims(), secret)},
		{"typ at+jwt", forge(`{"alg":"HS256","typ":"at+jwt"}`, claims(), secret)},
		{"kid is ignored", forge(`{"alg":"HS256","kid":"2026-01"}`, claims(), secret)},
		{"unknown claims are ignored", validToken(`"custom":{"a":[1,2]}`)},
		// OTC: AUTH-13 — aud may be absent; present, it must be allowed.
		{"aud allowed string", validToken(`"aud":"agents"`)},
		{"aud allowed array", validToken(`"aud":["agents","ci"]`)},
		// OTC: AUTHZ-4 — within the leeway.
		{"expired within leeway", forge(hs256, `{"exp":`+itoa(unix(-20*time.Second))+`}`, secret)},
		{"nbf within leeway", validToken(`"nbf":` + itoa(unix(20*time.Second)))},
		{"iat within leeway", forge(hs256, `{"exp":`+itoa(unix(time.Minute))+`,"iat":`+itoa(unix(20*time.Second))+`}`, secret)},
		{"exp at max ttl plus leeway", forge(hs256, `{"exp":`+itoa(unix(15*time.Minute+30*time.Second))+`}`, secret)},
		{"escaped claim name", forge(hs256, `{"\u0065xp":`+itoa(unix(time.Minute))+`}`, secret)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bearer(t, a, tt.tok); got != "" {
				t.Errorf("refused with %q, want admitted", got)
			}
		})
	}
}

func TestJWTRefused(t *testing.T) {
	a := mustNew(t, baseConfig())
	exp := `"exp":` + itoa(unix(5*time.Minute))
	tests := []struct {
		name string
		tok  string
		want auth.Reason
	}{
		// OTC: AUTH-10 — the signature is checked with the shared secret.
		{"wrong secret", forge(hs256, claims(), []byte("another-secret-of-enough-length-0123456789")), auth.ReasonBadSignature},
		{"tampered payload", func() string {
			p := strings.Split(validToken(`"sub":"bot"`), ".")
			return p[0] + "." + seg(claims(`"sub":"admin"`)) + "." + p[2]
		}(), auth.ReasonBadSignature},
		{"truncated signature", validToken()[:len(validToken())-4], auth.ReasonMalformed},
		// OTC: AUTH-12 — missing, invalid or expired: 401.
		{"expired", forge(hs256, `{"exp":`+itoa(unix(-31*time.Second))+`}`, secret), auth.ReasonExpired},
		{"not a token", "abc.def.ghi", auth.ReasonMalformed},
		// OTC: AUTH-11 — exp must be present.
		{"exp missing", forge(hs256, `{"sub":"bot"}`, secret), auth.ReasonMissingExp},
		// OTC: AUTH-14, AUTHZ-4 — exp further ahead than the maximum lifetime plus leeway.
		{"lifetime too long", forge(hs256, `{"exp":`+itoa(unix(15*time.Minute+31*time.Second))+`}`, secret), auth.ReasonLifetimeTooLong},
		{"exp centuries ahead", forge(hs256, `{"exp":32503680000}`, secret), auth.ReasonLifetimeTooLong},
		// OTC: AUTHZ-4 — nbf or iat in the future beyond the leeway.
		{"nbf in the future", validToken(`"nbf":` + itoa(unix(31*time.Second))), auth.ReasonNotYetValid},
		{"iat in the future", forge(hs256, `{"exp":`+itoa(unix(5*time.Minute))+`,"iat":`+itoa(unix(31*time.Second))+`}`, secret), auth.ReasonNotYetValid},
		// OTC: AUTHZ-3 — numeric dates are integer JSON numbers.
		{"exp as string", forge(hs256, `{"exp":"`+itoa(unix(time.Minute))+`"}`, secret), auth.ReasonInvalidClaims},
		{"exp as float", forge(hs256, `{"exp":`+itoa(unix(time.Minute))+`.5}`, secret), auth.ReasonInvalidClaims},
		{"exp with exponent", forge(hs256, `{"exp":1.8e9}`, secret), auth.ReasonInvalidClaims},
		{"exp huge", forge(hs256, `{"exp":1e400}`, secret), auth.ReasonInvalidClaims},
		{"exp beyond int64", forge(hs256, `{"exp":99999999999999999999}`, secret), auth.ReasonInvalidClaims},
		{"exp negative", forge(hs256, `{"exp":-1}`, secret), auth.ReasonInvalidClaims},
		{"exp null", forge(hs256, `{"exp":null}`, secret), auth.ReasonInvalidClaims},
		{"exp bool", forge(hs256, `{"exp":true}`, secret), auth.ReasonInvalidClaims},
		{"nbf as string", validToken(`"nbf":"0"`), auth.ReasonInvalidClaims},
		{"iat as float", forge(hs256, `{`+exp+`,"iat":1.5}`, secret), auth.ReasonInvalidClaims},
		// OTC: AUTHZ-3 — duplicate and case-variant claim names.
		{"exp twice", forge(hs256, `{"exp":`+itoa(unix(-time.Hour))+`,`+exp+`}`, secret), auth.ReasonInvalidClaims},
		{"exp and EXP", forge(hs256, `{`+exp+`,"EXP":`+itoa(unix(-time.Hour))+`}`, secret), auth.ReasonInvalidClaims},
		{"exp and Exp", forge(hs256, `{"Exp":1,`+exp+`}`, secret), auth.ReasonInvalidClaims},
		{"aud and AUD", validToken(`"aud":"agents"`, `"AUD":"stranger"`), auth.ReasonInvalidClaims},
		{"duplicate nested", validToken(`"x":{"a":1,"A":2}`), auth.ReasonInvalidClaims},
		{"escaped duplicate", forge(hs256, `{`+exp+`,"\u0065xp":1}`, secret), auth.ReasonInvalidClaims},
		{"payload not an object", forge(hs256, `[1]`, secret), auth.ReasonInvalidClaims},
		{"payload trailing data", forge(hs256, claims()+`{}`, secret), auth.ReasonInvalidClaims},
		{"payload invalid utf8", forge(hs256, `{`+exp+`,"x":"`+"\xff"+`"}`, secret), auth.ReasonInvalidClaims},
		{"sub not a string", validToken(`"sub":1`), auth.ReasonInvalidClaims},
		{"sub with control character", validToken(`"sub":"a\nb"`), auth.ReasonInvalidClaims},
		{"jti empty", validToken(`"jti":""`), auth.ReasonInvalidClaims},
		{"scope not a pattern", validToken(`"scope":"Calc*"`), auth.ReasonInvalidClaims},
		// OTC: AUTHZ-1 — aud fails closed.
		{"aud stranger", validToken(`"aud":"stranger"`), auth.ReasonAudience},
		{"aud list with one stranger", validToken(`"aud":["agents","stranger"]`), auth.ReasonAudience},
		{"aud empty string", validToken(`"aud":""`), auth.ReasonAudience},
		{"aud empty array", validToken(`"aud":[]`), auth.ReasonAudience},
		{"aud number", validToken(`"aud":1`), auth.ReasonAudience},
		{"aud null", validToken(`"aud":null`), auth.ReasonAudience},
		{"aud object", validToken(`"aud":{"agents":true}`), auth.ReasonAudience},
		{"aud array with number", validToken(`"aud":["agents",1]`), auth.ReasonAudience},
		{"aud array with empty", validToken(`"aud":["agents",""]`), auth.ReasonAudience},
		{"aud case variant", validToken(`"aud":"Agents"`), auth.ReasonAudience},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bearer(t, a, tt.tok); got != tt.want {
				t.Errorf("reason %q, want %q", got, tt.want)
			}
		})
	}
}

// OTC: AUTHZ-2 — only HS256; no header may make the verifier trust,
// fetch or reinterpret anything.
func TestJWTHeaderAttacks(t *testing.T) {
	// JWT only, so that a token not shaped like a JWT is not taken for an
	// API key (COMPAT-6) and every case reports a JWT reason.
	cfg := baseConfig()
	cfg.Methods = []auth.Method{auth.MethodJWT}
	a := mustNew(t, cfg)
	p := claims(`"sub":"bot"`)
	tests := []struct {
		name string
		tok  string
		want auth.Reason
	}{
		{"alg none no signature", seg(`{"alg":"none"}`) + "." + seg(p) + ".", auth.ReasonMalformed},
		{"alg none with signature", forge(`{"alg":"none"}`, p, secret), auth.ReasonUnsupportedAlg},
		{"alg None", forge(`{"alg":"None"}`, p, secret), auth.ReasonUnsupportedAlg},
		{"alg NONE", forge(`{"alg":"NONE"}`, p, secret), auth.ReasonUnsupportedAlg},
		{"alg nOnE", forge(`{"alg":"nOnE"}`, p, secret), auth.ReasonUnsupportedAlg},
		{"alg hs256 lower case", forge(`{"alg":"hs256"}`, p, secret), auth.ReasonUnsupportedAlg},
		{"alg missing", forge(`{"typ":"JWT"}`, p, secret), auth.ReasonUnsupportedAlg},
		{"alg not a string", forge(`{"alg":["HS256"]}`, p, secret), auth.ReasonUnsupportedAlg},
		{"alg twice", forge(`{"alg":"HS256","alg":"none"}`, p, secret), auth.ReasonMalformed},
		{"alg and ALG", forge(`{"alg":"HS256","ALG":"none"}`, p, secret), auth.ReasonMalformed},
		{"HS384 with the secret", signWith(sha512.New384, seg(`{"alg":"HS384"}`), seg(p), secret), auth.ReasonUnsupportedAlg},
		{"HS512 with the secret", signWith(sha512.New, seg(`{"alg":"HS512"}`), seg(p), secret), auth.ReasonUnsupportedAlg},
		{"RS256 signed with the secret as HMAC key", forge(`{"alg":"RS256"}`, p, secret), auth.ReasonUnsupportedAlg},
		{"ES256", forge(`{"alg":"ES256"}`, p, secret), auth.ReasonUnsupportedAlg},
		{"PS256", forge(`{"alg":"PS256"}`, p, secret), auth.ReasonUnsupportedAlg},
		{"HS256 header with HS512 signature", signWith(sha512.New, seg(hs256), seg(p), secret), auth.ReasonBadSignature},
		{"stripped signature", seg(hs256) + "." + seg(p) + ".", auth.ReasonMalformed},
		{"two parts", seg(hs256) + "." + seg(p), auth.ReasonMalformed},
		{"four parts", validToken() + ".e30", auth.ReasonMalformed},
		{"crit header", forge(`{"alg":"HS256","crit":["exp"]}`, p, secret), auth.ReasonUnsupportedHeader},
		{"crit empty", forge(`{"alg":"HS256","crit":[]}`, p, secret), auth.ReasonUnsupportedHeader},
		{"b64 false", forge(`{"alg":"HS256","b64":false,"crit":["b64"]}`, p, secret), auth.ReasonUnsupportedHeader},
		{"b64 false alone", forge(`{"alg":"HS256","b64":false}`, p, secret), auth.ReasonUnsupportedHeader},
		{"embedded jwk", forge(`{"alg":"HS256","jwk":{"kty":"oct","k":"`+seg("attacker-key")+`"}}`, p, []byte("attacker-key")), auth.ReasonUnsupportedHeader},
		{"jku", forge(`{"alg":"HS256","jku":"https://attacker.example/jwks.json"}`, p, secret), auth.ReasonUnsupportedHeader},
		{"x5u", forge(`{"alg":"HS256","x5u":"https://attacker.example/cert.pem"}`, p, secret), auth.ReasonUnsupportedHeader},
		{"x5c", forge(`{"alg":"HS256","x5c":["MIIB"]}`, p, secret), auth.ReasonUnsupportedHeader},
		{"cty JWT nested", forge(`{"alg":"HS256","cty":"JWT"}`, p, secret), auth.ReasonUnsupportedHeader},
		{"unknown header", forge(`{"alg":"HS256","foo":"bar"}`, p, secret), auth.ReasonUnsupportedHeader},
		{"typ JWE", forge(`{"alg":"HS256","typ":"JWE"}`, p, secret), auth.ReasonUnsupportedHeader},
		// kid tricks: kid never selects a key, so a path, SQL or an empty
		// key named by kid gives the attacker nothing.
		{"kid path traversal with empty key", forge(`{"alg":"HS256","kid":"../../../../dev/null"}`, p, []byte{}), auth.ReasonBadSignature},
		{"kid sql injection", forge(`{"alg":"HS256","kid":"x' UNION SELECT 'k"}`, p, []byte("k")), auth.ReasonBadSignature},
		{"kid not a string", forge(`{"alg":"HS256","kid":7}`, p, secret), auth.ReasonUnsupportedHeader},
		{"kid too long", forge(`{"alg":"HS256","kid":"`+strings.Repeat("k", 300)+`"}`, p, secret), auth.ReasonUnsupportedHeader},
		{"header not JSON", signWith(sha256.New, seg("HS256"), seg(p), secret), auth.ReasonMalformed},
		// OTC: AUTHZ-3 — canonical base64url only.
		{"padded segment", signWith(sha256.New, base64.URLEncoding.EncodeToString([]byte(`{"alg":"HS256","kid":"a"}`)), seg(p), secret), auth.ReasonMalformed},
		{"standard alphabet", func() string {
			tok := validToken(`"sub":"??>>??>>"`)
			std := strings.NewReplacer("-", "+", "_", "/").Replace(tok)
			if std == tok {
				t.Fatal("test token has no URL-safe characters to swap")
			}
			return std
		}(), auth.ReasonMalformed},
		{"non-zero unused bits", func() string {
			tok := validToken()
			// The 43rd character of the 32-byte signature carries 2 unused
			// bits; setting them keeps the bytes but breaks canonicity.
			last := tok[len(tok)-1]
			alt := strings.IndexByte("AEIMQUYcgkosw048", last)
			if alt < 0 {
				t.Fatalf("signature ends in %q, which has unused bits set already", last)
			}
			return tok[:len(tok)-1] + string("BFJNRVZdhlptx159"[alt])
		}(), auth.ReasonMalformed},
		{"line break inside", validToken()[:10] + "\n" + validToken()[10:], auth.ReasonMalformed},
		{"empty header segment", "." + seg(p) + "." + seg("sig"), auth.ReasonMalformed},
		{"too large", forge(hs256, claims(`"pad":"`+strings.Repeat("a", auth.MaxTokenSize)+`"`), secret), auth.ReasonTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bearer(t, a, tt.tok); got != tt.want {
				t.Errorf("reason %q, want %q", got, tt.want)
			}
		})
	}
}

// OTC: AUTHZ-1 — with no allowed client list, any aud is refused; with
// RequireAudience, a token without aud is too.
func TestJWTAudienceList(t *testing.T) {
	cfg := baseConfig()
	cfg.Audiences = nil
	a := mustNew(t, cfg)
	if got := bearer(t, a, validToken(`"aud":"agents"`)); got != auth.ReasonAudience {
		t.Errorf("aud with empty allowed list: reason %q, want %q", got, auth.ReasonAudience)
	}
	if got := bearer(t, a, validToken()); got != "" {
		t.Errorf("no aud with empty allowed list: refused with %q", got)
	}
	cfg = baseConfig()
	cfg.RequireAudience = true
	a = mustNew(t, cfg)
	if got := bearer(t, a, validToken()); got != auth.ReasonAudience {
		t.Errorf("no aud with RequireAudience: reason %q, want %q", got, auth.ReasonAudience)
	}
	if got := bearer(t, a, validToken(`"aud":"ci"`)); got != "" {
		t.Errorf("allowed aud with RequireAudience: refused with %q", got)
	}
}

// OTC: AUTH-14, AUTHZ-4 — MaxTTL and Leeway are configurable.
func TestJWTTimeRulesConfigurable(t *testing.T) {
	tests := []struct {
		name   string
		maxTTL time.Duration
		leeway time.Duration
		exp    time.Duration
		want   auth.Reason
	}{
		{"default lifetime", 0, 0, 15 * time.Minute, ""},
		{"shorter max ttl", 2 * time.Minute, 0, 3 * time.Minute, auth.ReasonLifetimeTooLong},
		{"shorter max ttl within", 2 * time.Minute, 0, 2 * time.Minute, ""},
		{"no leeway expired now", 0, -1, 0, auth.ReasonExpired},
		{"no leeway one second left", 0, -1, time.Second, ""},
		{"long leeway", 0, 2 * time.Minute, -time.Minute, ""},
		{"long leeway exceeded", 0, 2 * time.Minute, -2 * time.Minute, auth.ReasonExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := baseConfig()
			cfg.MaxTTL, cfg.Leeway = tt.maxTTL, tt.leeway
			a := mustNew(t, cfg)
			tok := forge(hs256, `{"exp":`+itoa(unix(tt.exp))+`}`, secret)
			if got := bearer(t, a, tok); got != tt.want {
				t.Errorf("reason %q, want %q", got, tt.want)
			}
		})
	}
}

// A JWT admits a caller named by sub, else by aud, with its audience.
func TestJWTCaller(t *testing.T) {
	a := mustNew(t, baseConfig())
	tests := []struct {
		name     string
		tok      string
		wantName string
		wantAud  []string
	}{
		{"sub", validToken(`"sub":"bot-7"`, `"aud":"agents"`), "bot-7", []string{"agents"}},
		{"aud only", validToken(`"aud":["agents","ci"]`), "agents,ci", []string{"agents", "ci"}},
		{"neither", validToken(), "jwt", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := a.Authenticate(request("Authorization", "Bearer "+tt.tok))
			if err != nil {
				t.Fatal(err)
			}
			if c.Method != "jwt" || c.Name != tt.wantName {
				t.Errorf("caller %s/%s, want jwt/%s", c.Method, c.Name, tt.wantName)
			}
			if diff := cmp.Diff(tt.wantAud, c.Audience); diff != "" {
				t.Errorf("audience (-want +got):\n%s", diff)
			}
		})
	}
}
