package metrics

import (
	"sync"
	"testing"
)

func TestSeriesCache(t *testing.T) {
	var c seriesCache[int, int]
	calls := map[int]int{}
	series := func(k int) int { calls[k]++; return k * 10 }
	for range 3 {
		for k := range maxCached + 5 {
			if got := c.get(k, series); got != k*10 {
				t.Fatalf("get(%d) = %d, want %d", k, got, k*10)
			}
		}
	}
	for k := range maxCached + 5 {
		want := 1 // computed once, then cached
		if k >= maxCached {
			want = 3 // past the bound: computed on every use
		}
		if calls[k] != want {
			t.Errorf("series of %d computed %d times, want %d", k, calls[k], want)
		}
	}
	if n := len(*c.m.Load()); n != maxCached {
		t.Errorf("cache holds %d keys, want %d", n, maxCached)
	}
}

// Concurrent first uses of one key all get its series (run with -race).
func TestSeriesCacheConcurrent(t *testing.T) {
	var c seriesCache[string, string]
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, k := range []string{"a", "b", "c", "a"} {
				if got := c.get(k, func(k string) string { return k + "!" }); got != k+"!" {
					t.Errorf("get(%q) = %q", k, got)
				}
			}
		})
	}
	wg.Wait()
}
