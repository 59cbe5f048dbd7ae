package ratelimit

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// RuleError reports a rate that ParseRule cannot read. Input is the text as
// given (truncated): rates come from flags and config files, not from
// clients, so echoing them is safe and helps the operator.
type RuleError struct {
	Input  string
	Reason string
}

// Error names the input and what is wrong with it.
func (e *RuleError) Error() string {
	return fmt.Sprintf("rate limit %q: %s", e.Input, e.Reason)
}

// Largest values ParseRule accepts: beyond them a limit limits nothing, and
// a typo with extra digits is more likely than intent.
const (
	maxRuleCount = 1e9
	maxRuleBurst = 1e9
)

// ParseRule reads a rate written as "<count>/<unit>", such as "50/s",
// "600/min" or "20/m", into a Rule. The count is a positive decimal number
// ("0.5/s" is one request every two seconds); the unit is one of s, sec,
// second, m, min, minute, h, hr or hour, in any case. "off" returns the zero
// Rule, which never limits.
//
// burst is how many actions may happen at once before the rate applies. Zero
// means the count itself (at least 1): "20/min" lets 20 failures through at
// once, then one every three seconds. A negative burst is an error.
func ParseRule(s string, burst int) (Rule, error) {
	in := strings.TrimSpace(s)
	bad := func(reason string) (Rule, error) {
		return Rule{}, &RuleError{Input: truncate(in), Reason: reason}
	}
	if strings.EqualFold(in, "off") {
		return Rule{}, nil
	}
	if in == "" {
		return bad(`empty; want <count>/<unit> such as "50/s", or "off"`)
	}
	countText, unitText, ok := strings.Cut(in, "/")
	if !ok {
		return bad(`missing "/"; want <count>/<unit> such as "50/s" or "20/min"`)
	}
	count, err := parseCount(strings.TrimSpace(countText))
	if err != nil {
		return bad(err.Error())
	}
	per, ok := unitSeconds(strings.ToLower(strings.TrimSpace(unitText)))
	if !ok {
		return bad("unknown unit; want s, sec, m, min, h or hour")
	}
	switch {
	case burst < 0:
		return bad("burst is negative")
	case burst > maxRuleBurst:
		return bad("burst is larger than 1000000000")
	case burst == 0:
		burst = max(1, int(math.Ceil(count)))
	}
	return Rule{Rate: count / per, Burst: burst}, nil
}

// parseCount accepts plain decimal numbers only: no sign, exponent, hex,
// underscores, Inf or NaN, which strconv.ParseFloat would all take.
func parseCount(s string) (float64, error) {
	if s == "" {
		return 0, fmt.Errorf("missing count before %q", "/")
	}
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot:
			dot = true
		default:
			return 0, fmt.Errorf("count is not a decimal number")
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("count is not a decimal number")
	}
	if n <= 0 {
		return 0, fmt.Errorf(`count must be positive (use "off" to disable the limit)`)
	}
	if n > maxRuleCount {
		return 0, fmt.Errorf("count is larger than 1000000000")
	}
	return n, nil
}

func unitSeconds(u string) (float64, bool) {
	switch u {
	case "s", "sec", "second":
		return 1, true
	case "m", "min", "minute":
		return 60, true
	case "h", "hr", "hour":
		return 3600, true
	}
	return 0, false
}

// truncate shortens s for an error message.
func truncate(s string) string {
	const limit = 40
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "..."
}
