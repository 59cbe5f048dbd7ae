package app

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"golang.org/x/term"

	"github.com/otc-dev/otc/auth"
	"github.com/otc-dev/otc/internal/config"
)

// credentialSources remembers where the keys and secrets came from, so that
// SIGHUP can read the same sources again.
type credentialSources struct {
	cfg          *config.Serve
	apiKeysFile  string // --api-keys-file, or the generated file
	secretsFile  string // --jwt-secrets-file, or the generated file
	generatedDir string // set when the generated credentials are in use
}

// load reads every configured key and secret. Its errors are *config.Error
// and never contain a key or secret.
func (s *credentialSources) load() ([]auth.APIKey, [][]byte, error) {
	cfg := s.cfg
	var keys []auth.APIKey
	add := func(setting string, ks []auth.APIKey, err error) error {
		if err != nil {
			return &config.Error{Setting: setting, Err: fmt.Errorf("%s: %w", setting, err)}
		}
		keys = append(keys, ks...)
		return nil
	}
	if cfg.APIKeysEnv != "" {
		ks, err := auth.ParseAPIKeys(cfg.APIKeysEnv)
		if err := add("OTC_API_KEYS", ks, err); err != nil {
			return nil, nil, err
		}
	}
	if s.apiKeysFile != "" {
		ks, err := auth.LoadAPIKeysFile(s.apiKeysFile)
		if err := add("api-keys-file", ks, err); err != nil {
			return nil, nil, err
		}
	}
	for i, entry := range cfg.APIKeys {
		k, err := auth.NewAPIKey(entry.Name, entry.Key)
		if err != nil {
			return nil, nil, &config.Error{Setting: "api-keys", Err: fmt.Errorf("config file api-keys entry %d: %w", i+1, err)}
		}
		k.Tools = entry.Tools
		keys = append(keys, k)
	}

	var secrets [][]byte
	if cfg.JWTSecretsEnv != "" {
		ss, err := auth.ParseJWTSecrets(cfg.JWTSecretsEnv)
		if err != nil {
			return nil, nil, &config.Error{Setting: "OTC_JWT_SECRETS", Err: fmt.Errorf("OTC_JWT_SECRETS: %w", err)}
		}
		secrets = append(secrets, ss...)
	}
	if s.secretsFile != "" {
		ss, err := auth.LoadJWTSecretsFile(s.secretsFile)
		if err != nil {
			return nil, nil, &config.Error{Setting: "jwt-secrets-file", Err: fmt.Errorf("jwt-secrets-file: %w", err)}
		}
		secrets = append(secrets, ss...)
	}
	return keys, secrets, nil
}

// prepareCredentials decides where credentials come from. With an
// authentication method on and nothing configured, it generates an API key
// and a JWT secret into the data directory on the first start (and reuses
// them later), and says so: the key itself only on a terminal.
func prepareCredentials(cfg *config.Serve, dataDir string, out io.Writer, logger *slog.Logger) (*credentialSources, error) {
	src := &credentialSources{cfg: cfg, apiKeysFile: cfg.APIKeysFile, secretsFile: cfg.JWTSecretsFile}
	needKeys, needSecrets := cfg.Uses(config.MethodAPIKey), cfg.Uses(config.MethodJWT)
	if !needKeys && !needSecrets {
		return src, nil
	}
	configured := cfg.APIKeysEnv != "" || cfg.APIKeysFile != "" || len(cfg.APIKeys) > 0 ||
		cfg.JWTSecretsEnv != "" || cfg.JWTSecretsFile != ""
	if configured {
		return src, nil
	}
	gen, err := auth.EnsureGeneratedCredentials(dataDir)
	if err != nil {
		return nil, fmt.Errorf("generated credentials in %s: %w", dataDir, err)
	}
	src.apiKeysFile, src.secretsFile, src.generatedDir = gen.APIKeysPath, gen.JWTSecretsPath, dataDir
	logger.Info("using generated credentials", "api_keys_file", src.apiKeysFile, "jwt_secrets_file", src.secretsFile,
		"created", gen.APIKeyCreated || gen.JWTSecretCreated)
	if gen.APIKeyCreated || gen.JWTSecretCreated {
		fmt.Fprintf(out, "Generated an API key and a JWT secret (32 random bytes each) for this server:\n  %s\n  %s\n",
			src.apiKeysFile, src.secretsFile)
		if f, ok := out.(*os.File); ok && gen.APIKey != "" && term.IsTerminal(int(f.Fd())) {
			// Shown once, and only to a person at a terminal: never to a log.
			fmt.Fprintf(out, "API key (send it as OTC-API-Key): %s\n", gen.APIKey)
		}
		fmt.Fprintf(out, "Clients on this machine find them there: otc tools list; otc call Calculator.Add a=1 b=2\n")
	}
	return src, nil
}
