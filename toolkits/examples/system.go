package examples

import (
	"context"
	"time"

	"github.com/otc-dev/otc"
)

// Timestamp is the output of System.GetTimestamp.
type Timestamp struct {
	Timestamp string `json:"timestamp" jsonschema:"description=The current time in RFC 3339 format\\, UTC.,format=date-time"`
}

// getTimestamp is a tool without parameters.
func getTimestamp(now func() time.Time) *otc.Tool {
	return otc.MustNewTool(otc.ToolSpec{
		Toolkit: "System", Name: "GetTimestamp", Version: "1.0.0",
		Description: "Returns the server's current time in RFC 3339 format, UTC.",
		Idempotent:  true, // reads the clock and changes nothing
	}, func(context.Context, otc.NoValue) (Timestamp, error) {
		return Timestamp{Timestamp: now().UTC().Format(time.RFC3339)}, nil
	})
}
