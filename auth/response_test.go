package auth_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc/auth"
)

// OTC: AUTHZ-6 — a 401 carries a JSON {message, developer_message} body
// that names the kind of failure, Cache-Control: no-store and a challenge
// per method, RFC 6750 style with error="invalid_token" when a token was
// presented; it never echoes the credential.
func TestUnauthorizedResponse(t *testing.T) {
	a := mustNew(t, baseConfig())
	expired := forge(hs256, `{"exp":1}`, secret)
	tests := []struct {
		name        string
		headers     []string
		wantBearer  string
		wantMessage string
		wantReason  string
	}{
		{"nothing presented", nil, `Bearer realm="otc"`, "No credential was presented.", "missing"},
		{"expired token", []string{"Authorization", "Bearer " + expired},
			`Bearer realm="otc", error="invalid_token", error_description="The token has expired."`, "The token has expired.", "expired"},
		{"bad signature", []string{"Authorization", "Bearer " + forge(hs256, claims(), []byte("wrong-secret-but-long-enough-0123456789"))},
			`Bearer realm="otc", error="invalid_token", error_description="The token's signature is not valid."`, "signature is not valid", "bad_signature"},
		{"audience", []string{"Authorization", "Bearer " + validToken(`"aud":"stranger"`)},
			`Bearer realm="otc", error="invalid_token", error_description="The token's audience is not allowed."`, "audience is not allowed", "audience_not_allowed"},
		{"unknown key in header", []string{"OTC-API-Key", "guess-" + keyAlpha}, `Bearer realm="otc"`, "The API key is not valid.", "unknown_key"},
		{"unknown key as bearer", []string{"Authorization", "Bearer guess-" + keyAlpha},
			`Bearer realm="otc", error="invalid_token", error_description="The API key is not valid."`, "The API key is not valid.", "unknown_key"},
		{"bearer without token", []string{"Authorization", "Bearer"},
			`Bearer realm="otc", error="invalid_token", error_description="The credential is malformed."`, "malformed", "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &counter{}
			w := serve(a, c, request(tt.headers...))
			if w.Code != http.StatusUnauthorized || c.n.Load() != 0 {
				t.Fatalf("status %d, handler ran %d times", w.Code, c.n.Load())
			}
			h := w.Result().Header
			want := []string{`APIKey realm="otc", header="OTC-API-Key"`, tt.wantBearer}
			if diff := cmp.Diff(want, h.Values("WWW-Authenticate")); diff != "" {
				t.Errorf("WWW-Authenticate (-want +got):\n%s", diff)
			}
			if got := h.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control %q", got)
			}
			if got := h.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type %q", got)
			}
			body := decodeBody(t, w.Body.Bytes())
			if !strings.Contains(body.Message, tt.wantMessage) {
				t.Errorf("message %q does not contain %q", body.Message, tt.wantMessage)
			}
			if !strings.Contains(body.DeveloperMessage, "reason: "+tt.wantReason) {
				t.Errorf("developer_message %q does not name reason %q", body.DeveloperMessage, tt.wantReason)
			}
			raw := w.Body.String() + strings.Join(h.Values("WWW-Authenticate"), "")
			for _, secretText := range []string{keyAlpha, keyBeta, string(secret), string(oldSecret), expired, "guess-"} {
				if strings.Contains(raw, secretText) {
					t.Errorf("response contains credential text %q", secretText[:8])
				}
			}
		})
	}
}

// Every reason's description is a valid RFC 6750 error_description:
// printable ASCII without '"' or '\'.
func TestDescriptionsAreQuotable(t *testing.T) {
	reasons := []auth.Reason{
		auth.ReasonMissing, auth.ReasonDuplicate, auth.ReasonMalformed, auth.ReasonTooLarge,
		auth.ReasonUnsupportedAlg, auth.ReasonUnsupportedHeader, auth.ReasonBadSignature,
		auth.ReasonInvalidClaims, auth.ReasonMissingExp, auth.ReasonExpired, auth.ReasonNotYetValid,
		auth.ReasonLifetimeTooLong, auth.ReasonAudience, auth.ReasonMissingJTI, auth.ReasonReplayed,
		auth.ReasonUnknownKey, auth.ReasonInsecureTransport, auth.ReasonUnverifiedCert,
	}
	seen := map[string]auth.Reason{}
	for _, r := range reasons {
		d := (&auth.Failure{Reason: r}).Description()
		if d == "Authentication failed." {
			t.Errorf("%s has no description", r)
		}
		if other, dup := seen[d]; dup {
			t.Errorf("%s and %s share a description", r, other)
		}
		seen[d] = r
		for _, c := range []byte(d) {
			if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
				t.Errorf("%s: description %q has %q", r, d, c)
			}
		}
	}
}

func TestFailureError(t *testing.T) {
	f := &auth.Failure{Method: auth.MethodJWT, Reason: auth.ReasonExpired}
	if got, want := f.Error(), "auth: jwt: expired: The token has expired."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
