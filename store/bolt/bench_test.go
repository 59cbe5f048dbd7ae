package bolt_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/bolt"
	"github.com/otc-dev/otc/store/storetest"
)

// BenchmarkClaimComplete measures durable calls per second: each call is a
// Claim and a Complete with a 1 KiB response, both fsynced, from many
// concurrent callers as under server load. Compare group commit (with no
// delay, the default, and with fixed delays) with NoBatch (one transaction
// and fsync per write).
// The file goes in $OTC_BENCH_DIR if set (see storetest.BenchDir).
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
			storetest.BenchClaimComplete(b, func(dir string) (store.Store, error) {
				return bolt.Open(filepath.Join(dir, "calls.db"), bc.opts)
			})
		})
	}
}
