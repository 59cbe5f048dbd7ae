package cli

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the spinner's goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestSpinner(t *testing.T) {
	t.Run("a quick call draws nothing", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var out syncBuffer
			s := startSpinner(&out, "Calculator.Add", spinnerDelay)
			time.Sleep(spinnerDelay - time.Millisecond)
			s.Stop()
			if got := out.String(); got != "" {
				t.Errorf("output %q, want none", got)
			}
		})
	})
	t.Run("a long call shows the elapsed time, then erases it", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var out syncBuffer
			s := startSpinner(&out, "Demo.Sleep", spinnerDelay)
			time.Sleep(1250 * time.Millisecond)
			synctest.Wait()
			drawn := out.String()
			for _, want := range []string{"⠋ Demo.Sleep 0.5s", "Demo.Sleep 1.0s", "Demo.Sleep 1.2s"} {
				if !strings.Contains(drawn, want) {
					t.Errorf("output %q lacks %q", drawn, want)
				}
			}
			if !strings.HasPrefix(drawn, clearLine) || strings.Contains(drawn, "\n") {
				t.Errorf("output %q does not redraw one line in place", drawn)
			}
			s.Stop()
			if got := out.String(); !strings.HasSuffix(got, clearLine) {
				t.Errorf("output %q does not end by erasing the line", got)
			}
			s.Stop() // stopping twice is harmless
		})
	})
	t.Run("nil spinner", func(t *testing.T) {
		var s *spinner
		s.Stop()
	})
}

func TestIsTerminal(t *testing.T) {
	var buf bytes.Buffer
	if isTerminal(&buf) {
		t.Error("a buffer is a terminal")
	}
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Error("/dev/null is a terminal")
	}
}
