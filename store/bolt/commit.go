package bolt

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"go.etcd.io/bbolt"
)

// committer groups concurrent writes into shared transactions, one fsync
// per group (group commit). One goroutine commits: while a commit and its
// fsync run, the writes that arrive queue up, and the next commit takes
// all of them at once. Unlike bbolt's DB.Batch, no write waits for a timer
// before its group forms; a group is as large as the load makes it, so
// under load commits are few and large, and a lone write commits at once.
type committer struct {
	db    *bbolt.DB
	max   int
	delay time.Duration

	queue chan *pendingWrite
	mu    sync.RWMutex // held for reading while sending on queue
	shut  bool         // queue is closed
	done  chan struct{}
}

// pendingWrite is one write waiting for its group's commit.
type pendingWrite struct {
	fn  func(*bbolt.Tx) error
	err chan error
}

// errAlone tells a writer that its function failed inside a group: it runs
// again in a transaction of its own, so that its failure is its alone.
var errAlone = errors.New("bolt: write must run alone")

func newCommitter(db *bbolt.DB, maxBatch int, delay time.Duration) *committer {
	c := &committer{db: db, max: maxBatch, delay: delay,
		queue: make(chan *pendingWrite, maxBatch), done: make(chan struct{})}
	go c.loop()
	return c
}

// write runs fn in a write transaction shared with other writes, and
// returns once that transaction is committed and fsynced. As with
// DB.Batch, fn may run more than once and must set its outcome afresh each
// time.
func (c *committer) write(fn func(*bbolt.Tx) error) error {
	p := &pendingWrite{fn: fn, err: make(chan error, 1)}
	c.mu.RLock()
	if c.shut {
		c.mu.RUnlock()
		return bbolt.ErrDatabaseNotOpen
	}
	c.queue <- p
	c.mu.RUnlock()
	err := <-p.err
	if err == errAlone {
		return c.db.Update(fn)
	}
	return err
}

// close commits the writes already queued and stops the committer. Later
// writes fail with bbolt.ErrDatabaseNotOpen.
func (c *committer) close() {
	c.mu.Lock()
	if !c.shut {
		c.shut = true
		close(c.queue)
	}
	c.mu.Unlock()
	<-c.done
}

func (c *committer) loop() {
	defer close(c.done)
	batch := make([]*pendingWrite, 0, c.max)
	for p := range c.queue {
		batch = append(batch[:0], p)
		batch = c.gather(batch)
		c.commit(batch)
		clear(batch) // drop the references until the next group
	}
}

// gather adds the writes already queued to batch, up to the maximum; with
// a delay, it waits that long for more when the queue runs dry.
func (c *committer) gather(batch []*pendingWrite) []*pendingWrite {
	var timeout <-chan time.Time
	if c.delay > 0 {
		t := time.NewTimer(c.delay)
		defer t.Stop()
		timeout = t.C
	}
	for len(batch) < c.max {
		select {
		case p, ok := <-c.queue:
			if !ok {
				return batch
			}
			batch = append(batch, p)
			continue
		default:
		}
		if timeout == nil {
			return batch
		}
		select {
		case p, ok := <-c.queue:
			if !ok {
				return batch
			}
			batch = append(batch, p)
		case <-timeout:
			return batch
		}
	}
	return batch
}

// commit runs batch in one transaction. A function that fails is taken
// out and told to run alone, and the others run again without it, as
// DB.Batch does; a failed commit fails them all.
func (c *committer) commit(batch []*pendingWrite) {
	for len(batch) > 0 {
		failed := -1
		err := c.db.Update(func(tx *bbolt.Tx) error {
			for i, p := range batch {
				if err := safely(p.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, p := range batch {
				p.err <- err
			}
			return
		}
		batch[failed].err <- errAlone
		batch = append(batch[:failed], batch[failed+1:]...)
	}
}

// safely calls fn, turning a panic into an error so that one write cannot
// take the committer, and every other writer, down with it.
func safely(fn func(*bbolt.Tx) error, tx *bbolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("bolt: write panicked: %v", p)
		}
	}()
	return fn(tx)
}
