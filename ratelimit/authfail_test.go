package ratelimit_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/internal/httperr"
	"github.com/otc-dev/otc/internal/reqinfo"
	"github.com/otc-dev/otc/ratelimit"
)

// fakeAuth stands in for the authentication middleware: the API key "good"
// passes, anything else is a failure recorded in reqinfo, answered 401.
var fakeAuth = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("OTC-API-Key") == "good" {
		return
	}
	info := reqinfo.From(r.Context())
	info.AuthMethod, info.AuthFailure = "api_key", "unknown_key"
	httperr.Write(w, "", otc.NewError(otc.CodeUnauthenticated, "Missing or invalid credentials."))
})

// OTC: AUTH-18 (failed authentication limited per source address)
func TestAuthFailureLimit(t *testing.T) {
	type req struct {
		ip      string
		key     string
		advance time.Duration
		want    int
	}
	tests := []struct {
		name string
		reqs []req
	}{
		{"failures within the budget", []req{
			{ip: "192.0.2.1", key: "bad", want: 401},
			{ip: "192.0.2.1", key: "good", want: 200},
			{ip: "192.0.2.1", key: "bad", want: 401},
		}},
		{"over the budget even with a valid key", []req{
			{ip: "192.0.2.1", key: "bad", want: 401},
			{ip: "192.0.2.1", key: "bad", want: 401},
			{ip: "192.0.2.1", key: "bad", want: 429},
			{ip: "192.0.2.1", key: "good", want: 429},
		}},
		{"budget refills", []req{
			{ip: "192.0.2.1", key: "bad", want: 401},
			{ip: "192.0.2.1", key: "bad", want: 401},
			{ip: "192.0.2.1", key: "good", want: 429},
			{advance: 30 * time.Second, ip: "192.0.2.1", key: "good", want: 200},
		}},
		{"successes cost nothing", []req{
			{ip: "192.0.2.1", key: "good", want: 200},
			{ip: "192.0.2.1", key: "good", want: 200},
			{ip: "192.0.2.1", key: "good", want: 200},
			{ip: "192.0.2.1", key: "bad", want: 401},
			{ip: "192.0.2.1", key: "bad", want: 401},
		}},
		{"other addresses unaffected", []req{
			{ip: "192.0.2.1", key: "bad", want: 401},
			{ip: "192.0.2.1", key: "bad", want: 401},
			{ip: "192.0.2.1", key: "good", want: 429},
			{ip: "192.0.2.2", key: "good", want: 200},
			{ip: "192.0.2.2", key: "bad", want: 401},
		}},
		{"IPv6 counted by /64", []req{
			{ip: "2001:db8::1", key: "bad", want: 401},
			{ip: "2001:db8::2", key: "bad", want: 401},
			{ip: "2001:db8::3", key: "good", want: 429},
			{ip: "2001:db8:1::1", key: "good", want: 200},
		}},
	}
	rule := ratelimit.Rule{Rate: 1.0 / 30, Burst: 2}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			obs := newRecorder()
			h := ratelimit.AuthFailureLimit(ratelimit.NewMemory(&ratelimit.MemoryOptions{Now: clock.Now}), rule,
				&ratelimit.Options{Observer: obs})(fakeAuth)
			var got, want []int
			wantLimited := 0
			for _, rq := range tt.reqs {
				clock.Advance(rq.advance)
				r, _ := http.NewRequest(http.MethodGet, "/tools", nil)
				r.Header.Set("OTC-API-Key", rq.key)
				ctx, info := reqinfo.New(r.Context())
				info.ClientIP = rq.ip
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r.WithContext(ctx))
				got, want = append(got, w.Code), append(want, rq.want)
				if rq.want == 429 {
					wantLimited++
					if info.Outcome != "rate_limited" || w.Header().Get("Retry-After") == "" {
						t.Errorf("429 without outcome rate_limited (%q) or Retry-After (%q)", info.Outcome, w.Header().Get("Retry-After"))
					}
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if obs.limited[ratelimit.KindAuthFailure] != wantLimited {
				t.Errorf("observer counted %d rejections, want %d", obs.limited[ratelimit.KindAuthFailure], wantLimited)
			}
		})
	}
}

// Without netguard in front, the TCP peer is the source address, and the
// middleware installs the reqinfo.Info that authentication writes into, so
// failures are still counted.
func TestAuthFailureLimitWithoutRequestInfo(t *testing.T) {
	h := ratelimit.AuthFailureLimit(ratelimit.NewMemory(nil), ratelimit.Rule{Rate: 1e-3, Burst: 1}, nil)(fakeAuth)
	if got := serve(t, h, "192.0.2.1:1111", nil); got.Status != 401 {
		t.Fatalf("first failure: status %d", got.Status)
	}
	got := serve(t, h, "192.0.2.1:2222", nil)
	want := response{Status: 429, RetryAfter: "1000",
		Message: "Too many failed authentication attempts from this address; retry later."}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("second request from the same peer (-want +got):\n%s", diff)
	}
	if got := serve(t, h, "192.0.2.2:1111", nil); got.Status != 401 {
		t.Errorf("another peer: status %d, want 401", got.Status)
	}
}

// A limiter that is down must not lock everybody out: requests go on to
// authentication, and the failures are counted.
func TestAuthFailureLimitFailsOpen(t *testing.T) {
	obs := newRecorder()
	h := ratelimit.AuthFailureLimit(brokenLimiter{}, ratelimit.DefaultAuthFailureRule,
		&ratelimit.Options{Observer: obs, Logger: discardLogger()})(fakeAuth)
	if got := serve(t, h, "192.0.2.1:1", withInfo("192.0.2.1")); got.Status != 401 {
		t.Errorf("bad key with limiter down: status %d, want 401 from authentication", got.Status)
	}
	if n := obs.failed[ratelimit.KindAuthFailure]; n != 2 {
		t.Errorf("observer counted %d limiter failures, want 2 (peek and take)", n)
	}
}

func TestAuthFailureLimitOff(t *testing.T) {
	h := ratelimit.AuthFailureLimit(brokenLimiter{}, ratelimit.Rule{}, nil)(fakeAuth)
	for range 50 {
		if got := serve(t, h, "192.0.2.1:1", nil); got.Status != 401 {
			t.Fatalf("status %d with the limit off", got.Status)
		}
	}
}
