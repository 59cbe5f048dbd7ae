// Package examples is the examples toolkit: a handful of small tools that
// show every feature of the protocol, so that a fresh server has something
// to list and call. Calculator shows several versions of one tool side by
// side (VER-1..3) and tool errors; Doorbell a tool that returns nothing and
// a retryable error; System a tool without parameters; Demo the tool
// requirements (a secret, an authorization token, a user id), cancellation,
// failures and panics, and idempotency.
//
// The server serves it by default (otc serve --toolkits examples).
package examples

import (
	"crypto/rand"
	"time"

	"github.com/otc-dev/otc"
)

// Options configure the examples toolkit. The zero value is ready to use.
type Options struct {
	// InstanceID names the server instance in Demo.Counter's output. Empty
	// means a random id, chosen when Tools is called.
	InstanceID string
	// Now is the clock of System.GetTimestamp. Nil means time.Now.
	Now func() time.Time
}

// Tools returns the toolkit's tools, a fresh set on each call: Demo.Counter
// counts the calls of one set, which is one server process.
func Tools(opts Options) []*otc.Tool {
	if opts.InstanceID == "" {
		opts.InstanceID = rand.Text()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return []*otc.Tool{
		addV1(), addV1_1(), addV2(), divide(),
		ring(),
		getTimestamp(opts.Now),
		secretFingerprint(), whoAmI(), sleep(), fail(), counter(opts.InstanceID),
	}
}
