package config

// Error is a configuration mistake: a bad flag value, environment variable or
// config-file key. The command line turns it into exit status 2 before
// anything listens. Its message names the setting, never a secret value.
type Error struct {
	Setting string
	Err     error
}

func (e *Error) Error() string { return e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }
