package storetest

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
)

// BenchClaimComplete measures the durable calls per second of the store
// that open makes in dir, so that the stores compare: each call is a Claim
// and a Complete with a 1 KiB response, from 32 concurrent callers (16 per
// core on 2 cores), as under server load. It reports calls/s.
// The store's directory comes from BenchDir.
func BenchClaimComplete(b *testing.B, open func(dir string) (store.Store, error)) {
	b.Helper()
	s, err := open(BenchDir(b))
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
}

// BenchDir returns a new directory for a benchmark's files, removed when it
// ends: in $OTC_BENCH_DIR if that is set, so that a durable store can be put
// on the disk that matters (a tmpfs makes fsync free and the comparison
// meaningless), and a temporary directory otherwise.
func BenchDir(b *testing.B) string {
	b.Helper()
	parent := os.Getenv("OTC_BENCH_DIR")
	if parent == "" {
		return b.TempDir()
	}
	dir, err := os.MkdirTemp(parent, "otc-bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
