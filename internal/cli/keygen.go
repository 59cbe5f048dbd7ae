package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/otc-dev/otc/auth"
)

func newKeygenCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "keygen",
		Short: "Print a new random API key or JWT secret and its sha256 digest",
		Long: `Print a new random API key or JWT secret: 32 bytes from the operating
system's random source, as 43 characters of URL-safe base64.

  key:     give it to the client (or use it as a JWT secret); it is shown
           only here and stored nowhere.
  digest:  "sha256:<hex>" of the key, for the server's API key list
           (--api-keys-file, OTC_API_KEYS or the config file), written as
           name=sha256:<hex>, so that the server never holds the key itself.

A JWT secret must be given to the server as it is, not as a digest.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			key, digest, err := auth.GenerateKey()
			if err != nil {
				return &ExitError{Code: ExitFailure, Err: err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "key:    %s\ndigest: %s\n", key, digest)
			return nil
		},
	}
}
