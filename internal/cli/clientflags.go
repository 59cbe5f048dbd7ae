package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/otc-dev/otc/auth"
	"github.com/otc-dev/otc/client"
	"github.com/otc-dev/otc/internal/config"
)

// DefaultClientURL is the server the client commands talk to when neither
// --url nor OTC_URL names one: a local "otc serve" with its defaults.
const DefaultClientURL = "http://127.0.0.1:8080"

// Output formats of the client commands.
const (
	outputTable = "table"
	outputJSON  = "json"
)

// audienceEnv is the variable of --audience. It is not config.EnvName("audience")
// because the audience only makes sense with a JWT, and the name says so.
const audienceEnv = "OTC_JWT_AUDIENCE"

// clientFlags are the flags that every client command (health, tools, call)
// takes: where the server is, how to authenticate, how to print.
type clientFlags struct {
	url           string
	apiKey        string
	jwtSecret     string
	jwtSecretFile string
	audience      string
	dataDir       string
	output        string
}

// register adds the flags to fs.
func (f *clientFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.url, "url", DefaultClientURL, "base URL of the OTC server")
	// Flags show in the process list: the usage points to the variables.
	fs.StringVar(&f.apiKey, "api-key", "", "API key to send in OTC-API-Key, over HTTPS or to loopback only (AUTH-5); the variable keeps it out of the process list")
	fs.StringVar(&f.jwtSecret, "jwt-secret", "", "shared HS256 secret to mint short-lived JWTs with, preferred over an API key; the variable or --jwt-secret-file keeps it out of the process list")
	fs.StringVar(&f.jwtSecretFile, "jwt-secret-file", "", "file whose first entry is the JWT secret (the server's jwt-secrets file works)")
	fs.StringVar(&f.audience, "audience", "", "JWT aud claim, for servers that check it (env "+audienceEnv+")")
	fs.StringVar(&f.dataDir, "data-dir", "", "data directory of a local otc serve, whose generated credentials are used when the URL is loopback and none is given (default: the per-user state directory)")
	fs.StringVarP(&f.output, "output", "o", outputTable, "output format: table or json")
}

// clientOwnEnv are the client flags whose variable is not config.EnvName(flag).
var clientOwnEnv = []string{"audience"}

// annotateClientEnv documents the variables of the client flags in --help;
// flags named in commandOnly have none.
func annotateClientEnv(fs *pflag.FlagSet, commandOnly ...string) {
	annotateEnv(fs, append(append([]string{}, clientOwnEnv...), commandOnly...)...)
}

// load fills unset flags from the environment and checks them. Flags named
// in commandOnly are never read from the environment: they describe one
// invocation (a call id, a secret for a tool), not a setting.
func (f *clientFlags) load(fs *pflag.FlagSet, commandOnly ...string) error {
	skip := append(append([]string{}, clientOwnEnv...), commandOnly...)
	if fs.Changed("jwt-secret") || fs.Changed("jwt-secret-file") {
		// A secret given on the command line replaces the environment's,
		// whichever of the two forms either uses.
		skip = append(skip, "jwt-secret", "jwt-secret-file")
	}
	if err := bindEnv(fs, skip...); err != nil {
		return err
	}
	if !fs.Changed("audience") {
		if v, ok := os.LookupEnv(audienceEnv); ok {
			f.audience = v
		}
	}
	if f.output != outputTable && f.output != outputJSON {
		return usageError(fmt.Errorf("--output must be %s or %s", outputTable, outputJSON))
	}
	if f.jwtSecret != "" && f.jwtSecretFile != "" {
		return usageError(errors.New("give --jwt-secret or --jwt-secret-file, not both"))
	}
	if f.dataDir == "" {
		f.dataDir = config.DefaultDataDir()
	}
	return nil
}

// credentials are what a client command authenticates with, and where
// they came from, for error messages.
type credentials struct {
	apiKey    string
	jwtSecret []byte
	// source says where they came from, e.g. "--api-key" or a file path;
	// empty when there are none.
	source string
}

// resolveCredentials returns the credentials given explicitly (flags,
// environment, --jwt-secret-file) or, when there are none and the server is
// on this machine, those that a local "otc serve" generated into the data
// directory, preferring the JWT secret (AUTH-17).
func (f *clientFlags) resolveCredentials() (credentials, error) {
	var c credentials
	switch {
	case f.jwtSecretFile != "":
		secret, err := firstCredential(f.jwtSecretFile)
		if err != nil {
			return credentials{}, usageError(fmt.Errorf("--jwt-secret-file: %w", err))
		}
		if secret == "" {
			return credentials{}, usageError(fmt.Errorf("--jwt-secret-file: %s holds no secret", f.jwtSecretFile))
		}
		c.jwtSecret, c.source = []byte(secret), f.jwtSecretFile
	case f.jwtSecret != "":
		c.jwtSecret, c.source = []byte(f.jwtSecret), "--jwt-secret"
	}
	if f.apiKey != "" {
		c.apiKey = f.apiKey
		if c.source == "" {
			c.source = "--api-key"
		}
	}
	if c.source != "" || !urlIsLoopback(f.url) {
		return c, nil
	}
	return generatedCredentials(f.dataDir), nil
}

// generatedCredentials reads the credentials that "otc serve" generates in
// dataDir: the first JWT secret of jwt-secrets, else the first plain key of
// api-keys. Missing or unreadable files mean none: the server may run
// without authentication.
func generatedCredentials(dataDir string) credentials {
	path := filepath.Join(dataDir, auth.JWTSecretsFileName)
	if secret, err := firstCredential(path); err == nil && secret != "" {
		return credentials{jwtSecret: []byte(secret), source: path}
	}
	path = filepath.Join(dataDir, auth.APIKeysFileName)
	entries, err := auth.LoadCredentialEntries(path)
	if err != nil {
		return credentials{}
	}
	for _, entry := range entries {
		name, key, named := strings.Cut(entry, "=")
		if !named {
			key = name
		}
		key = strings.TrimSpace(key)
		// A digest is what the server checks against, not a key to send.
		if key != "" && !strings.HasPrefix(key, auth.DigestPrefix) {
			return credentials{apiKey: key, source: path}
		}
	}
	return credentials{}
}

// firstCredential returns the first entry of a credential file.
func firstCredential(path string) (string, error) {
	entries, err := auth.LoadCredentialEntries(path)
	if err != nil || len(entries) == 0 {
		return "", err
	}
	return entries[0], nil
}

// urlIsLoopback reports whether raw is a URL whose host is this machine.
func urlIsLoopback(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && client.IsLoopback(u.Hostname())
}

// newClient returns a client for the flags' server. With authenticate
// false it carries no credentials (for /health, which needs none).
func (f *clientFlags) newClient(authenticate bool) (*client.Client, credentials, error) {
	opts := &client.Options{
		UserAgent: "otc-cli/1.0",
		// Each invocation makes a request or two: a token per request costs
		// nothing and works with servers that accept each token once.
		TokenPerRequest: true,
	}
	var creds credentials
	if authenticate {
		var err error
		if creds, err = f.resolveCredentials(); err != nil {
			return nil, credentials{}, err
		}
		opts.APIKey, opts.JWTSecret, opts.Audience = creds.apiKey, creds.jwtSecret, f.audience
	}
	c, err := client.New(f.url, opts)
	if err != nil {
		return nil, credentials{}, usageError(err)
	}
	return c, creds, nil
}

// exitError gives a failed client request its exit status: 2 for input the
// server found invalid (422), 3 when the server refused the request or
// could not be reached or understood, 1 when interrupted. A 401 says where
// the credential it rejected came from.
func exitError(err error, creds credentials) error {
	var (
		validation   *client.ValidationError
		unauthorized *client.UnauthorizedError
		insecure     *client.InsecureAPIKeyError
		badRequest   *client.BadRequestError
		status       *client.StatusError
		transport    *client.TransportError
		response     *client.ResponseError
	)
	switch {
	case errors.As(err, &validation), errors.As(err, &insecure):
		return usageError(err)
	case errors.As(err, &unauthorized):
		if creds.source == "" {
			err = fmt.Errorf("%w\nno credentials were sent: give --api-key, --jwt-secret or --jwt-secret-file (or OTC_API_KEY, OTC_JWT_SECRET)", err)
		} else {
			err = fmt.Errorf("%w\nthe credential came from %s", err, creds.source)
		}
		return &ExitError{Code: ExitAuthOrSrv, Err: err}
	case errors.As(err, &badRequest), errors.As(err, &status), errors.As(err, &transport), errors.As(err, &response):
		return &ExitError{Code: ExitAuthOrSrv, Err: err}
	case errors.Is(err, context.Canceled):
		return &ExitError{Code: ExitFailure, Err: errors.New("interrupted")}
	}
	return &ExitError{Code: ExitFailure, Err: err}
}
