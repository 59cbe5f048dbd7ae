//go:build !unix || aix || (solaris && !illumos)

package journal

import (
	"errors"
	"os"
	"time"
)

// lockFile would lock the directory; without flock, the journal is not
// supported, rather than open without the guard against a second process.
func lockFile(path string, timeout time.Duration) (*os.File, error) {
	return nil, errors.New("not supported on this platform (no flock)")
}
