package journal_test

import (
	"testing"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/journal"
	"github.com/otc-dev/otc/store/storetest"
)

// BenchmarkClaimComplete measures durable calls per second as
// store/bolt's benchmark of the same name does, so that the two compare:
// each call is a Claim and a Complete with a 1 KiB response, both synced,
// from 32 concurrent callers (16 per core on 2 cores).
// The directory goes in $OTC_BENCH_DIR if set (see
// storetest.BenchDir).
func BenchmarkClaimComplete(b *testing.B) {
	for _, bc := range []struct {
		name     string
		opts     journal.Options
		volatile bool
	}{
		{"Default", journal.Options{}, false},
		// A segment roll (a new file, its header and the directory
		// synced) every few hundred calls: what rolling costs.
		{"Segments=1MiB", journal.Options{SegmentSize: 1 << 20}, false},
		// Claims by ClaimVolatile, as for idempotent tools: one write per
		// call instead of two.
		{"Volatile", journal.Options{}, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			storetest.BenchClaimComplete(b, func(dir string) (store.Store, error) {
				s, err := journal.Open(dir, bc.opts)
				if err != nil || !bc.volatile {
					return s, err
				}
				return volatileClaims{s}, nil
			})
		})
	}
}
