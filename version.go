package otc

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Version is a tool's semantic version x.y.z (DEF-3). The zero value is 0.0.0.
type Version struct {
	Major, Minor, Patch uint64
}

// ParseVersion parses "x.y.z" where x, y and z are decimal integers without
// signs. Leading zeros are accepted ("01.2.3" is 1.2.3) because the OTC pattern
// allows them, but String always prints the canonical form. The error quotes
// at most a short prefix of s, once.
func ParseVersion(s string) (Version, error) {
	v, err := parseVersion(s)
	if err != nil {
		return Version{}, fmt.Errorf("version %s: %w", quoteShort(s), err)
	}
	return v, nil
}

// parseVersion is ParseVersion with errors that do not repeat s, for callers
// that quote it themselves.
func parseVersion(s string) (Version, error) {
	major, rest, ok1 := strings.Cut(s, ".")
	minor, patch, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.IndexByte(patch, '.') >= 0 {
		return Version{}, errors.New("want x.y.z")
	}
	var n [3]uint64
	for i, p := range [...]string{major, minor, patch} {
		var err error
		if n[i], err = parseVersionNumber(p); err != nil {
			return Version{}, fmt.Errorf("%s: %w", [...]string{"major", "minor", "patch"}[i], err)
		}
	}
	return Version{Major: n[0], Minor: n[1], Patch: n[2]}, nil
}

// parseVersionNumber parses one decimal part of a version. Its errors do not
// quote p: the caller quotes the whole input once.
func parseVersionNumber(p string) (uint64, error) {
	if p == "" {
		return 0, errors.New("empty number")
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return 0, errors.New("not a decimal integer")
		}
	}
	n, err := strconv.ParseUint(p, 10, 64)
	if err != nil {
		return 0, errors.New("number out of range")
	}
	return n, nil
}

// String returns "x.y.z".
func (v Version) String() string {
	return strconv.FormatUint(v.Major, 10) + "." + strconv.FormatUint(v.Minor, 10) + "." + strconv.FormatUint(v.Patch, 10)
}

// Compare returns -1, 0 or +1 as v is older than, equal to, or newer than w.
func (v Version) Compare(w Version) int {
	return cmp.Or(cmp.Compare(v.Major, w.Major), cmp.Compare(v.Minor, w.Minor), cmp.Compare(v.Patch, w.Patch))
}

// truncate keeps error messages about outside input short: an attacker's
// megabyte-long tool id must not become a megabyte-long log line.
// It cuts at a rune boundary so that the result stays valid UTF-8.
func truncate(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// quoteShort quotes s for an error message, truncated (see truncate) and
// with control characters escaped, so that odd input cannot forge log lines.
func quoteShort(s string) string { return strconv.Quote(truncate(s)) }
