package ratelimit

import "testing"

// OTC: AUTH-18 — failed authentications count per source: an IPv4 address
// itself, an IPv6 address by its /64.
func TestAddressKey(t *testing.T) {
	for _, tc := range []struct{ name, ip, want string }{
		{"ipv4", "192.0.2.7", "192.0.2.7"},
		{"ipv4 mapped in ipv6", "::ffff:192.0.2.7", "192.0.2.7"},
		{"ipv6 counts by its /64", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
		{"ipv6 with a zone", "fe80::1%eth0", "fe80::/64"},
		{"not an address", "unix-socket", "unix-socket"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := addressKey(tc.ip); got != tc.want {
				t.Errorf("addressKey(%q) = %q, want %q", tc.ip, got, tc.want)
			}
		})
	}
	if n := testing.AllocsPerRun(100, func() { _ = addressKey("192.0.2.7") }); n != 0 {
		t.Errorf("addressKey of a canonical IPv4 address allocates %v times, want 0", n)
	}
}
