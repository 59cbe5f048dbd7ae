//go:build !linux

package journal

import "os"

// datasync flushes f's data. Without fdatasync(2) it is a full fsync (on
// macOS, F_FULLFSYNC, as os.File.Sync does there).
func datasync(f *os.File) error { return f.Sync() }
