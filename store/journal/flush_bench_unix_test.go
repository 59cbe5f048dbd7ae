//go:build unix

package journal

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/otc-dev/otc/store/storetest"
)

// BenchmarkFlush measures the disk under the journal, without the journal:
// one group's write and sync — a pwrite into a zero-filled segment and an
// fdatasync, as commit does — for groups of one frame, of a few, and of
// many. Every durable call waits for two of these in turn (its claim and its
// completion), so this is the floor of a durable call's latency on the disk
// the benchmark runs on ($OTC_BENCH_DIR, see storetest.BenchDir), and
// cpu-µs/op is what each sync costs the machine besides: on a virtual disk
// the flush is far from free.
func BenchmarkFlush(b *testing.B) {
	for _, group := range []int{256, 2 << 10, 8 << 10} {
		b.Run(fmt.Sprintf("Group=%dB", group), func(b *testing.B) {
			size := int64(DefaultSegmentSize)
			f, err := prepareSegment(storetest.BenchDir(b), size)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			buf := make([]byte, group)
			for i := range buf {
				buf[i] = byte(i)
			}
			cpu0 := cpuTime(b)
			b.ResetTimer()
			off := int64(0)
			for b.Loop() {
				if off+int64(group) > size {
					off = 0
				}
				if _, err := f.WriteAt(buf, off); err != nil {
					b.Fatal(err)
				}
				if err := datasync(f); err != nil {
					b.Fatal(err)
				}
				off += int64(group)
			}
			b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

// cpuTime is the CPU time, user and system, this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
