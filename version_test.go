package otc_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/otc-dev/otc"
)

// The patterns of the OTC OpenAPI document.
var (
	toolIDPattern  = regexp.MustCompile(`^[A-Za-z0-9_]+\.[A-Za-z0-9_]+(@([0-9]+|[0-9]+\.[0-9]+\.[0-9]+))?$`)
	versionPattern = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in      string
		want    otc.Version
		wantErr bool
	}{
		// OTC: DEF-3
		{"0.0.0", otc.Version{}, false},
		{"1.2.3", otc.Version{Major: 1, Minor: 2, Patch: 3}, false},
		{"10.20.30", otc.Version{Major: 10, Minor: 20, Patch: 30}, false},
		{"01.002.0003", otc.Version{Major: 1, Minor: 2, Patch: 3}, false},
		{"18446744073709551615.0.0", otc.Version{Major: 1<<64 - 1}, false},
		{"18446744073709551616.0.0", otc.Version{}, true},
		{"", otc.Version{}, true},
		{"1", otc.Version{}, true},
		{"1.2", otc.Version{}, true},
		{"1.2.3.4", otc.Version{}, true},
		{"1..3", otc.Version{}, true},
		{"v1.2.3", otc.Version{}, true},
		{"1.2.3-beta", otc.Version{}, true},
		{"1.2.+3", otc.Version{}, true},
		{"1.2.-3", otc.Version{}, true},
		{" 1.2.3", otc.Version{}, true},
		{"1.2.٣", otc.Version{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := otc.ParseVersion(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseVersion(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseVersion(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseVersionErrorIsShort(t *testing.T) {
	_, err := otc.ParseVersion(strings.Repeat("9", 10000) + ".0.0")
	if err == nil || len(err.Error()) > 300 {
		t.Errorf("error = %.100v… (%d bytes); want a short error", err, len(err.Error()))
	}
}

func TestVersionCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0.0", "1.0.0", 0},
		{"1.0.0", "1.0.1", -1},
		{"1.0.1", "1.0.0", 1},
		{"1.9.0", "1.10.0", -1},
		{"2.0.0", "1.99.99", 1},
		{"0.1.0", "0.0.9", 1},
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			a, _ := otc.ParseVersion(tt.a)
			b, _ := otc.ParseVersion(tt.b)
			if got := a.Compare(b); got != tt.want {
				t.Errorf("Compare = %d, want %d", got, tt.want)
			}
			if got := b.Compare(a); got != -tt.want {
				t.Errorf("reverse Compare = %d, want %d", got, -tt.want)
			}
		})
	}
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"1.2.3", "0.0.0", "01.2.3", "1.2", "", "1.2.3.4", "18446744073709551616.0.0", "v1.0.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := otc.ParseVersion(s)
		if err != nil {
			if len(err.Error()) > 400 { // 80 bytes of input quoted once, each escaped as \xNN at worst
				t.Errorf("error of %d bytes", len(err.Error()))
			}
			return
		}
		// OTC: DEF-3 — whatever parses is x.y.z of integers, and String
		// gives a canonical form that parses back to the same version.
		if !versionPattern.MatchString(s) {
			t.Errorf("ParseVersion accepted %q", s)
		}
		again, err := otc.ParseVersion(v.String())
		if err != nil || again != v {
			t.Errorf("round trip of %q: %v, %v", s, again, err)
		}
		if v.Compare(again) != 0 {
			t.Errorf("a version does not compare equal to itself")
		}
	})
}
