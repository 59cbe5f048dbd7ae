package store

import (
	"context"
	"log/slog"
	"time"
)

// DefaultSweepEvery is the sweep interval RunSweeper uses when given none.
const DefaultSweepEvery = time.Minute

// Sweeper is what RunSweeper needs of a store: every Store is one.
type Sweeper interface {
	Sweep(ctx context.Context, now time.Time) (int, error)
}

// RunSweeper deletes expired records from s once at start, then every
// interval, until ctx ends; it returns when ctx is done. A store whose
// technology expires records itself (Redis) needs no sweeper, though
// running one is harmless.
//
// every <= 0 means DefaultSweepEvery. Each sweep may take at most one
// interval. A failed sweep is logged at Warn and retried at the next tick;
// a sweep that deleted records is logged at Debug with the count. A nil
// logger means slog.Default().
func RunSweeper(ctx context.Context, s Sweeper, every time.Duration, logger *slog.Logger) {
	if every <= 0 {
		every = DefaultSweepEvery
	}
	if logger == nil {
		logger = slog.Default()
	}
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		sweepOnce(ctx, s, every, logger)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// sweepOnce runs one sweep bounded by timeout and logs its outcome.
func sweepOnce(ctx context.Context, s Sweeper, timeout time.Duration, logger *slog.Logger) {
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	n, err := s.Sweep(sctx, time.Now())
	switch {
	case err != nil && ctx.Err() == nil:
		logger.LogAttrs(ctx, slog.LevelWarn, "call record sweep failed", slog.String("err", err.Error()), slog.Int("deleted", n))
	case n > 0:
		logger.LogAttrs(ctx, slog.LevelDebug, "swept expired call records", slog.Int("deleted", n))
	}
}
