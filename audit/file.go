package audit

import (
	"fmt"
	"os"
)

// OpenFile opens the audit log file at path for appending, creating it with
// mode 0600 (readable by the server's user only) when it does not exist.
// O_APPEND makes each record land at the end even when another process
// (logrotate's copytruncate, a second instance) writes the same file.
// An existing file keeps its mode. The caller closes the file.
func OpenFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return f, nil
}
