package examples

import (
	"context"
	"time"

	"github.com/otc-dev/otc"
)

// RingInput is the input of Doorbell.Ring.
type RingInput struct {
	DoorbellID string `json:"doorbell_id" jsonschema:"description=The id of the doorbell to ring."`
}

// doorbells are the doorbells Doorbell.Ring knows.
var doorbells = map[string]bool{"doorbell42": true, "doorbell84": true}

// ring is a tool that returns nothing (output_schema null, DEF-5) and whose
// error tells the model how to retry (CALL-9).
func ring() *otc.Tool {
	return otc.MustNewTool(otc.ToolSpec{
		Toolkit: "Doorbell", Name: "Ring", Version: "0.1.0",
		Description: "Rings a doorbell. Returns nothing when the doorbell rang.",
	}, func(_ context.Context, in RingInput) (otc.NoValue, error) {
		if !doorbells[in.DoorbellID] {
			// The message does not repeat the id: tool inputs stay out of
			// error messages.
			return otc.NoValue{}, otc.RetryableError("No doorbell has that id.",
				500*time.Millisecond, "ids: doorbell42,doorbell84")
		}
		return otc.NoValue{}, nil
	})
}
