//go:build unix && !aix && (!solaris || illumos)

package journal

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockRetry is how often Open tries a held lock again.
const lockRetry = 50 * time.Millisecond

// lockFile opens path and takes an exclusive flock on it, trying until
// timeout. A flock belongs to the open file, so a second Open in the same
// process is kept out as another process would be; closing the file
// releases it, also when the process dies.
func lockFile(path string, timeout time.Duration) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, FileMode)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	deadline := time.Now().Add(timeout)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return f, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case !errors.Is(err, syscall.EWOULDBLOCK):
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		wait := time.Until(deadline)
		if wait <= 0 {
			f.Close()
			return nil, fmt.Errorf("%w (waited %s)", ErrLocked, timeout)
		}
		time.Sleep(min(wait, lockRetry))
	}
}
