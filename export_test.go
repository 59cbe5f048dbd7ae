package otc

// Hooks into the fast path of input validation for the differential tests
// in the otc_test package, which can import the examples toolkit.

// FastVerdict returns the fast path's verdict on input ("valid", "invalid"
// or "unsure"), and "none" when the tool's schema has no fast path.
func FastVerdict(t *Tool, input []byte) string {
	if t.inFast == nil {
		return "none"
	}
	return [...]string{unsure: "unsure", valid: "valid", invalid: "invalid"}[t.inFast.check(input)]
}

// ValidateInputFull is ValidateInput without the fast path; input must not
// be empty.
func ValidateInputFull(t *Tool, input []byte) error { return t.validateInputFull(input) }
