package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
)

// healthReport is the JSON output of "otc health".
type healthReport struct {
	URL     string `json:"url"`
	Healthy bool   `json:"healthy"`
	// Error says why the server is not healthy.
	Error string `json:"error,omitempty"`
}

func newHealthCmd() *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:   "health",
		Short: "Check that an OTC server is ready to take tool calls",
		Long: `Check that an OTC server is ready to take tool calls (GET /health).

Exit status: 0 when the server answers that it is healthy, 1 otherwise
(unhealthy, unreachable, or not an OTC server), 2 for a usage error.
No credentials are sent: /health needs none.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.load(cmd.Flags()); err != nil {
				return err
			}
			c, _, err := f.newClient(false)
			if err != nil {
				return err
			}
			report := healthReport{URL: f.url, Healthy: true}
			if err := c.Health(cmd.Context()); err != nil {
				report.Healthy, report.Error = false, err.Error()
			}
			out := cmd.OutOrStdout()
			if f.output == outputJSON {
				b, err := json.MarshalIndent(report, "", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintln(out, string(b))
			} else if report.Healthy {
				fmt.Fprintf(out, "%s is healthy\n", f.url)
			} else {
				fmt.Fprintf(out, "%s is not healthy: %s\n", f.url, report.Error)
			}
			if !report.Healthy {
				// The reason is printed above; Main prints nothing more.
				return &ExitError{Code: ExitFailure}
			}
			return nil
		},
	}
	f.register(cmd.Flags())
	annotateClientEnv(cmd.Flags())
	return cmd
}
