package netguard_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/internal/reqinfo"
	"github.com/otc-dev/otc/netguard"
)

func TestSourceAddress(t *testing.T) {
	res := &netguard.Resolver{TrustedProxies: prefixes("10.0.0.0/8")}
	var seen string
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = reqinfo.From(r.Context()).ClientIP
	})
	tests := []struct {
		name   string
		h      http.Handler
		remote string
		xff    string
		want   string
	}{
		{name: "behind a trusted proxy", h: netguard.RequestInfo(netguard.SourceAddress(res)(inner)),
			remote: "10.0.0.2:1", xff: "192.0.2.1", want: "192.0.2.1"},
		{name: "direct", h: netguard.RequestInfo(netguard.SourceAddress(res)(inner)),
			remote: "192.0.2.2:1", xff: "10.1.1.1", want: "192.0.2.2"},
		{name: "without RequestInfo", h: netguard.SourceAddress(res)(inner),
			remote: "10.0.0.2:1", xff: "192.0.2.1", want: "192.0.2.1"},
		{name: "nil resolver", h: netguard.SourceAddress(nil)(inner),
			remote: "10.0.0.2:1", xff: "192.0.2.1", want: "10.0.0.2"},
		{name: "unix socket", h: netguard.SourceAddress(res)(inner),
			remote: "@", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen = "unset"
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			tt.h.ServeHTTP(httptest.NewRecorder(), r)
			if seen != tt.want {
				t.Errorf("reqinfo ClientIP = %q, want %q", seen, tt.want)
			}
		})
	}
}

// The request info is fresh for every request, even when the server reuses
// the context of an earlier one.
func TestRequestInfoIsFresh(t *testing.T) {
	var infos []*reqinfo.Info
	h := netguard.RequestInfo(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		infos = append(infos, reqinfo.From(r.Context()))
	}))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	h.ServeHTTP(httptest.NewRecorder(), r)
	h.ServeHTTP(httptest.NewRecorder(), r)
	if len(infos) != 2 || infos[0] == infos[1] {
		t.Error("two requests shared one reqinfo.Info")
	}
}

// chain is the front of the server's middleware chain as internal/app
// builds it: request info, source address, allowlist.
func chain(allowed, trusted netguard.Prefixes, opts *netguard.AllowlistOptions, next http.Handler) http.Handler {
	res := &netguard.Resolver{TrustedProxies: trusted}
	return netguard.RequestInfo(netguard.SourceAddress(res)(netguard.Allowlist(allowed, opts)(next)))
}

// OTC: AUTH-18 (IP allowlisting), HEALTH-1 (a public /health)
func TestAllowlist(t *testing.T) {
	allowed := prefixes("192.0.2.0/24", "2001:db8::/32")
	trusted := prefixes("10.0.0.0/8")
	tests := []struct {
		name    string
		path    string
		remote  string
		headers map[string]string
		allowed netguard.Prefixes
		opts    *netguard.AllowlistOptions
		want    int
	}{
		{name: "allowed address", remote: "192.0.2.7:1", want: 200},
		{name: "allowed IPv6", remote: "[2001:db8::5]:1", want: 200},
		{name: "allowed mapped", remote: "[::ffff:192.0.2.7]:1", want: 200},
		{name: "other address", remote: "198.51.100.1:1", want: 403},
		{name: "spoofed X-Forwarded-For from an untrusted peer", remote: "198.51.100.1:1",
			headers: map[string]string{"X-Forwarded-For": "192.0.2.7"}, want: 403},
		{name: "spoofed Forwarded from an untrusted peer", remote: "198.51.100.1:1",
			headers: map[string]string{"Forwarded": "for=192.0.2.7"}, want: 403},
		{name: "spoofed X-Real-IP", remote: "198.51.100.1:1",
			headers: map[string]string{"X-Real-IP": "192.0.2.7"}, want: 403},
		{name: "client behind a trusted proxy", remote: "10.0.0.2:1",
			headers: map[string]string{"X-Forwarded-For": "192.0.2.7"}, want: 200},
		{name: "outsider behind a trusted proxy", remote: "10.0.0.2:1",
			headers: map[string]string{"X-Forwarded-For": "192.0.2.7, 198.51.100.1"}, want: 403},
		{name: "trusted proxy itself is not allowed", remote: "10.0.0.2:1", want: 403},
		{name: "credentials from outside are refused", remote: "198.51.100.1:1",
			headers: map[string]string{"OTC-API-Key": "k", "Authorization": "Bearer x.y.z"}, want: 403},
		{name: "empty list refuses all", remote: "192.0.2.7:1", allowed: netguard.Prefixes{}, want: 403},
		{name: "public health exempt", path: "/health", remote: "198.51.100.1:1",
			opts: &netguard.AllowlistOptions{Exempt: netguard.ExemptPaths("/health")}, want: 200},
		{name: "only the exact health path", path: "/health/", remote: "198.51.100.1:1",
			opts: &netguard.AllowlistOptions{Exempt: netguard.ExemptPaths("/health")}, want: 403},
		{name: "health not public by default", path: "/health", remote: "198.51.100.1:1", want: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reached := false
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true })
			list := allowed
			if tt.allowed != nil {
				list = tt.allowed
			}
			path := tt.path
			if path == "" {
				path = "/tools"
			}
			var info *reqinfo.Info
			h := chain(list, trusted, tt.opts, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				info = reqinfo.From(r.Context())
				next.ServeHTTP(w, r)
			}))
			r := httptest.NewRequest(http.MethodGet, path, nil)
			r.RemoteAddr = tt.remote
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d", w.Code, tt.want)
			}
			if tt.want == 403 {
				if reached {
					t.Error("the handler behind the allowlist ran")
				}
				var body otc.ServerErrorResponse
				if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Message == "" {
					t.Errorf("403 body %q is not a JSON error (%v)", w.Body, err)
				}
				if ct := w.Header().Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type %q", ct)
				}
			} else if !reached || info == nil {
				t.Error("the handler behind the allowlist did not run")
			}
		})
	}
}

// Without SourceAddress in front, the allowlist judges the TCP peer.
func TestAllowlistWithoutSourceAddress(t *testing.T) {
	tests := []struct {
		name, remote string
		want         int
	}{
		{"peer inside", "192.0.2.7:1", http.StatusOK},
		{"peer outside", "198.51.100.1:1", http.StatusForbidden},
		{"peer not an address", "@unix", http.StatusForbidden},
	}
	h := netguard.Allowlist(prefixes("192.0.2.0/24"), nil)(
		http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/tools", nil)
			r.RemoteAddr = tt.remote
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Errorf("status %d, want %d", w.Code, tt.want)
			}
		})
	}
}

func TestAllowlistRecordsOutcome(t *testing.T) {
	var info *reqinfo.Info
	h := netguard.RequestInfo(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info = reqinfo.From(r.Context())
		netguard.Allowlist(prefixes("192.0.2.0/24"), nil)(http.NotFoundHandler()).ServeHTTP(w, r)
	}))
	r := httptest.NewRequest(http.MethodGet, "/tools", nil)
	r.RemoteAddr = "198.51.100.1:1"
	h.ServeHTTP(httptest.NewRecorder(), r)
	if diff := cmp.Diff("forbidden", info.Outcome); diff != "" {
		t.Errorf("outcome (-want +got):\n%s", diff)
	}
}

// ClientIP is the canonical spelling of the address, whichever way the
// peer address was written.
func TestSourceAddressSpelling(t *testing.T) {
	res := &netguard.Resolver{TrustedProxies: prefixes("10.0.0.0/8")}
	tests := []struct{ remote, xff, want string }{
		{"192.0.2.1:50000", "", "192.0.2.1"},
		{"192.0.2.1", "", "192.0.2.1"},
		{"[2001:db8::1]:50000", "", "2001:db8::1"},
		{"2001:db8::1", "", "2001:db8::1"},
		{"[2001:DB8:0::1]:50000", "", "2001:db8::1"},
		{"[2001:db8::1%eth0]:50000", "", "2001:db8::1"},
		{"[::ffff:192.0.2.1]:50000", "", "192.0.2.1"},
		{"[::1]:1", "", "::1"},
		{"10.0.0.2:1", "192.0.2.9", "192.0.2.9"},
		{"10.0.0.2:1", "10.0.0.2", "10.0.0.2"},
		{"[10.0.0.2]:1", "", ""},
		{"@", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.remote+" "+tt.xff, func(t *testing.T) {
			var got string
			h := netguard.SourceAddress(res)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = reqinfo.From(r.Context()).ClientIP
			}))
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if got != tt.want {
				t.Errorf("ClientIP = %q, want %q", got, tt.want)
			}
		})
	}
}
