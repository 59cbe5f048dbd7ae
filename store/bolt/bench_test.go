package bolt_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/bolt"
)

// BenchmarkClaimComplete measures durable calls per second: each call is a
// Claim and a Complete with a 1 KiB response, both fsynced, from many
// concurrent callers as under server load. Compare group commit (with no
// delay, the default, and with fixed delays) with NoBatch (one transaction
// and fsync per write).
// The file goes in $OTC_BENCH_DIR if set, so that it can be put on the disk
// that matters (a tmpfs makes fsync free and the comparison meaningless).
func BenchmarkClaimComplete(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts bolt.Options
	}{
		{"NoBatch", bolt.Options{NoBatch: true}},
		{"Batch/delay=0", bolt.Options{}},
		{"Batch/delay=200us", bolt.Options{MaxBatchDelay: 200 * time.Microsecond}},
		{"Batch/delay=1ms", bolt.Options{MaxBatchDelay: time.Millisecond}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			dir := os.Getenv("OTC_BENCH_DIR")
			if dir == "" {
				dir = b.TempDir()
			} else {
				dir, _ = os.MkdirTemp(dir, "otc-bench-")
				b.Cleanup(func() { os.RemoveAll(dir) })
			}
			s, err := bolt.Open(filepath.Join(dir, "calls.db"), bc.opts)
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
