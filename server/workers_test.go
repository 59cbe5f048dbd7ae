package server

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// jobFunc is a func as a job, so that tests give the pool work of their own.
type jobFunc func()

func (f jobFunc) run() { f() }

// The pool keeps goroutines that ran a call for the next ones, at most
// maxIdleWorkers of them, while some call is in flight, and they all exit
// when none is. synctest.Test fails on a goroutine left waiting.
func TestWorkers(t *testing.T) {
	for _, tc := range []struct {
		name     string
		parallel int // jobs running at once
		wantIdle int32
	}{
		{"One", 1, 1},
		{"Some", 5, 5},
		{"MoreThanKept", maxIdleWorkers + 3, maxIdleWorkers},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var d drain
				d.init(0)
				var w workers
				w.init(&d)
				for range 2 { // calls in flight beside the one that ends
					if err := d.enter(time.Now()); err != nil {
						t.Fatal(err)
					}
				}
				release := make(chan struct{})
				var ran sync.WaitGroup
				ran.Add(tc.parallel)
				for range tc.parallel {
					w.run(jobFunc(func() { <-release; ran.Done() }))
				}
				synctest.Wait()
				if got := w.idle.Load(); got != 0 {
					t.Fatalf("idle while every job runs = %d, want 0", got)
				}
				close(release)
				ran.Wait()
				synctest.Wait()
				if got := w.idle.Load(); got != tc.wantIdle {
					t.Fatalf("idle after the jobs = %d, want %d", got, tc.wantIdle)
				}

				// The next job runs on a waiting goroutine.
				block := make(chan struct{})
				w.run(jobFunc(func() { <-block }))
				synctest.Wait()
				if got := w.idle.Load(); got != tc.wantIdle-1 {
					t.Fatalf("idle while a second job runs = %d, want %d", got, tc.wantIdle-1)
				}
				close(block)
				synctest.Wait()
				if got := w.idle.Load(); got != tc.wantIdle {
					t.Fatalf("idle after the second job = %d, want %d", got, tc.wantIdle)
				}

				d.leave()
				synctest.Wait()
				if got := w.idle.Load(); got != tc.wantIdle {
					t.Fatalf("idle with a call in flight = %d, want %d", got, tc.wantIdle)
				}
				d.leave() // nothing in flight: every idle goroutine exits
				synctest.Wait()
				if got := w.idle.Load(); got != 0 {
					t.Fatalf("idle with no call in flight = %d, want 0", got)
				}
			})
		})
	}
}

// A job that ends when at most its own call is in flight leaves no
// goroutine waiting: a lone client gains nothing from one.
func TestWorkersQuietServer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var d drain
		d.init(0)
		var w workers
		w.init(&d)
		if err := d.enter(time.Now()); err != nil {
			t.Fatal(err)
		}
		defer d.leave()
		done := make(chan struct{})
		w.run(jobFunc(func() { close(done) }))
		<-done
		synctest.Wait()
		if got := w.idle.Load(); got != 0 {
			t.Fatalf("idle = %d, want 0", got)
		}
	})
}
