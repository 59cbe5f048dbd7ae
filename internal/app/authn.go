package app

import (
	"fmt"

	"github.com/otc-dev/otc/auth"
	"github.com/otc-dev/otc/internal/config"
)

// buildAuth sets up server authentication from --auth and the credentials.
func (a *app) buildAuth() error {
	cfg := a.cfg
	methods, err := auth.ParseMethods(cfg.AuthMethods())
	if err != nil {
		return &config.Error{Setting: "auth", Err: fmt.Errorf("--auth: %w", err)}
	}
	creds, err := prepareCredentials(cfg, a.dataDir, a.stdout, a.logger)
	if err != nil {
		return err
	}
	keys, secrets, err := creds.load()
	if err != nil {
		return err
	}
	if cfg.Uses(config.MethodAPIKey) && len(keys) == 0 {
		return &config.Error{Setting: "auth", Err: fmt.Errorf("--auth api_key: no API keys configured (OTC_API_KEYS, --api-keys-file or api-keys in the config file)")}
	}
	if cfg.Uses(config.MethodJWT) && len(secrets) == 0 {
		return &config.Error{Setting: "auth", Err: fmt.Errorf("--auth jwt: no JWT secrets configured (OTC_JWT_SECRETS or --jwt-secrets-file)")}
	}
	var audiences []auth.Audience
	listed := map[string]bool{}
	for _, aud := range cfg.Audiences {
		audiences = append(audiences, auth.Audience{Name: aud.Name, Tools: aud.Tools})
		listed[aud.Name] = true
	}
	for _, name := range cfg.JWTAudiences {
		if !listed[name] {
			audiences = append(audiences, auth.Audience{Name: name})
			listed[name] = true
		}
	}
	leeway := cfg.JWTLeeway
	if leeway == 0 {
		// --jwt-leeway 0 means none; auth.Config reads zero as its default.
		leeway = -1
	}
	ac := auth.Config{
		Methods:           methods,
		APIKeys:           keys,
		JWTSecrets:        secrets,
		Audiences:         audiences,
		MaxTTL:            cfg.JWTMaxTTL,
		Leeway:            leeway,
		AllowShortSecrets: cfg.UnsafeShortSecrets,
		RequireJTI:        cfg.JWTRequireJTI,
		// AUTH-5 at request time: behind a TLS-terminating proxy on another
		// host, keys arrive over plain HTTP by design.
		AllowPlainHTTPAPIKeys: cfg.InsecureHTTP,
		Observer:              a.metrics,
		Logger:                a.logger,
	}
	if a.redis != nil {
		// Several instances must agree on which token ids were used.
		ac.ReplayCache = a.redis.ReplayCache()
	}
	a.authn, err = auth.New(ac)
	if err != nil {
		return &config.Error{Setting: "auth", Err: err}
	}
	a.creds = creds
	return nil
}
