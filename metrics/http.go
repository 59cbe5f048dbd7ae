package metrics

import (
	"net/http"

	"github.com/otc-dev/otc/internal/httpx"
	"github.com/otc-dev/otc/internal/reqinfo"
)

// Middleware counts requests by route and status code and observes their
// duration. It goes outside the router (in the chain, right after
// netguard.SourceAddress) and reads the route after the handler returned:
// reqinfo.Info.Route when a layer set it, else the pattern the router
// matched (net/http's ServeMux sets Request.Pattern on the request it is
// given, which is this one when no layer in between copies it), else
// "unmatched". Raw paths are never labels.
//
// A handler that panics is counted with status 500 unless it had already
// sent a status; the panic goes on unchanged.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := m.now()
		sw := httpx.NewStatusWriter(w)
		returned := false
		defer func() {
			status := sw.Status()
			if status == 0 {
				status = http.StatusOK // what net/http sends for an empty answer
				if !returned {
					status = http.StatusInternalServerError
				}
			}
			m.requestSeries.get(requestKey{routeOf(r), status}, m.newRequestSeries).record(m.now().Sub(start))
		}()
		next.ServeHTTP(sw, r)
		returned = true
	})
}

// routeOf returns the route pattern r was served by, or "unmatched".
func routeOf(r *http.Request) string {
	if route := reqinfo.From(r.Context()).Route; route != "" {
		return route
	}
	if r.Pattern != "" {
		return r.Pattern
	}
	return labelUnmatched
}

// requestKey is what the request metrics are labelled by: the raw route
// (checked and capped by m.routes) and the status code.
type requestKey struct {
	route  string
	status int
}

// newRequestSeries looks up the series of k, for m.requestSeries.
func (m *Metrics) newRequestSeries(k requestKey) countedDuration {
	route := m.routes.value(k.route)
	return countedDuration{
		count:    m.requests.WithLabelValues(route, statusLabel(k.status)),
		duration: m.requestDuration.WithLabelValues(route),
	}
}
