package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/otc-dev/otc/internal/config"
	"github.com/otc-dev/otc/internal/tlsconfig"
)

func newCertCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cert",
		Short: "TLS certificates for the server",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newCertDevCmd())
	return cmd
}

func newCertDevCmd() *cobra.Command {
	var (
		dir     string
		dataDir string
		hosts   []string
	)
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Write a self-signed certificate for local development",
		Long: `Write a self-signed TLS certificate and its private key for local
development: ECDSA P-256, valid for 90 days for localhost, 127.0.0.1 and ::1
(and every --host), as cert.pem and key.pem (mode 0600) in --dir.

Existing files are never overwritten. The certificate is for development
only: clients must be told to trust it, and anyone who can read key.pem can
impersonate the server. Use a certificate from your CA in production.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd.Flags(), "dir", "host"); err != nil {
				return err
			}
			if dir == "" {
				if dataDir == "" {
					dataDir = config.DefaultDataDir()
				}
				dir = filepath.Join(dataDir, "tls")
			}
			dc, err := tlsconfig.GenerateDevCert(dir, hosts, time.Now())
			var hostErr *tlsconfig.HostError
			if errors.As(err, &hostErr) {
				return usageError(fmt.Errorf("--host %q is neither an IP address nor a DNS name", hostErr.Host))
			}
			if err != nil {
				return &ExitError{Code: ExitFailure, Err: err}
			}
			printDevCert(cmd, dc)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&dir, "dir", "", "directory to write cert.pem and key.pem into (default: tls in the data directory)")
	fs.StringVar(&dataDir, "data-dir", "", "data directory whose tls subdirectory is the default --dir (default: the per-user state directory)")
	fs.StringSliceVar(&hosts, "host", nil, "another host name or IP address for the certificate; repeat or separate with commas")
	annotateEnv(fs, "dir", "host")
	return cmd
}

func printDevCert(cmd *cobra.Command, dc tlsconfig.DevCert) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "Wrote a development certificate for %s, valid until %s.\n",
		strings.Join(dc.Hosts, ", "), dc.NotAfter.Format(time.DateOnly))
	fmt.Fprintf(w, "  certificate:  %s\n  private key:  %s (mode 0600)\n  SHA-256:      %s\n\n", dc.CertFile, dc.KeyFile, dc.SHA256)
	fmt.Fprintf(w, "Serve HTTPS with it:\n  otc serve --addr 127.0.0.1:8443 --tls-cert %s --tls-key %s\n\n", dc.CertFile, dc.KeyFile)
	// Go programs read SSL_CERT_FILE on Linux and the BSDs, not on macOS
	// or Windows, where the system's trust store decides.
	fmt.Fprintf(w, "Clients must trust it:\n  curl --cacert %s https://127.0.0.1:8443/health\n  SSL_CERT_FILE=%s otc health --url https://127.0.0.1:8443   # Linux, BSD\n",
		dc.CertFile, dc.CertFile)
}
