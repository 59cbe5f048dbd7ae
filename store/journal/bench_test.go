package journal_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/journal"
)

// BenchmarkClaimComplete measures durable calls per second as
// store/bolt's benchmark of the same name does, so that the two compare:
// each call is a Claim and a Complete with a 1 KiB response, both synced,
// from 32 concurrent callers (16 per core on 2 cores).
// The directory goes in $OTC_BENCH_DIR if set, so that it can be put on
// the disk that matters (a tmpfs makes fsync free and the comparison
// meaningless).
func BenchmarkClaimComplete(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts journal.Options
	}{
		{"Default", journal.Options{}},
		// A segment roll (a new file, its header and the directory
		// synced) every few hundred calls: what rolling costs.
		{"Segments=1MiB", journal.Options{SegmentSize: 1 << 20}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			dir := os.Getenv("OTC_BENCH_DIR")
			if dir == "" {
				dir = b.TempDir()
			} else {
				dir, _ = os.MkdirTemp(dir, "otc-bench-")
				b.Cleanup(func() { os.RemoveAll(dir) })
			}
			s, err := journal.Open(dir, bc.opts)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			response := make([]byte, 1024)
			var seq atomic.Int64
			ctx := context.Background()
			b.SetParallelism(16) // callers per core: a server's concurrent requests
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := fmt.Sprintf("call-%d", seq.Add(1))
					rec := store.Record{CallID: id, Digest: "d", ExpiresAt: time.Now().Add(time.Hour)}
					if _, _, err := s.Claim(ctx, rec); err != nil {
						b.Error(err)
						return
					}
					if err := s.Complete(ctx, id, response); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
		})
	}
}
