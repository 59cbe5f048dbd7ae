package ratelimit_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc/ratelimit"
)

// OTC: AUTH-18 (rate limits are configured as text rules)
func TestParseRule(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		burst   int
		want    ratelimit.Rule
		wantErr string // substring of the error; "" means success
	}{
		{"per second", "50/s", 0, ratelimit.Rule{Rate: 50, Burst: 50}, ""},
		{"sec", "5/sec", 0, ratelimit.Rule{Rate: 5, Burst: 5}, ""},
		{"second", "5/second", 0, ratelimit.Rule{Rate: 5, Burst: 5}, ""},
		{"per minute m", "120/m", 0, ratelimit.Rule{Rate: 2, Burst: 120}, ""},
		{"per minute min", "20/min", 0, ratelimit.Rule{Rate: 20.0 / 60, Burst: 20}, ""},
		{"per hour", "3600/h", 0, ratelimit.Rule{Rate: 1, Burst: 3600}, ""},
		{"hour spelled", "36/hour", 10, ratelimit.Rule{Rate: 0.01, Burst: 10}, ""},
		{"explicit burst", "50/s", 200, ratelimit.Rule{Rate: 50, Burst: 200}, ""},
		{"fraction", "0.5/s", 0, ratelimit.Rule{Rate: 0.5, Burst: 1}, ""},
		{"fraction rounds burst up", "2.5/s", 0, ratelimit.Rule{Rate: 2.5, Burst: 3}, ""},
		{"case and spaces", "  10 / MIN ", 0, ratelimit.Rule{Rate: 10.0 / 60, Burst: 10}, ""},
		{"off", "off", 0, ratelimit.Rule{}, ""},
		{"OFF", "OFF", 7, ratelimit.Rule{}, ""},

		{"empty", "", 0, ratelimit.Rule{}, "empty"},
		{"no slash", "50", 0, ratelimit.Rule{}, `missing "/"`},
		{"no count", "/s", 0, ratelimit.Rule{}, "missing count"},
		{"no unit", "50/", 0, ratelimit.Rule{}, "unknown unit"},
		{"unknown unit", "50/d", 0, ratelimit.Rule{}, "unknown unit"},
		{"zero", "0/s", 0, ratelimit.Rule{}, "positive"},
		{"negative", "-5/s", 0, ratelimit.Rule{}, "not a decimal"},
		{"plus sign", "+5/s", 0, ratelimit.Rule{}, "not a decimal"},
		{"exponent", "1e3/s", 0, ratelimit.Rule{}, "not a decimal"},
		{"hex", "0x10/s", 0, ratelimit.Rule{}, "not a decimal"},
		{"underscore", "1_000/s", 0, ratelimit.Rule{}, "not a decimal"},
		{"inf", "Inf/s", 0, ratelimit.Rule{}, "not a decimal"},
		{"nan", "NaN/s", 0, ratelimit.Rule{}, "not a decimal"},
		{"two dots", "1.2.3/s", 0, ratelimit.Rule{}, "not a decimal"},
		{"lone dot", "./s", 0, ratelimit.Rule{}, "not a decimal"},
		{"too large", "2000000000/s", 0, ratelimit.Rule{}, "larger"},
		{"two slashes", "5/s/s", 0, ratelimit.Rule{}, "unknown unit"},
		{"negative burst", "5/s", -1, ratelimit.Rule{}, "burst is negative"},
		{"huge burst", "5/s", 2_000_000_000, ratelimit.Rule{}, "burst is larger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ratelimit.ParseRule(tt.in, tt.burst)
			if tt.wantErr != "" {
				var re *ratelimit.RuleError
				if !errors.As(err, &re) {
					t.Fatalf("ParseRule(%q, %d) = %+v, %v; want a *RuleError", tt.in, tt.burst, got, err)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %q does not say %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRule(%q, %d): %v", tt.in, tt.burst, err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(approx)); diff != "" {
				t.Errorf("ParseRule(%q, %d) (-want +got):\n%s", tt.in, tt.burst, diff)
			}
		})
	}
}

func approx(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(a)) }

func TestParseRuleErrorTruncatesInput(t *testing.T) {
	_, err := ratelimit.ParseRule(strings.Repeat("9", 500)+"/fortnight", 0)
	if err == nil || len(err.Error()) > 200 {
		t.Errorf("error for a 500-byte rule is %d bytes: %v", len(err.Error()), err)
	}
}

// FuzzParseRule checks that no input panics and that every accepted rule
// is one that limits (or "off"), with a sane burst.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{"50/s", "20/min", "0.5/h", "off", "", "1e9/s", "/", "9999999999/s"} {
		f.Add(s, 0)
	}
	f.Fuzz(func(t *testing.T, s string, burst int) {
		r, err := ratelimit.ParseRule(s, burst)
		if err != nil {
			if r != (ratelimit.Rule{}) {
				t.Errorf("ParseRule(%q) returned %+v with error %v", s, r, err)
			}
			return
		}
		if r == (ratelimit.Rule{}) {
			return // "off"
		}
		if !(r.Rate > 0) || math.IsInf(r.Rate, 0) || r.Burst < 1 {
			t.Errorf("ParseRule(%q, %d) = %+v: not a usable rule", s, burst, r)
		}
	})
}
