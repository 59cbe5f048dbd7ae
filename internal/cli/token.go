package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/otc-dev/otc/auth"
	"github.com/otc-dev/otc/internal/config"
)

func newTokenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Work with JWTs for OTC servers",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newTokenMintCmd())
	return cmd
}

// mintFlags are the flags of "otc token mint".
type mintFlags struct {
	secret, secretFile, dataDir string
	aud                         []string
	sub, scope, id              string
	ttl                         time.Duration
	allowShort                  bool
}

// mintOnly are flags that describe one token, never read from the
// environment; aud has a variable of its own (audienceEnv).
var mintOnly = []string{"aud", "sub", "scope", "ttl", "id", "unsafe-allow-short-secret"}

func newTokenMintCmd() *cobra.Command {
	var f mintFlags
	cmd := &cobra.Command{
		Use:   "mint",
		Short: "Print an HS256 JWT for an OTC server",
		Long: `Print an HS256 JWT signed with the server's shared secret, for
"Authorization: Bearer <jwt>". Its lifetime is at most 15 minutes (AUTH-11).

The secret comes from --jwt-secret-file (its first entry, the current
secret), --jwt-secret, or their environment variables; with none of them,
from the jwt-secrets file that a local "otc serve" generated in the data
directory. Prefer the file or the environment: a flag's value is visible to
every user of this machine in the process list.

The token carries exp, iat and a random jti, and aud, sub and scope when
given. The server accepts aud only when it is in its allowed client list
(--jwt-audiences); scope narrows the tools the token may use, e.g.
--scope "Calculator.* Demo.WhoAmI".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tok, err := f.mint(cmd.Flags(), time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), tok)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.secretFile, "jwt-secret-file", "", "file of JWT secrets whose first entry signs (the server's jwt-secrets file works)")
	fs.StringVar(&f.secret, "jwt-secret", "", "the JWT secret itself, as written")
	fs.StringVar(&f.dataDir, "data-dir", "", "data directory of a local otc serve, whose generated secret is used when no other is given (default: the per-user state directory)")
	fs.StringSliceVar(&f.aud, "aud", nil, "aud claim: a client name from the server's allowed client list; repeat or comma-separate for several (env "+audienceEnv+")")
	fs.StringVar(&f.sub, "sub", "", "sub claim: who the token is for, shown in the server's logs")
	fs.StringVar(&f.scope, "scope", "", `scope claim: space-separated tool patterns ("*", "Toolkit.*", "Toolkit.Tool") that narrow what the token may use`)
	fs.DurationVar(&f.ttl, "ttl", auth.DefaultTokenTTL, "lifetime of the token, at most 15m")
	fs.StringVar(&f.id, "id", "", "jti claim (default: random)")
	fs.BoolVar(&f.allowShort, "unsafe-allow-short-secret", false, "UNSAFE: sign with a secret shorter than 32 bytes")
	annotateEnv(fs, mintOnly...)
	return cmd
}

// mint resolves the secret and the claims from fs (after the environment)
// and returns the token. Every error is a usage error: nothing but input
// can make minting fail.
func (f *mintFlags) mint(fs *pflag.FlagSet, now time.Time) (string, error) {
	skip := append([]string{}, mintOnly...)
	if fs.Changed("jwt-secret") || fs.Changed("jwt-secret-file") {
		// A secret on the command line replaces the environment's, whichever
		// form either uses.
		skip = append(skip, "jwt-secret", "jwt-secret-file")
	}
	if err := bindEnv(fs, skip...); err != nil {
		return "", err
	}
	if !fs.Changed("aud") {
		if v, ok := os.LookupEnv(audienceEnv); ok && v != "" {
			if err := fs.Set("aud", v); err != nil {
				return "", usageError(fmt.Errorf("environment variable %s: %w", audienceEnv, err))
			}
		}
	}
	secret, err := f.resolveSecret()
	if err != nil {
		return "", usageError(err)
	}
	tok, err := auth.MintToken(secret, auth.MintOptions{
		Audience: f.aud, Subject: f.sub, Scope: f.scope, TTL: f.ttl,
		Now: now, ID: f.id, AllowShortSecret: f.allowShort,
	})
	if err != nil {
		return "", usageError(err)
	}
	return tok, nil
}

// resolveSecret returns the signing secret: the first entry of
// --jwt-secret-file, else --jwt-secret, else the first entry of the data
// directory's generated jwt-secrets file.
func (f *mintFlags) resolveSecret() ([]byte, error) {
	if f.secret != "" && f.secretFile != "" {
		return nil, errors.New("give --jwt-secret or --jwt-secret-file, not both")
	}
	if f.secret != "" {
		return []byte(f.secret), nil
	}
	path, what := f.secretFile, "--jwt-secret-file"
	if path == "" {
		dir := f.dataDir
		if dir == "" {
			dir = config.DefaultDataDir()
		}
		path, what = filepath.Join(dir, auth.JWTSecretsFileName), "generated secrets file"
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no JWT secret: give --jwt-secret-file, or --jwt-secret or %s (and %s was not found)",
				config.EnvName("jwt-secret"), path)
		}
	}
	secrets, err := auth.LoadJWTSecretsFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(secrets) == 0 {
		return nil, fmt.Errorf("%s: %s holds no secret", what, path)
	}
	return secrets[0], nil
}
