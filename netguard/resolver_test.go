package netguard_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/otc-dev/otc/netguard"
)

// OTC: AUTH-18 (the source address behind trusted proxies)
func TestResolverClientIP(t *testing.T) {
	trusted := prefixes("10.0.0.0/8", "2001:db8:ffff::/48")
	tests := []struct {
		name   string
		header netguard.Header
		remote string
		xff    []string
		fwd    []string
		want   string
	}{
		// Peers that are not trusted proxies: headers are ignored.
		{name: "no proxy", remote: "192.0.2.1:4000", want: "192.0.2.1"},
		{name: "spoofed X-Forwarded-For ignored", remote: "192.0.2.1:4000", xff: []string{"10.1.1.1"}, want: "192.0.2.1"},
		{name: "spoofed Forwarded ignored", header: netguard.Forwarded, remote: "192.0.2.1:4000",
			fwd: []string{"for=198.51.100.1"}, want: "192.0.2.1"},
		{name: "mapped peer", remote: "[::ffff:192.0.2.1]:4000", want: "192.0.2.1"},
		{name: "IPv6 peer", remote: "[2001:db8::1]:4000", want: "2001:db8::1"},
		{name: "unix socket", remote: "@", want: "invalid IP"},

		// X-Forwarded-For from a trusted proxy.
		{name: "one proxy", remote: "10.0.0.2:4000", xff: []string{"192.0.2.1"}, want: "192.0.2.1"},
		{name: "client-sent entries left of the real one", remote: "10.0.0.2:4000",
			xff: []string{"203.0.113.9, 10.9.9.9, 192.0.2.1"}, want: "192.0.2.1"},
		{name: "chain of trusted proxies", remote: "10.0.0.2:4000",
			xff: []string{"192.0.2.1, 10.0.0.5, 10.0.0.4"}, want: "192.0.2.1"},
		{name: "all trusted: left-most", remote: "10.0.0.2:4000", xff: []string{"10.0.0.9, 10.0.0.5"}, want: "10.0.0.9"},
		{name: "several header lines", remote: "10.0.0.2:4000",
			xff: []string{"203.0.113.9", "192.0.2.1, 10.0.0.4"}, want: "192.0.2.1"},
		{name: "garbage left of the client is never read", remote: "10.0.0.2:4000",
			xff: []string{"not-an-ip, <script>, 192.0.2.1"}, want: "192.0.2.1"},
		{name: "malformed right-most entry: peer", remote: "10.0.0.2:4000", xff: []string{"192.0.2.1, bogus"}, want: "10.0.0.2"},
		{name: "malformed behind trusted entries: peer", remote: "10.0.0.2:4000", xff: []string{"bogus, 10.0.0.3"}, want: "10.0.0.2"},
		{name: "empty entry: peer", remote: "10.0.0.2:4000", xff: []string{"192.0.2.1, "}, want: "10.0.0.2"},
		{name: "no header: peer", remote: "10.0.0.2:4000", want: "10.0.0.2"},
		{name: "entry with port", remote: "10.0.0.2:4000", xff: []string{"192.0.2.1:5555"}, want: "192.0.2.1"},
		{name: "IPv6 entry", remote: "10.0.0.2:4000", xff: []string{"2001:db8::7"}, want: "2001:db8::7"},
		{name: "bracketed IPv6 with port", remote: "10.0.0.2:4000", xff: []string{"[2001:db8::7]:443"}, want: "2001:db8::7"},
		{name: "mapped entry", remote: "10.0.0.2:4000", xff: []string{"::ffff:192.0.2.1"}, want: "192.0.2.1"},
		{name: "mapped trusted entry skipped", remote: "10.0.0.2:4000", xff: []string{"192.0.2.1, ::ffff:10.0.0.3"}, want: "192.0.2.1"},
		{name: "zone refused", remote: "10.0.0.2:4000", xff: []string{"fe80::1%eth0"}, want: "10.0.0.2"},
		{name: "IPv6 trusted proxy", remote: "[2001:db8:ffff::1]:4000", xff: []string{"192.0.2.1"}, want: "192.0.2.1"},
		{name: "Forwarded ignored in X-Forwarded-For mode", remote: "10.0.0.2:4000",
			fwd: []string{"for=192.0.2.1"}, want: "10.0.0.2"},

		// RFC 7239 Forwarded from a trusted proxy.
		{name: "forwarded", header: netguard.Forwarded, remote: "10.0.0.2:4000",
			fwd: []string{"for=192.0.2.60;proto=http;by=203.0.113.43"}, want: "192.0.2.60"},
		{name: "forwarded quoted IPv6 with port", header: netguard.Forwarded, remote: "10.0.0.2:4000",
			fwd: []string{`for="[2001:db8:cafe::17]:4711"`}, want: "2001:db8:cafe::17"},
		{name: "forwarded parameter case and spaces", header: netguard.Forwarded, remote: "10.0.0.2:4000",
			fwd: []string{`proto=https; For=192.0.2.60 ; by=10.0.0.2`}, want: "192.0.2.60"},
		{name: "forwarded chain", header: netguard.Forwarded, remote: "10.0.0.2:4000",
			fwd: []string{`for=198.51.100.17, for=192.0.2.60, for=10.0.0.3`}, want: "192.0.2.60"},
		{name: "forwarded unquoted port tolerated", header: netguard.Forwarded, remote: "10.0.0.2:4000",
			fwd: []string{`for=192.0.2.60:8080`}, want: "192.0.2.60"},
		{name: "forwarded escaped quote in value", header: netguard.Forwarded, remote: "10.0.0.2:4000",
			fwd: []string{`for="192.0.2.60";ext="a\"b"`}, want: "192.0.2.60"},
		{name: "forwarded unknown: peer", header: netguard.Forwarded, remote: "10.0.0.2:4000",
			fwd: []string{"for=unknown"}, want: "10.0.0.2"},
		{name: "forwarded obfuscated: peer", header: netguard.Forwarded, remote: "10.0.0.2:4000",
			fwd: []string{"for=_hidden"}, want: "10.0.0.2"},
		{name: "forwarded without for: peer", header: netguard.Forwarded, remote: "10.0.0.2:4000",
			fwd: []string{"proto=https"}, want: "10.0.0.2"},
		{name: "forwarded two for: peer", header: netguard.Forwarded, remote: "10.0.0.2:4000",
			fwd: []string{"for=192.0.2.1;for=192.0.2.2"}, want: "10.0.0.2"},
		{name: "forwarded unterminated quote: peer", header: netguard.Forwarded, remote: "10.0.0.2:4000",
			fwd: []string{`for="192.0.2.1`}, want: "10.0.0.2"},
		{name: "forwarded client garbage left of proxy's element", header: netguard.Forwarded, remote: "10.0.0.2:4000",
			fwd: []string{`for="x;;;`, `for=192.0.2.60`}, want: "192.0.2.60"},
		{name: "forwarded unbracketed IPv6 in quotes", header: netguard.Forwarded, remote: "10.0.0.2:4000",
			fwd: []string{`for="2001:db8::9"`}, want: "2001:db8::9"},
		{name: "X-Forwarded-For ignored in Forwarded mode", header: netguard.Forwarded, remote: "10.0.0.2:4000",
			xff: []string{"192.0.2.1"}, want: "10.0.0.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &netguard.Resolver{TrustedProxies: trusted, Header: tt.header}
			r := httptest.NewRequest(http.MethodGet, "/tools", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			for _, v := range tt.fwd {
				r.Header.Add("Forwarded", v)
			}
			if got := res.ClientIP(r).String(); got != tt.want {
				t.Errorf("ClientIP = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestResolverZeroTrustsNobody(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "127.0.0.1:5000"
	r.Header.Set("X-Forwarded-For", "192.0.2.1")
	for name, res := range map[string]*netguard.Resolver{"zero": {}, "nil": nil} {
		if got := res.ClientIP(r); got != netip.MustParseAddr("127.0.0.1") {
			t.Errorf("%s Resolver: ClientIP = %s, want the peer", name, got)
		}
	}
}

func TestParseHeader(t *testing.T) {
	tests := []struct {
		in      string
		want    netguard.Header
		wantErr bool
	}{
		{"X-Forwarded-For", netguard.XForwardedFor, false},
		{"x-forwarded-for", netguard.XForwardedFor, false},
		{" Forwarded ", netguard.Forwarded, false},
		{"X-Real-IP", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := netguard.ParseHeader(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseHeader(%q) = %v, %v", tt.in, got, err)
			}
			if err == nil && got.String() == "" {
				t.Error("empty String")
			}
		})
	}
}

// FuzzClientIP feeds arbitrary forwarding headers through a trusted proxy
// and an untrusted peer. Nothing may panic; an untrusted peer's headers must
// never change the answer; and what comes out of a header is an address
// that is not a trusted proxy unless every address was.
func FuzzClientIP(f *testing.F) {
	f.Add("192.0.2.1, 10.0.0.3", "for=192.0.2.60;proto=http")
	f.Add("", `for="[2001:db8:cafe::17]:4711", for=10.0.0.9`)
	f.Add("bogus, 10.0.0.3", `for="unterminated`)
	f.Add("[2001:db8::1]:80,::ffff:10.0.0.1", `For = 192.0.2.1 ; by=_x`)
	trusted := prefixes("10.0.0.0/8", "::1/128")
	f.Fuzz(func(t *testing.T, xff, fwd string) {
		for _, header := range []netguard.Header{netguard.XForwardedFor, netguard.Forwarded} {
			res := &netguard.Resolver{TrustedProxies: trusted, Header: header}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header["X-Forwarded-For"] = []string{xff}
			r.Header["Forwarded"] = []string{fwd}

			r.RemoteAddr = "192.0.2.200:1000"
			if got := res.ClientIP(r); got != netip.MustParseAddr("192.0.2.200") {
				t.Fatalf("untrusted peer: ClientIP = %s", got)
			}

			r.RemoteAddr = "10.0.0.2:1000"
			got := res.ClientIP(r)
			if !got.IsValid() || got.Is4In6() || got.Zone() != "" {
				t.Fatalf("trusted peer: ClientIP = %v", got)
			}
		}
	})
}

func BenchmarkSourceAddress(b *testing.B) {
	trusted := prefixes("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
	cases := []struct {
		name   string
		remote string
		xff    string
	}{
		{"direct", "192.0.2.1:5000", ""},
		{"behind two proxies", "10.0.0.2:5000", "203.0.113.7, 192.0.2.1, 10.1.1.1"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			h := netguard.RequestInfo(netguard.SourceAddress(&netguard.Resolver{TrustedProxies: trusted})(
				http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
			r := httptest.NewRequest(http.MethodGet, "/tools", nil)
			r.RemoteAddr = c.remote
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, r)
			}
		})
	}
}
