package audit_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/audit"
	"github.com/otc-dev/otc/internal/reqinfo"
	"github.com/otc-dev/otc/netguard"
)

func ExampleLogger_Middleware() {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	l := audit.New(os.Stdout, &audit.Options{Now: func() time.Time { return now }})

	// Authentication, inside, records who the caller is.
	auth := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqinfo.From(r.Context()).Caller = &otc.Caller{Method: "jwt", Name: "billing-agent"}
	})
	h := netguard.RequestInfo(netguard.SourceAddress(nil)(l.Middleware(auth)))

	r := httptest.NewRequest("GET", "/tools", nil)
	r.RemoteAddr = "192.0.2.10:50000"
	h.ServeHTTP(httptest.NewRecorder(), r)
	// Output:
	// {"time":"2026-01-02T03:04:05Z","msg":"audit","client":"billing-agent","auth_method":"jwt","source_ip":"192.0.2.10","method":"GET","path":"/tools","outcome":"ok","status":200,"duration_ms":0}
}
