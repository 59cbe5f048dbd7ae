package cli

import (
	"errors"
	"os"

	"github.com/otc-dev/otc/internal/app"
	"github.com/otc-dev/otc/internal/config"
	"github.com/spf13/cobra"
)

func newServeCmd() *cobra.Command {
	var cfg config.Serve
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run an OTC 1.0 tool server",
		Long: `Run an OTC 1.0 tool server.

Every flag can also be set by an environment variable (shown with each flag)
and by a key of the same name in the YAML file given with --config; a flag
wins over the environment, which wins over the file. API keys and JWT secrets
come only from files, the environment (OTC_API_KEYS, OTC_JWT_SECRETS) or the
config file, never from a flag, so that they do not show in the process list.

With an authentication method on and no credentials configured, the first
start generates an API key and a JWT secret into the data directory and says
where they are; "otc health", "otc tools list" and "otc call" run beside it
find them there.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fs := cmd.Flags()
			if err := bindEnv(fs); err != nil {
				return err
			}
			if cfg.ConfigFile != "" {
				if err := config.ApplyFile(cfg.ConfigFile, fs, &cfg); err != nil {
					return usageError(err)
				}
			}
			cfg.LoadSecretEnv()
			for _, name := range config.UnknownEnv(fs, os.Environ()) {
				cfg.Warnings = append(cfg.Warnings, "environment variable "+name+" names no setting of this version; ignored")
			}
			if err := cfg.Validate(); err != nil {
				return usageError(err)
			}
			err := app.Run(cmd.Context(), &cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
			var ce *config.Error
			if errors.As(err, &ce) {
				return usageError(err)
			}
			if err != nil {
				return &ExitError{Code: ExitFailure, Err: err}
			}
			return nil
		},
	}
	cfg.RegisterFlags(cmd.Flags())
	annotateEnv(cmd.Flags())
	return cmd
}
