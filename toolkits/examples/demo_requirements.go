package examples

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/otc-dev/otc"
)

// The Demo tools in this file declare requirements (DEF-6, REQ-2..4). They
// prove that the secret or token arrived by returning a short prefix of its
// SHA-256 digest, never the value itself (REQ-5).

// secretID is the secret Demo.SecretFingerprint requires.
const secretID = "DEMO_SECRET"

// Fingerprint is the output of Demo.SecretFingerprint.
type Fingerprint struct {
	SHA256Prefix string `json:"sha256_prefix" jsonschema:"description=The first 8 hex digits of the SHA-256 digest of the secret."`
}

func secretFingerprint() *otc.Tool {
	return otc.MustNewTool(otc.ToolSpec{
		Toolkit: "Demo", Name: "SecretFingerprint", Version: "1.0.0",
		Description: "Shows that the secret DEMO_SECRET reached the tool: returns the first 8 hex digits of its SHA-256 digest.",
		Requirements: &otc.Requirements{
			Secrets: []otc.SecretRequirement{{ID: secretID}},
		},
	}, func(ctx context.Context, _ otc.NoValue) (Fingerprint, error) {
		secret, ok := otc.SecretFromContext(ctx, secretID)
		if !ok {
			// The server refuses calls without the secret (REQ-3); this is
			// reached only when the tool is called some other way.
			return Fingerprint{}, otc.NewToolError("The secret " + secretID + " was not provided.")
		}
		return Fingerprint{SHA256Prefix: digestPrefix(secret)}, nil
	})
}

// authID is the authorization provider Demo.WhoAmI requires.
const authID = "demo"

// Identity is the output of Demo.WhoAmI.
type Identity struct {
	UserID            string `json:"user_id" jsonschema:"description=The user id the call carried."`
	TokenSHA256Prefix string `json:"token_sha256_prefix" jsonschema:"description=The first 8 hex digits of the SHA-256 digest of the demo token."`
}

func whoAmI() *otc.Tool {
	return otc.MustNewTool(otc.ToolSpec{
		Toolkit: "Demo", Name: "WhoAmI", Version: "1.0.0",
		Description: "Shows the user id and authorization token the call carried: returns the user id and the first 8 hex digits of the token's SHA-256 digest.",
		Requirements: &otc.Requirements{
			UserID: true,
			Authorization: []otc.AuthorizationRequirement{
				{ID: authID, OAuth2: &otc.OAuth2Scopes{Scopes: []string{"profile"}}},
			},
		},
	}, func(ctx context.Context, _ otc.NoValue) (Identity, error) {
		info, _ := otc.CallInfoFromContext(ctx)
		token, ok := otc.AuthorizationTokenFromContext(ctx, authID)
		if !ok || info.UserID == "" {
			// As above: the server checks requirements before the call (REQ-2, REQ-4).
			return Identity{}, otc.NewToolError("The call carried no user id or no demo authorization token.")
		}
		return Identity{UserID: info.UserID, TokenSHA256Prefix: digestPrefix(token)}, nil
	})
}

// digestPrefix returns the first 8 hex digits of the SHA-256 digest of s.
func digestPrefix(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}
