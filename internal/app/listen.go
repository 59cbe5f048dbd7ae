package app

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/otc-dev/otc/internal/config"
	"github.com/otc-dev/otc/internal/tlsconfig"
	"github.com/otc-dev/otc/netguard"
)

// listener is one open port and the http.Server behind it.
type listener struct {
	name string
	addr string // the bound address, with the real port when :0 was asked
	ln   net.Listener
	srv  *http.Server
}

func (l *listener) serve() error { return l.srv.Serve(l.ln) }

// buildListeners opens the main port (and the metrics port), so that a
// port in use is an error before the server announces itself.
func (a *app) buildListeners() error {
	cfg := a.cfg
	var tlsCfg *tls.Config
	if cfg.TLSCert != "" {
		mode := tlsconfig.ClientAuthNone
		switch {
		case cfg.TLSClientCA != "" && cfg.Uses(config.MethodMTLS):
			// A client certificate is one way in among others.
			mode = tlsconfig.ClientAuthOptional
		case cfg.TLSClientCA != "":
			mode = tlsconfig.ClientAuthRequired
		}
		c, reloader, err := tlsconfig.ServerConfig(tlsconfig.Options{
			CertFile: cfg.TLSCert, KeyFile: cfg.TLSKey, ClientCAFile: cfg.TLSClientCA, ClientAuth: mode,
		})
		if err != nil {
			return &config.Error{Setting: "tls-cert", Err: fmt.Errorf("TLS: %w", err)}
		}
		tlsCfg, a.certs = c, reloader
	}
	main, err := a.listen("main", cfg.Addr, a.handler, tlsCfg)
	if err != nil {
		return err
	}
	a.listeners = append(a.listeners, main)
	if cfg.Metrics && cfg.MetricsAddr != "" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", a.metrics.Handler())
		ml, err := a.listen("metrics", cfg.MetricsAddr, mux, nil)
		if err != nil {
			return err
		}
		a.listeners = append(a.listeners, ml)
	}
	return nil
}

func (a *app) listen(name, addr string, h http.Handler, tlsCfg *tls.Config) (*listener, error) {
	cfg := a.cfg
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	a.closers = append(a.closers, func() error { _ = ln.Close(); return nil })
	if cfg.MaxConns > 0 {
		ln = netguard.LimitListener(ln, cfg.MaxConns)
	}
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
	}
	writeTimeout := cfg.WriteTimeout
	if writeTimeout == 0 {
		// A call may take the whole call timeout before its answer is written.
		writeTimeout = cfg.CallTimeout + 10*time.Second
	}
	srv := &http.Server{
		Handler:           h,
		TLSConfig:         tlsCfg,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(a.logger.Handler(), slog.LevelDebug),
	}
	return &listener{name: name, addr: ln.Addr().String(), ln: ln, srv: srv}, nil
}
