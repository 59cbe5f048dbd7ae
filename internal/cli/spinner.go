package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// spinnerDelay is how long a call runs before the spinner appears: quick
// calls finish without drawing anything.
const spinnerDelay = 500 * time.Millisecond

// spinnerInterval is how often the spinner redraws.
const spinnerInterval = 100 * time.Millisecond

// spinnerFrames are the spinner's animation.
var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// clearLine returns the cursor to the start of the line and erases it.
const clearLine = "\r\033[K"

// isTerminal reports whether w is a terminal. A spinner written anywhere
// else (a pipe, a file, a CI log) would only be noise.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// spinner shows the elapsed time of a call on one terminal line, redrawn
// in place, until stopped.
type spinner struct {
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

// startSpinner draws "⠋ label 1.2s" on w every spinnerInterval, starting
// after delay.
func startSpinner(w io.Writer, label string, delay time.Duration) *spinner {
	s := &spinner{stop: make(chan struct{}), stopped: make(chan struct{})}
	start := time.Now()
	go func() {
		defer close(s.stopped)
		wait := time.NewTimer(delay)
		defer wait.Stop()
		select {
		case <-s.stop:
			return
		case <-wait.C:
		}
		tick := time.NewTicker(spinnerInterval)
		defer tick.Stop()
		for frame := 0; ; frame++ {
			elapsed := time.Since(start).Truncate(100 * time.Millisecond)
			fmt.Fprintf(w, "%s%s %s %.1fs", clearLine, spinnerFrames[frame%len(spinnerFrames)], label, elapsed.Seconds())
			select {
			case <-s.stop:
				fmt.Fprint(w, clearLine)
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

// Stop removes the spinner and returns once its line is erased, so that
// what is printed next starts on a clean line. A nil spinner is a no-op.
func (s *spinner) Stop() {
	if s == nil {
		return
	}
	s.once.Do(func() { close(s.stop) })
	<-s.stopped
}
