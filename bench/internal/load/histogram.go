package load

import (
	"math"
	"math/bits"
	"time"
)

// The histogram is log-linear, like HdrHistogram: values below subCount
// nanoseconds have a bucket each, and every power of two above is split into
// subCount/2 equal buckets. A bucket's width is therefore at most 1/128 of
// its lower bound, so any quantile is reported within 0.8% of the true value,
// whatever the scale, with a fixed few thousand counters and no allocation
// when recording.
const (
	subBits  = 8
	subCount = 1 << subBits // 256
	subHalf  = subCount / 2
	// maxShift bounds the range at 2^(maxShift+subBits) ns, about 18 minutes;
	// longer values are counted in the last bucket.
	maxShift   = 32
	numBuckets = subCount + maxShift*subHalf
)

// Histogram records latencies. The zero value is ready to use. It is not
// safe for concurrent use: each worker keeps its own and they are merged at
// the end, so recording never contends.
type Histogram struct {
	counts [numBuckets]uint64
	n      uint64
	sum    float64 // nanoseconds; float so that long runs cannot overflow
	min    int64
	max    int64
}

// Record adds one observation. Negative durations count as zero.
func (h *Histogram) Record(d time.Duration) {
	v := max(int64(d), 0)
	h.counts[bucketOf(uint64(v))]++
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n++
	h.sum += float64(v)
}

// Merge adds every observation of o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.n += o.n
	h.sum += o.sum
}

// Count returns the number of observations.
func (h *Histogram) Count() uint64 { return h.n }

// Min returns the smallest observation, or 0 when there is none.
func (h *Histogram) Min() time.Duration { return time.Duration(h.min) }

// Max returns the largest observation, or 0 when there is none.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Mean returns the arithmetic mean, or 0 when there is no observation.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(math.Round(h.sum / float64(h.n)))
}

// Quantile returns the value below or at which a fraction q (0..1) of the
// observations lie: the observation of rank ceil(q*n), reported as the upper
// bound of its bucket (HdrHistogram's "highest equivalent value"), so that a
// percentile is never flattering. It is clamped to [Min, Max] and is 0 when
// there is no observation.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	q = min(max(q, 0), 1)
	rank := max(uint64(math.Ceil(q*float64(h.n))), 1)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			v := min(max(int64(bucketHigh(i)), h.min), h.max)
			return time.Duration(v)
		}
	}
	return time.Duration(h.max)
}

// bucketOf returns the index of the bucket that holds v nanoseconds.
func bucketOf(v uint64) int {
	if v < subCount {
		return int(v)
	}
	shift := bits.Len64(v) - subBits // >= 1
	if shift > maxShift {
		return numBuckets - 1
	}
	top := v >> uint(shift) // in [subHalf, subCount)
	return subCount + (shift-1)*subHalf + int(top-subHalf)
}

// bucketHigh returns the largest value that falls in bucket i.
func bucketHigh(i int) uint64 {
	if i < subCount {
		return uint64(i)
	}
	shift := (i-subCount)/subHalf + 1
	top := uint64((i-subCount)%subHalf + subHalf)
	return (top+1)<<uint(shift) - 1
}

// bucketLow returns the smallest value that falls in bucket i.
func bucketLow(i int) uint64 {
	if i < subCount {
		return uint64(i)
	}
	shift := (i-subCount)/subHalf + 1
	top := uint64((i-subCount)%subHalf + subHalf)
	return top << uint(shift)
}
