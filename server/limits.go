package server

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/otc-dev/otc"
)

// busyRetryAfter is the Retry-After of a call refused for a concurrency
// limit: calls are short, a slot is likely free by then.
const busyRetryAfter = time.Second

// limits bounds concurrent tool calls, globally and per tool. A call over
// a bound is refused at once: a queue would hold connections and memory
// without bound while the client cannot tell waiting from hanging.
type limits struct {
	global  int64 // 0: none
	running atomic.Int64
	perTool sync.Map // tool id -> *atomic.Int64
}

// acquire takes a slot for a call of tool, whose own bound is max (0:
// none), or returns the "temporarily unavailable" error. Every successful
// acquire must be matched by one release with the same arguments.
func (l *limits) acquire(toolID string, max int) error {
	if l.global > 0 {
		if l.running.Add(1) > l.global {
			l.running.Add(-1)
			return busy("the server runs its maximum number of concurrent calls")
		}
	}
	if max > 0 {
		n := l.counter(toolID)
		if n.Add(1) > int64(max) {
			n.Add(-1)
			if l.global > 0 {
				l.running.Add(-1)
			}
			return busy("the tool runs its maximum number of concurrent calls")
		}
	}
	return nil
}

func (l *limits) release(toolID string, max int) {
	if l.global > 0 {
		l.running.Add(-1)
	}
	if max > 0 {
		l.counter(toolID).Add(-1)
	}
}

// counter returns the running count of a tool. Counters are kept by tool
// id, so the map is bounded by the set of tool ids ever limited.
func (l *limits) counter(toolID string) *atomic.Int64 {
	if n, ok := l.perTool.Load(toolID); ok {
		return n.(*atomic.Int64)
	}
	n, _ := l.perTool.LoadOrStore(toolID, new(atomic.Int64))
	return n.(*atomic.Int64)
}

func busy(detail string) *otc.Error {
	return &otc.Error{Code: otc.CodeTemporarilyUnavailable, Message: "The server is temporarily unavailable; try again shortly.",
		DeveloperMessage: detail, RetryAfter: busyRetryAfter}
}
