// Package cli holds the cobra commands of the otc binary. Commands only parse
// flags and call packages; cmd/otc/main.go only calls Main.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/otc-dev/otc/internal/config"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit statuses shared by all commands.
const (
	ExitOK        = 0
	ExitFailure   = 1 // a tool error, an unhealthy server, a runtime failure
	ExitUsage     = 2 // bad flags, bad config, validation errors
	ExitAuthOrSrv = 3 // authentication or server errors (client commands)
)

// ExitError carries an exit status out of a command.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// usageError marks err as a usage error (exit status 2).
func usageError(err error) error { return &ExitError{Code: ExitUsage, Err: err} }

// Main runs the otc command line and returns the process exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal starts a graceful drain, a second one stops
	// the process at once, as people expect of Ctrl-C.
	go func() { <-ctx.Done(); stop() }()
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var exit *ExitError
	if errors.As(err, &exit) {
		if exit.Err != nil {
			fmt.Fprintln(stderr, "otc:", exit.Err)
		}
		return exit.Code
	}
	fmt.Fprintln(stderr, "otc:", err)
	// cobra's own errors (unknown command or flag, bad flag value) are usage errors.
	return ExitUsage
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "otc",
		Short:         "Open Tool Calling 1.0 tool server, client and operator tools",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError(err) })
	root.AddCommand(
		newServeCmd(),
		newHealthCmd(),
		newToolsCmd(),
		newCallCmd(),
		newKeygenCmd(),
		newTokenCmd(),
		newCertCmd(),
	)
	return root
}

// bindEnv fills every flag of fs that was not given on the command line from
// its OTC_* environment variable (the flag wins). Flags named in skip are not
// read from the environment. It returns a usage error naming the variable
// when a value does not parse.
func bindEnv(fs *pflag.FlagSet, skip ...string) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed || slices.Contains(skip, f.Name) {
			return
		}
		v, ok := os.LookupEnv(config.EnvName(f.Name))
		if !ok {
			return
		}
		if e := fs.Set(f.Name, v); e != nil {
			err = usageError(fmt.Errorf("environment variable %s: invalid value for --%s", config.EnvName(f.Name), f.Name))
		}
	})
	return err
}

// annotateEnv appends "(env OTC_X)" to every flag's usage, so that --help
// documents each flag's variable.
func annotateEnv(fs *pflag.FlagSet, skip ...string) {
	fs.VisitAll(func(f *pflag.Flag) {
		if !slices.Contains(skip, f.Name) && f.Name != "help" {
			f.Usage += " (env " + config.EnvName(f.Name) + ")"
		}
	})
}
