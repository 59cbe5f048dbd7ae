package netguard_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/otc-dev/otc/netguard"
)

func ExampleParsePrefixes() {
	p, err := netguard.ParsePrefixes("10.0.0.0/8, ::1, ::ffff:192.168.1.7")
	fmt.Println(p, err)

	_, err = netguard.ParsePrefixes("10.0.0.1/8")
	fmt.Println(err)
	// Output:
	// 10.0.0.0/8,::1/128,192.168.1.7/32 <nil>
	// address range "10.0.0.1/8": has bits set after the prefix length; did you mean 10.0.0.0/8 or 10.0.0.1/32?
}

func ExampleResolver_ClientIP() {
	trusted, _ := netguard.ParsePrefixes("10.0.0.0/8")
	res := &netguard.Resolver{TrustedProxies: trusted}

	r := httptest.NewRequest(http.MethodGet, "/tools", nil)
	r.Header.Set("X-Forwarded-For", "198.51.100.1, 192.0.2.7") // the client sent the first entry

	r.RemoteAddr = "10.0.0.2:41000" // the load balancer
	fmt.Println(res.ClientIP(r))

	r.RemoteAddr = "203.0.113.5:41000" // someone connecting directly
	fmt.Println(res.ClientIP(r))
	// Output:
	// 192.0.2.7
	// 203.0.113.5
}

func ExampleAllowlist() {
	allowed, _ := netguard.ParsePrefixes("192.0.2.0/24")
	h := netguard.RequestInfo(
		netguard.SourceAddress(&netguard.Resolver{})(
			netguard.Allowlist(allowed, &netguard.AllowlistOptions{Exempt: netguard.ExemptPaths("/health")})(
				http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))))

	for _, target := range []string{"/tools", "/health"} {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.RemoteAddr = "198.51.100.1:5000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Print(target, " ", w.Code, " ", w.Body.String())
		if w.Code == http.StatusOK {
			fmt.Println()
		}
	}
	// Output:
	// /tools 403 {"message":"Requests from this address are not allowed."}
	// /health 200 ok
}
