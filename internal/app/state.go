package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
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
	"github.com/otc-dev/otc/store/journal"
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

// Where the durable stores keep call records in the data directory.
const (
	// JournalDirName is the directory of --store journal's segments.
	JournalDirName = "calls"
	// BoltFileName is the file of --store bolt.
	BoltFileName = "calls.db"
)

// openStore opens the --store.
func (a *app) openStore(ctx context.Context) error {
	switch s := a.cfg.Store; {
	case s == "memory":
		a.store, a.storeName = memory.New(memory.Options{}), "memory"
	case s == "journal":
		dir := filepath.Join(a.dataDir, JournalDirName)
		st, err := journal.Open(dir, journal.Options{})
		if err != nil {
			return fmt.Errorf("opening the call record store %s: %w", dir, err)
		}
		a.store, a.storeName = st, "journal "+dir
		a.reportRecovery(st.Recovery())
		if _, err := os.Stat(filepath.Join(a.dataDir, BoltFileName)); err == nil {
			a.logger.Warn("the data directory holds a call record file of --store bolt, which --store journal does not read; "+
				"its call_ids are not remembered", "file", filepath.Join(a.dataDir, BoltFileName))
		}
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

// reportRecovery logs what opening the journal had to repair: a torn last
// write (a crash during a write that was never acknowledged: nothing is
// lost) at Info, corrupt frames (records lost to damage) at Error.
func (a *app) reportRecovery(r journal.Recovery) {
	if r.TornBytes > 0 {
		a.logger.Info("call record journal: cut an unfinished write at its end (a crash during a write that was never acknowledged)",
			"bytes", r.TornBytes)
	}
	if r.Forgotten > 0 {
		a.logger.Warn("call record journal: more live records on disk than it keeps in memory; forgot the finished ones closest to expiry",
			"forgotten", r.Forgotten, "max_records", journal.DefaultMaxRecords)
	}
	if r.CorruptFrames > 0 {
		a.logger.Error("call record journal: skipped corrupt records; their call_ids are no longer remembered",
			"frames", r.CorruptFrames, "bytes", r.SkippedBytes)
	}
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
