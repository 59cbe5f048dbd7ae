package ratelimit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/ratelimit"
)

func ExampleParseRule() {
	rule, err := ratelimit.ParseRule("20/min", 0)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.4f tokens/s, burst %d\n", rule.Rate, rule.Burst)

	_, err = ratelimit.ParseRule("20/fortnight", 0)
	fmt.Println(err)
	// Output:
	// 0.3333 tokens/s, burst 20
	// rate limit "20/fortnight": unknown unit; want s, sec, m, min, h or hour
}

func ExampleMemory() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := ratelimit.NewMemory(&ratelimit.MemoryOptions{Now: func() time.Time { return now }})
	rule := ratelimit.Rule{Rate: 1, Burst: 2}
	for range 3 {
		d, _ := m.Allow(context.Background(), "client:api_key:alice", rule)
		fmt.Println(d.Allowed, d.RetryAfter)
	}
	now = now.Add(time.Second)
	d, _ := m.Allow(context.Background(), "client:api_key:alice", rule)
	fmt.Println(d.Allowed)
	// Output:
	// true 0s
	// true 0s
	// false 1s
	// true
}

func ExampleClientLimit() {
	defaultRule, _ := ratelimit.ParseRule("1/s", 0)
	rules := func(c *otc.Caller) ratelimit.Rule {
		if c != nil && c.Name == "batch-job" { // a per-key override from the config file
			return ratelimit.Rule{Rate: 100, Burst: 100}
		}
		return defaultRule
	}
	limit := ratelimit.ClientLimit(ratelimit.NewMemory(nil), rules, nil)
	h := limit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))

	// Authentication, in front, stores the caller.
	r := httptest.NewRequest(http.MethodGet, "/tools", nil)
	r = r.WithContext(otc.WithCaller(r.Context(), &otc.Caller{Method: "api_key", Name: "alice"}))
	for range 2 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Printf("%d Retry-After=%q\n", w.Code, w.Header().Get("Retry-After"))
	}
	// Output:
	// 200 Retry-After=""
	// 429 Retry-After="1"
}
