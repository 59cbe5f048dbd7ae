package metrics

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// maxCached bounds each seriesCache. The label sets behind it are capped
// already; this only keeps a cache of raw values (which map many to one
// onto "invalid" and "other") from growing past what is worth copying.
const maxCached = 1024

// seriesCache remembers the series (counters, observers) that a key's
// label values lead to, so that the hot path skips the label checks, the
// label hashing and the lock of WithLabelValues. Reads take no lock: the
// map is replaced, never changed, and new keys are rare after the first
// requests. Past maxCached keys, new ones are computed on every use.
//
// A key's series never changes: labelSet admits a value for good, and a
// value refused once is refused forever; so caching by raw value is exact.
type seriesCache[K comparable, V any] struct {
	mu sync.Mutex // serializes the writers
	m  atomic.Pointer[map[K]V]
}

// get returns the series of k, computing them with series on a miss.
func (c *seriesCache[K, V]) get(k K, series func(K) V) V {
	if m := c.m.Load(); m != nil {
		if v, ok := (*m)[k]; ok {
			return v
		}
	}
	v := series(k)
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m.Load()
	var n int
	if old != nil {
		if _, ok := (*old)[k]; ok {
			return v
		}
		n = len(*old)
	}
	if n >= maxCached {
		return v
	}
	m := make(map[K]V, n+1)
	if old != nil {
		for key, val := range *old {
			m[key] = val
		}
	}
	m[k] = v
	c.m.Store(&m)
	return v
}

// countedDuration are the series that one request or one finished call
// updates: a counter labelled by its whole key and a histogram of its
// duration, labelled by part of it. They are looked up together, so that
// a cache hit costs one map read for both.
type countedDuration struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

// record counts one event that took d.
func (s countedDuration) record(d time.Duration) {
	s.count.Inc()
	s.duration.Observe(d.Seconds())
}
