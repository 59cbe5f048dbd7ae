package netguard_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc/netguard"
)

func prefixes(ss ...string) netguard.Prefixes {
	out := netguard.Prefixes{}
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

// OTC: AUTH-18 (IP allowlists and trusted proxies are configured as ranges)
func TestParsePrefixes(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    netguard.Prefixes
		wantErr string
	}{
		{"empty", "", nil, ""},
		{"only commas and spaces", " , ,", nil, ""},
		{"mixed", "10.0.0.0/8, ::1/128, 192.168.1.7", prefixes("10.0.0.0/8", "::1/128", "192.168.1.7/32"), ""},
		{"bare IPv6", "2001:db8::1", prefixes("2001:db8::1/128"), ""},
		{"trailing comma", "10.0.0.0/8,", prefixes("10.0.0.0/8"), ""},
		{"mapped address", "::ffff:192.0.2.1", prefixes("192.0.2.1/32"), ""},
		{"mapped range", "::ffff:10.0.0.0/104", prefixes("10.0.0.0/8"), ""},
		{"everything", "0.0.0.0/0,::/0", prefixes("0.0.0.0/0", "::/0"), ""},

		{"host bits", "10.0.0.1/8", nil, "did you mean 10.0.0.0/8 or 10.0.0.1/32"},
		{"host name", "localhost", nil, "not an IP address"},
		{"bad length", "10.0.0.0/33", nil, "not a CIDR range"},
		{"zone", "fe80::1%eth0", nil, "zones"},
		{"zone in range", "fe80::%eth0/64", nil, "zones"},
		{"mapped range too wide", "::ffff:0:0/80", nil, "bits set after"},
		{"one bad entry spoils the list", "10.0.0.0/8, nope", nil, `"nope"`},
		{"semicolon separated", "10.0.0.0/8;192.168.0.0/16", nil, "not a CIDR range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := netguard.ParsePrefixes(tt.in)
			if tt.wantErr != "" {
				var pe *netguard.PrefixError
				if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParsePrefixes(%q) = %v, %v; want a *PrefixError saying %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePrefixes(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
				t.Errorf("ParsePrefixes(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestPrefixesContains(t *testing.T) {
	list := prefixes("10.0.0.0/8", "2001:db8::/32", "192.0.2.7/32")
	tests := []struct {
		addr string
		want bool
	}{
		{"10.1.2.3", true},
		{"11.0.0.1", false},
		{"::ffff:10.1.2.3", true}, // IPv4-mapped matches its IPv4 range
		{"192.0.2.7", true},
		{"192.0.2.8", false},
		{"2001:db8::1", true},
		{"2001:db8::1%eth0", true},
		{"2001:db9::1", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := list.Contains(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("Contains(%s) = %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
	if list.Contains(netip.Addr{}) {
		t.Error("the zero Addr is contained")
	}
}

// FuzzParsePrefixes checks that no input panics, that what parses prints
// back to a list that parses to the same ranges, and that no range is
// IPv4-mapped.
func FuzzParsePrefixes(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8, ::1/128, 192.168.1.7", "::ffff:10.0.0.0/104", "fe80::1%eth0", "1.2.3.4/33", ",,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := netguard.ParsePrefixes(s)
		if err != nil {
			if len(err.Error()) > 500 { // bounded, whatever the input's length
				t.Errorf("error of %d bytes", len(err.Error()))
			}
			return
		}
		for _, p := range got {
			if p.Addr().Is4In6() || p.Masked() != p {
				t.Errorf("ParsePrefixes(%q) returned %s", s, p)
			}
		}
		again, err := netguard.ParsePrefixes(got.String())
		if err != nil || again.String() != got.String() {
			t.Errorf("round trip of %q: %q, %v", got.String(), again.String(), err)
		}
	})
}
