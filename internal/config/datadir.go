package config

import (
	"os"
	"path/filepath"
	"runtime"
)

// DefaultDataDir returns the per-user state directory where otc keeps its
// call records and generated credentials: $XDG_STATE_HOME/otc, else
// ~/.local/state/otc (~/Library/Application Support/otc on macOS,
// %LocalAppData%\otc on Windows). It falls back to ".otc" in the working
// directory when no home directory is known.
func DefaultDataDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "otc")
	}
	switch runtime.GOOS {
	case "darwin", "windows":
		if d, err := os.UserConfigDir(); err == nil {
			return filepath.Join(d, "otc")
		}
	default:
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, ".local", "state", "otc")
		}
	}
	return ".otc"
}
