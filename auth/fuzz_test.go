package auth_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/otc-dev/otc/auth"
)

// hmacValid checks a token's signature independently of the package: the
// oracle of the fuzz tests, since a fuzzer cannot forge an HMAC.
func hmacValid(tok string) bool {
	i := strings.LastIndexByte(tok, '.')
	if i < 0 {
		return false
	}
	sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil {
		return false
	}
	for _, s := range [][]byte{secret, oldSecret} {
		mac := hmac.New(sha256.New, s)
		mac.Write([]byte(tok[:i]))
		if hmac.Equal(sig, mac.Sum(nil)) {
			return true
		}
	}
	return false
}

// FuzzAuthenticate throws arbitrary credential headers at an api_key + jwt
// server: it must never panic, must refuse with a *Failure, and may admit
// only a configured key or a token signed with a configured secret.
func FuzzAuthenticate(f *testing.F) {
	f.Add("Bearer "+validToken(`"aud":"ci"`), "", "")
	f.Add("bearer  "+keyAlpha, "", "")
	f.Add("", keyBeta, "")
	f.Add("", "", keyAlpha)
	f.Add("Basic "+keyAlpha, keyAlpha, "")
	f.Add("Bearer "+seg(`{"alg":"none"}`)+"."+seg(claims())+".", "", "")
	f.Add("Bearer", "x", "y")
	a := mustNew(f, baseConfig())
	valid := map[string]bool{keyAlpha: true, keyBeta: true}
	f.Fuzz(func(t *testing.T, authorization, apiKey, oxpKey string) {
		r := request()
		for name, v := range map[string]string{"Authorization": authorization, "Otc-Api-Key": apiKey, "Oxp-Api-Key": oxpKey} {
			if v != "" {
				r.Header[name] = []string{v}
			}
		}
		c, err := a.Authenticate(r)
		if err != nil {
			var fail *auth.Failure
			if !errors.As(err, &fail) {
				t.Fatalf("refusal %v is not a *Failure", err)
			}
			if fail.Description() == "Authentication failed." {
				t.Fatalf("reason %q has no description", fail.Reason)
			}
			return
		}
		isBearer := len(authorization) >= 7 && strings.EqualFold(authorization[:7], "bearer ")
		var token string
		if isBearer {
			token = strings.TrimLeft(authorization[7:], " ")
		}
		switch {
		case apiKey != "" && !valid[apiKey], oxpKey != "" && !valid[oxpKey]:
			t.Fatalf("admitted %s/%s with an invalid API key header", c.Method, c.Name)
		case isBearer && !valid[token] && !hmacValid(token):
			t.Fatalf("admitted %s/%s with a Bearer token that is neither a key nor signed", c.Method, c.Name)
		case !isBearer && apiKey == "" && oxpKey == "":
			t.Fatalf("admitted %s/%s without a credential", c.Method, c.Name)
		}
	})
}

// FuzzVerifyJWT throws arbitrary tokens at a JWT-only server. An admitted
// token must be signed with a configured secret, be at most MaxTokenSize,
// name HS256 and carry an integer exp inside the accepted window, as read
// by encoding/json independently of the package's own decoder.
func FuzzVerifyJWT(f *testing.F) {
	f.Add(validToken())
	f.Add(validToken(`"aud":["agents","ci"]`, `"scope":"Calculator.*"`, `"sub":"bot"`, `"nbf":`+itoa(unix(0))))
	f.Add(forge(hs256, `{"exp":1,"EXP":9999999999}`, secret))
	f.Add(forge(`{"alg":"HS256","crit":["b64"],"b64":false}`, claims(), secret))
	f.Add(forge(hs256, `{"exp":"`+itoa(unix(time.Minute))+`"}`, secret))
	f.Add(seg(hs256) + "." + seg(claims()) + ".")
	cfg := baseConfig()
	cfg.Methods = []auth.Method{auth.MethodJWT}
	a := mustNew(f, cfg)
	f.Fuzz(func(t *testing.T, tok string) {
		r := request()
		r.Header["Authorization"] = []string{"Bearer " + tok}
		_, err := a.Authenticate(r)
		if err != nil {
			var fail *auth.Failure
			if !errors.As(err, &fail) {
				t.Fatalf("refusal %v is not a *Failure", err)
			}
			return
		}
		if len(tok) > auth.MaxTokenSize || !hmacValid(tok) {
			t.Fatalf("admitted a token that is too large or not signed")
		}
		parts := strings.Split(tok, ".")
		var header struct{ Alg string }
		var payload struct{ Exp json.Number }
		h, _ := base64.RawURLEncoding.DecodeString(parts[0])
		p, _ := base64.RawURLEncoding.DecodeString(parts[1])
		if json.Unmarshal(h, &header) != nil || header.Alg != "HS256" {
			t.Fatalf("admitted a token whose header is not HS256: %q", h)
		}
		dec := json.NewDecoder(strings.NewReader(string(p)))
		dec.UseNumber()
		if dec.Decode(&payload) != nil {
			t.Fatalf("admitted a token whose payload does not decode: %q", p)
		}
		exp, err := payload.Exp.Int64()
		if err != nil || exp <= unix(-30*time.Second) || exp > unix(15*time.Minute+30*time.Second) {
			t.Fatalf("admitted a token with exp %q outside the window", payload.Exp)
		}
	})
}

// FuzzParseAPIKeys: operator-written key lists never panic the parser, and
// what it accepts, New accepts.
func FuzzParseAPIKeys(f *testing.F) {
	f.Add("alpha=" + keyAlpha + "\nbeta=" + auth.Digest(keyBeta) + ", " + keyAlpha + "x\n# c\n")
	f.Add("=x,y=,sha256:00")
	f.Fuzz(func(t *testing.T, text string) {
		keys, err := auth.ParseAPIKeys(text)
		if err != nil || len(keys) == 0 {
			return
		}
		if _, err := auth.New(auth.Config{Methods: []auth.Method{auth.MethodAPIKey}, APIKeys: keys, AllowShortSecrets: true, Logger: discard}); err != nil {
			t.Fatalf("parsed keys refused by New: %v", err)
		}
	})
}
