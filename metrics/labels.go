package metrics

import (
	"strconv"
	"sync"

	"github.com/otc-dev/otc"
)

// Caps on the distinct values of each label. They are far above what a
// server uses, and only stop a bug or a hostile client from growing the
// number of series without end.
const (
	maxRoutes = 256
	maxTools  = 1024
	maxWords  = 64
)

// The values that stand in for label values that are not admitted.
const (
	labelInvalid   = "invalid"   // fails the label's check
	labelOther     = "other"     // valid, but the cap was reached
	labelUnmatched = "unmatched" // a request no route matched
)

// labelSet admits the values of one label: those that pass valid, up to
// max distinct ones. Once a value is admitted it stays, and once the cap is
// reached a new value is reported as "other" for good, so a value's series
// never changes between calls (which keeps gauges balanced).
type labelSet struct {
	mu    sync.RWMutex
	seen  map[string]struct{}
	max   int
	valid func(string) bool
}

func newLabelSet(max int, valid func(string) bool) *labelSet {
	return &labelSet{seen: make(map[string]struct{}), max: max, valid: valid}
}

func (s *labelSet) value(v string) string {
	s.mu.RLock()
	_, ok := s.seen[v]
	s.mu.RUnlock()
	if ok {
		return v
	}
	if !s.valid(v) {
		return labelInvalid
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.seen[v]; ok {
		return v
	}
	if len(s.seen) >= s.max {
		return labelOther
	}
	s.seen[v] = struct{}{}
	return v
}

// validWord accepts the short words used as outcomes, methods, reasons and
// kinds: 1 to 32 of a-z, 0-9, underscore and plus (authentication reports a
// request that carried no credential against "api_key+jwt").
func validWord(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '+') {
			return false
		}
	}
	return true
}

// validToolID accepts resolved tool ids, "Toolkit.Tool@x.y.z" in canonical
// form (DEF-1).
func validToolID(s string) bool {
	ref, err := otc.ParseToolID(s)
	return err == nil && ref.Selector == otc.ExactVersion && ref.String() == s
}

// validRoute accepts a route pattern of printable ASCII, such as
// "POST /tools/call".
func validRoute(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// statusLabel returns the status code as a label, "other" outside 100-599.
func statusLabel(code int) string {
	if code < 100 || code > 599 {
		return labelOther
	}
	return strconv.Itoa(code)
}
