package load

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBucketBoundsCoverEveryValue(t *testing.T) {
	// Every bucket's range must start right after the previous one ends,
	// and bucketOf must map both ends of a range to that bucket.
	for i := 1; i < numBuckets; i++ {
		if got, want := bucketLow(i), bucketHigh(i-1)+1; got != want {
			t.Fatalf("bucket %d starts at %d, want %d (previous ends at %d)", i, got, want, bucketHigh(i-1))
		}
		for _, v := range []uint64{bucketLow(i), bucketHigh(i)} {
			if i == numBuckets-1 && v == bucketHigh(i) {
				continue // the last bucket also takes everything above it
			}
			if got := bucketOf(v); got != i {
				t.Fatalf("bucketOf(%d) = %d, want %d", v, got, i)
			}
		}
	}
	if got := bucketOf(math.MaxUint64); got != numBuckets-1 {
		t.Errorf("bucketOf(MaxUint64) = %d, want the last bucket %d", got, numBuckets-1)
	}
}

func TestBucketRelativeWidth(t *testing.T) {
	// The promise of the layout: no bucket is wider than 1/128 of its lower
	// bound (above the exact range), so quantiles are within 0.8%.
	for i := subCount; i < numBuckets; i++ {
		lo, hi := bucketLow(i), bucketHigh(i)
		if w := float64(hi-lo+1) / float64(lo); w > 1.0/128+1e-12 {
			t.Fatalf("bucket %d [%d, %d] has relative width %g", i, lo, hi, w)
		}
	}
}

func TestQuantile(t *testing.T) {
	tests := []struct {
		name   string
		values []time.Duration
		q      []float64
		want   []time.Duration
	}{
		{
			name: "empty",
			q:    []float64{0, 0.5, 1},
			want: []time.Duration{0, 0, 0},
		},
		{
			name:   "exact small values",
			values: []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
			q:      []float64{0, 0.1, 0.5, 0.9, 0.95, 1},
			want:   []time.Duration{1, 1, 5, 9, 10, 10},
		},
		{
			name:   "single value is every quantile",
			values: []time.Duration{1234567},
			q:      []float64{0, 0.5, 0.99, 1},
			want:   []time.Duration{1234567, 1234567, 1234567, 1234567},
		},
		{
			name:   "out of range q is clamped",
			values: []time.Duration{10, 20},
			q:      []float64{-1, 2},
			want:   []time.Duration{10, 20},
		},
		{
			name:   "negative durations count as zero",
			values: []time.Duration{-5, 7},
			q:      []float64{0, 1},
			want:   []time.Duration{0, 7},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Histogram
			for _, v := range tt.values {
				h.Record(v)
			}
			var got []time.Duration
			for _, q := range tt.q {
				got = append(got, h.Quantile(q))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("quantiles %v (-want +got):\n%s", tt.q, diff)
			}
		})
	}
}

func TestQuantileAccuracy(t *testing.T) {
	// 1..100000 µs, uniformly: the q-quantile is q*100000 µs, and the
	// histogram may report it at most 0.8% high and never low.
	var h Histogram
	const n = 100000
	for i := 1; i <= n; i++ {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		exact := time.Duration(math.Ceil(q*n)) * time.Microsecond
		got := h.Quantile(q)
		if got < exact || float64(got-exact)/float64(exact) > 1.0/128 {
			t.Errorf("Quantile(%v) = %v, want within 0.8%% above %v", q, got, exact)
		}
	}
	if got, want := h.Mean(), time.Duration(n+1)*time.Microsecond/2; got != want {
		t.Errorf("Mean = %v, want %v", got, want)
	}
	if h.Min() != time.Microsecond || h.Max() != n*time.Microsecond || h.Count() != n {
		t.Errorf("Min, Max, Count = %v, %v, %d", h.Min(), h.Max(), h.Count())
	}
}

func TestMerge(t *testing.T) {
	var a, b, all Histogram
	for i := 1; i <= 1000; i++ {
		d := time.Duration(i*i) * time.Microsecond
		all.Record(d)
		if i%3 == 0 {
			a.Record(d)
		} else {
			b.Record(d)
		}
	}
	var empty Histogram
	a.Merge(&empty)
	empty.Merge(&a)
	empty.Merge(&b)
	if empty != all {
		t.Errorf("merging the parts differs from recording the whole: count %d vs %d, min %v vs %v, max %v vs %v",
			empty.Count(), all.Count(), empty.Min(), all.Min(), empty.Max(), all.Max())
	}
}

func TestRecordDoesNotAllocate(t *testing.T) {
	var h Histogram
	if n := testing.AllocsPerRun(100, func() { h.Record(12345 * time.Nanosecond) }); n != 0 {
		t.Errorf("Record allocates %v times", n)
	}
}

func BenchmarkRecord(b *testing.B) {
	var h Histogram
	for i := 0; b.Loop(); i++ {
		h.Record(time.Duration(i&0xfffff) * 100)
	}
}
