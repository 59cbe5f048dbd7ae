package client

import (
	"context"
	"net/http"
)

// Health asks the server whether it is ready to take tool calls (HEALTH-2).
// It returns nil for a healthy server and a [*StatusError] (503 when the
// server says it is not ready) or a [*TransportError] otherwise. It sends no
// credentials, since /health needs none (HEALTH-1), and never retries: the
// answer of the moment is the point.
func (c *Client) Health(ctx context.Context) error {
	rep, err := c.roundTrip(ctx, http.MethodGet, "/health", nil, false)
	if err != nil {
		return err
	}
	if rep.status != http.StatusOK {
		return statusErr(rep)
	}
	return nil
}
