package store_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/memory"
)

func ExampleRunSweeper() {
	// A store whose records were claimed a day ago and kept for an hour.
	yesterday := func() time.Time { return time.Now().Add(-24 * time.Hour) }
	s := memory.New(memory.Options{Now: yesterday})
	for _, id := range []string{"call-1", "call-2"} {
		_, _, _ = s.Claim(context.Background(), store.Record{CallID: id, ExpiresAt: yesterday().Add(time.Hour)})
	}

	// A server runs the sweeper for its lifetime; here, briefly.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level:       slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { return dropTime(a) },
	}))
	store.RunSweeper(ctx, s, time.Minute, logger)
	fmt.Println("records left:", s.Len())
	// Output:
	// level=DEBUG msg="swept expired call records" deleted=2
	// records left: 0
}

func dropTime(a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
