package config

import (
	"os"
	"sort"
	"strings"

	"github.com/spf13/pflag"
)

// Environment variables that are settings without being flags of serve.
var knownEnv = map[string]bool{
	"OTC_API_KEYS":       true, // API keys (secrets: never a flag)
	"OTC_JWT_SECRETS":    true, // JWT secrets (secrets: never a flag)
	"OTC_URL":            true, // client commands
	"OTC_API_KEY":        true,
	"OTC_JWT_SECRET":     true,
	"OTC_JWT_AUDIENCE":   true,
	"OTC_OUTPUT":         true,
	"OTC_TEST_REDIS_URL": true, // tests
}

// EnvName returns the environment variable of a flag: OTC_ and the flag name
// in upper case with dashes as underscores.
func EnvName(flag string) string {
	return "OTC_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// UnknownEnv returns the OTC_* variables of environ that name no setting of
// fs. They are worth a warning, not an error: an environment may carry
// variables for another version of otc.
func UnknownEnv(fs *pflag.FlagSet, environ []string) []string {
	known := map[string]bool{}
	fs.VisitAll(func(f *pflag.Flag) { known[EnvName(f.Name)] = true })
	var unknown []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "OTC_") && !known[name] && !knownEnv[name] {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	return unknown
}

// LoadSecretEnv reads the secrets that come only from the environment.
func (c *Serve) LoadSecretEnv() {
	c.APIKeysEnv = os.Getenv("OTC_API_KEYS")
	c.JWTSecretsEnv = os.Getenv("OTC_JWT_SECRETS")
}
