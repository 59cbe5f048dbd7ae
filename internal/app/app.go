// Package app wires "otc serve": configuration to stores, authentication,
// limiters, the protocol server, the middleware chain (written once, in
// chain.go) and the listeners, and runs them until the context ends, with a
// graceful drain.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/internal/config"
	"github.com/otc-dev/otc/metrics"
	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/toolkits"
	"github.com/otc-dev/otc/toolkits/examples"
)

// Run serves until ctx is done, then drains: /health turns 503 at once, new
// calls are refused after --drain-grace, in-flight calls get
// --shutdown-timeout to finish. It returns nil after a clean drain.
func Run(ctx context.Context, cfg *config.Serve, stdout, stderr io.Writer) error {
	logger := newLogger(cfg, stderr)
	for _, w := range append(cfg.Warnings, cfg.OverrideWarnings()...) {
		logger.Warn(w)
	}
	a, err := build(ctx, cfg, stdout, stderr, logger)
	if err != nil {
		return err
	}
	defer a.close()
	return a.serve(ctx)
}

// build sets everything up without listening yet, so that every mistake in
// the configuration is reported before the port opens.
func build(ctx context.Context, cfg *config.Serve, stdout, stderr io.Writer, logger *slog.Logger) (*app, error) {
	a := &app{cfg: cfg, logger: logger, stdout: stdout, stderr: stderr}
	ok := false
	defer func() {
		if !ok {
			a.close()
		}
	}()
	a.dataDir = cfg.DataDir
	if a.dataDir == "" {
		a.dataDir = config.DefaultDataDir()
	}
	if err := os.MkdirAll(a.dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	a.instanceID = cfg.InstanceID
	if a.instanceID == "" {
		a.instanceID = randomID()
	}
	reg, err := buildRegistry(cfg, a.instanceID)
	if err != nil {
		return nil, err
	}
	a.registry = reg
	if err := a.openStore(ctx); err != nil {
		return nil, err
	}
	a.metrics = metrics.New(nil)
	if err := a.buildAuth(); err != nil {
		return nil, err
	}
	if err := a.buildHandler(); err != nil {
		return nil, err
	}
	if err := a.buildListeners(); err != nil {
		return nil, err
	}
	ok = true
	return a, nil
}

// buildRegistry registers the --toolkits.
func buildRegistry(cfg *config.Serve, instanceID string) (*otc.Registry, error) {
	reg := otc.NewRegistry()
	for _, name := range cfg.Toolkits {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		tools, err := toolkits.Builtin(name, examples.Options{InstanceID: instanceID})
		if err != nil {
			return nil, &config.Error{Setting: "toolkits", Err: fmt.Errorf("--toolkits: %w", err)}
		}
		if err := reg.Register(tools...); err != nil {
			return nil, fmt.Errorf("toolkit %s: %w", name, err)
		}
	}
	return reg, nil
}

// serve listens, starts the background work, and drains when ctx ends.
func (a *app) serve(ctx context.Context) error {
	errc := make(chan error, 2)
	for _, l := range a.listeners {
		go func() {
			if err := l.serve(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("%s: %w", l.name, err)
			}
		}()
	}
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBackground()
	go store.RunSweeper(bgCtx, a.store, sweepInterval(a.cfg.CallRetention), a.logger)

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	a.announce()
	for {
		select {
		case <-hup:
			a.reload()
		case err := <-errc:
			a.logger.Error("listener failed", "err", err)
			a.drain()
			return err
		case <-ctx.Done():
			a.logger.Info("shutting down: draining", "grace", a.cfg.DrainGrace, "timeout", a.cfg.ShutdownTimeout)
			a.drain()
			return nil
		}
	}
}

// drain follows HEALTH-2: readiness fails at once so load balancers stop
// sending; calls are still taken during the grace period, then refused
// with 503; in-flight calls get the shutdown timeout, then are cancelled.
func (a *app) drain() {
	a.server.StartDrain()
	time.Sleep(a.cfg.DrainGrace)
	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.server.Shutdown(ctx); err != nil {
			a.logger.Warn("in-flight calls cancelled at the shutdown timeout", "err", err)
		}
	}()
	// Connections get a little longer than the calls: a call cancelled at
	// the timeout still writes its "interrupted" tool error to its client
	// before the connection is closed.
	connCtx, cancelConns := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout+connectionGrace)
	defer cancelConns()
	for _, l := range a.listeners {
		if err := l.srv.Shutdown(connCtx); err != nil {
			a.logger.Warn("closing connections", "listener", l.name, "err", err)
			_ = l.srv.Close()
		}
	}
	<-done
	a.logger.Info("stopped")
}

// announce prints the one start-up line: address, auth methods, tools.
func (a *app) announce() {
	scheme := "http"
	if a.cfg.TLSCert != "" {
		scheme = "https"
	}
	methods := strings.Join(a.cfg.AuthMethods(), ",")
	tools := len(a.registry.Tools())
	fmt.Fprintf(a.stdout, "otc: serving %d tools on %s://%s (auth: %s, store: %s, instance: %s)\n",
		tools, scheme, a.listeners[0].addr, methods, a.storeName, a.instanceID)
	a.logger.Info("serving", "addr", a.listeners[0].addr, "auth", methods, "tools", tools,
		"store", a.storeName, "instance", a.instanceID)
}

// reload re-reads key, secret and certificate files on SIGHUP. A failure
// keeps what was in force and says why; connections are never dropped.
func (a *app) reload() {
	if a.creds != nil && a.authn != nil {
		keys, secrets, err := a.creds.load()
		if err == nil {
			err = a.authn.Reload(keys, secrets)
		}
		if err != nil {
			a.logger.Error("SIGHUP: credentials not reloaded; the old ones stay in force", "err", err)
		} else {
			a.logger.Info("SIGHUP: credentials reloaded", "api_keys", len(keys), "jwt_secrets", len(secrets))
		}
	}
	if a.certs != nil {
		if err := a.certs.Reload(); err != nil {
			a.logger.Error("SIGHUP: TLS certificate not reloaded; the old one stays in force", "err", err)
		} else {
			a.logger.Info("SIGHUP: TLS certificate reloaded")
		}
	}
}

// connectionGrace is how long connections outlive the shutdown timeout.
const connectionGrace = 3 * time.Second

func sweepInterval(retention time.Duration) time.Duration {
	return min(max(retention/24, time.Second), 10*time.Minute)
}

func randomID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return "otc-" + hex.EncodeToString(b)
}
