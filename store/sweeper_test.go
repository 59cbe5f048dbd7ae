package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/memory"
)

// fakeSweeper records when it was asked to sweep and answers from a script.
type fakeSweeper struct {
	mu      sync.Mutex
	start   time.Time
	calls   []time.Duration // now - start of each call
	results []error
}

func (f *fakeSweeper) Sweep(ctx context.Context, now time.Time) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, now.Sub(f.start))
	var err error
	if i := len(f.calls) - 1; i < len(f.results) {
		err = f.results[i]
	}
	if err != nil {
		return 0, err
	}
	return 2, nil
}

// testLogger logs text without times, at every level, into buf.
func testLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}

func TestRunSweeperSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeSweeper{start: time.Now(), results: []error{nil, errors.New("disk on fire")}}
		var buf bytes.Buffer
		ctx, cancel := context.WithCancel(t.Context())
		stopped := make(chan struct{})
		go func() {
			store.RunSweeper(ctx, f, 10*time.Second, testLogger(&buf))
			close(stopped)
		}()
		time.Sleep(35 * time.Second)
		cancel()
		<-stopped

		want := []time.Duration{0, 10 * time.Second, 20 * time.Second, 30 * time.Second}
		if diff := cmp.Diff(want, f.calls); diff != "" {
			t.Fatalf("sweep times (-want +got):\n%s", diff)
		}
		wantLog := strings.Join([]string{
			`level=DEBUG msg="swept expired call records" deleted=2`,
			`level=WARN msg="call record sweep failed" err="disk on fire" deleted=0`,
			`level=DEBUG msg="swept expired call records" deleted=2`,
			`level=DEBUG msg="swept expired call records" deleted=2`,
			``,
		}, "\n")
		if diff := cmp.Diff(wantLog, buf.String()); diff != "" {
			t.Fatalf("log (-want +got):\n%s", diff)
		}
	})
}

func TestRunSweeperDefaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeSweeper{start: time.Now()}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			store.RunSweeper(ctx, f, 0, nil) // DefaultSweepEvery, slog.Default()
			close(done)
		}()
		time.Sleep(store.DefaultSweepEvery + time.Second)
		cancel()
		<-done
		if diff := cmp.Diff([]time.Duration{0, store.DefaultSweepEvery}, f.calls); diff != "" {
			t.Fatalf("sweep times (-want +got):\n%s", diff)
		}
	})
}

// TestRunSweeperMemory runs the sweeper over a real store in fake time:
// records disappear from the store as they expire, without a Get.
func TestRunSweeperMemory(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := memory.New(memory.Options{})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		for i, ttl := range []time.Duration{30 * time.Second, 90 * time.Second, time.Hour} {
			rec := store.Record{CallID: fmt.Sprint(i), ExpiresAt: time.Now().Add(ttl)}
			if _, _, err := s.Claim(ctx, rec); err != nil {
				t.Fatal(err)
			}
		}
		go store.RunSweeper(ctx, s, time.Minute, slog.New(slog.DiscardHandler))
		for _, step := range []struct {
			at   time.Duration
			want int
		}{{30 * time.Second, 3}, {61 * time.Second, 2}, {121 * time.Second, 1}} {
			time.Sleep(step.at - time.Since(t0))
			synctest.Wait()
			if got := s.Len(); got != step.want {
				t.Fatalf("at %v: %d records, want %d", step.at, got, step.want)
			}
		}
	})
}
