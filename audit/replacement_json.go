//go:build !goexperiment.jsonv2

package audit

// invalidUTF8 replaces each byte of invalid UTF-8 in a string, as log/slog
// does without the jsonv2 experiment: the escape of U+FFFD.
const invalidUTF8 = `\ufffd`
