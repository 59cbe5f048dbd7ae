package server

import (
	"context"
	"net/http"
	"time"

	"github.com/otc-dev/otc"
)

// healthPingTimeout bounds the store check of GET /health, so that a hung
// store makes the instance unhealthy rather than its health check hang.
const healthPingTimeout = 2 * time.Second

var healthyBody = []byte(`{"status":"ok"}` + "\n")

// handleHealth serves GET /health (HEALTH-1, HEALTH-2): never behind
// authentication; 200 when the server takes calls, 503 while it drains or
// when its call store does not answer.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request, x *exchange) error {
	if s.drain.draining() {
		return &otc.Error{Code: otc.CodeShuttingDown, Message: "The server is shutting down.",
			RetryAfter: drainRetryAfter}
	}
	ctx, cancel := context.WithTimeout(r.Context(), healthPingTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		x.outcome = "store_unavailable"
		return &otc.Error{Code: otc.CodeShuttingDown, Message: "The server is not ready: its call store is unavailable.",
			RetryAfter: storeRetryAfter, Err: err}
	}
	h := w.Header()
	h["Content-Type"] = headerJSON
	h["Cache-Control"] = headerNoStore
	h["X-Content-Type-Options"] = headerNosniff
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(healthyBody)
	}
	return nil
}
