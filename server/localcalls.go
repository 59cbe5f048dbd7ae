package server

import "sync"

// localCalls maps the call_id of each call this Server is running to a
// channel closed when the call finishes, so that a repeat waiting in this
// process is woken at once instead of at its next poll of the store.
//
// A map under a mutex rather than a sync.Map: every durable call adds and
// removes one id, and sync.Map allocates a node per new key, where a map
// reuses its slots; the lock is held for a map operation only.
type localCalls struct {
	mu    sync.Mutex
	calls map[string]chan struct{}
}

// add records that the call id is running here and returns the channel
// that finish closes.
func (l *localCalls) add(id string) chan struct{} {
	ch := make(chan struct{})
	l.mu.Lock()
	if l.calls == nil {
		l.calls = make(map[string]chan struct{})
	}
	l.calls[id] = ch
	l.mu.Unlock()
	return ch
}

// finish forgets id and wakes whoever waits on its channel.
func (l *localCalls) finish(id string, ch chan struct{}) {
	l.mu.Lock()
	if l.calls[id] == ch {
		delete(l.calls, id)
	}
	l.mu.Unlock()
	close(ch)
}

// lookup returns the channel of id's call if it runs here, or nil (a nil
// channel never receives: the waiter polls the store).
func (l *localCalls) lookup(id string) <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls[id]
}
