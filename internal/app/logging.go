package app

import (
	"io"
	"log/slog"

	"github.com/otc-dev/otc/internal/config"
)

// newLogger builds the process logger from --log-format and --log-level.
// The configuration was validated, so the level parses.
func newLogger(cfg *config.Serve, w io.Writer) *slog.Logger {
	level, _ := cfg.SlogLevel()
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
