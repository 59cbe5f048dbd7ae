//go:build goexperiment.jsonv2

package audit

// invalidUTF8 replaces each byte of invalid UTF-8 in a string, as log/slog
// does when built with the jsonv2 experiment (https://go.dev/cl/687116):
// U+FFFD itself rather than its escape.
const invalidUTF8 = "\ufffd"
