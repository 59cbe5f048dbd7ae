package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/auth"
	"github.com/otc-dev/otc/internal/config"
	"github.com/otc-dev/otc/internal/tlsconfig"
	"github.com/otc-dev/otc/metrics"
	"github.com/otc-dev/otc/server"
	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/bolt"
	"github.com/otc-dev/otc/store/memory"
	redisstore "github.com/otc-dev/otc/store/redis"
)

// app is one running "otc serve".
type app struct {
	cfg        *config.Serve
	logger     *slog.Logger
	stdout     io.Writer
	stderr     io.Writer
	dataDir    string
	instanceID string

	registry  *otc.Registry
	store     store.Store
	storeName string
	redis     *redisstore.Store // set with a redis:// store; shares limits and the jti cache
	creds     *credentialSources
	authn     *auth.Authenticator
	server    *server.Server
	certs     *tlsconfig.CertReloader
	metrics   *metrics.Metrics
	handler   http.Handler
	listeners []*listener
	closers   []func() error
}

// BoltFileName is the call-record file in the data directory.
const BoltFileName = "calls.db"

// openStore opens the --store.
func (a *app) openStore(ctx context.Context) error {
	switch s := a.cfg.Store; {
	case s == "memory":
		a.store, a.storeName = memory.New(memory.Options{}), "memory"
	case s == "bolt":
		path := filepath.Join(a.dataDir, BoltFileName)
		st, err := bolt.Open(path, bolt.Options{})
		if err != nil {
			return fmt.Errorf("opening the call record store %s: %w", path, err)
		}
		a.store, a.storeName = st, "bolt "+path
	case strings.HasPrefix(s, "redis://"), strings.HasPrefix(s, "rediss://"):
		st, err := redisstore.New(ctx, s, redisstore.Options{})
		if err != nil {
			// The URL may carry a password: name the setting, not the value.
			return fmt.Errorf("connecting to the --store redis: %w", err)
		}
		a.store, a.redis, a.storeName = st, st, "redis"
	default:
		return &config.Error{Setting: "store", Err: fmt.Errorf("--store: unknown store")}
	}
	a.closers = append(a.closers, a.store.Close)
	return nil
}

// close releases what build opened, in reverse order.
func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i](); err != nil {
			a.logger.Warn("closing", "err", err)
		}
	}
	a.closers = nil
}
