package netguard

import (
	"fmt"
	"net/netip"
	"strings"
)

// Prefixes is a list of address ranges, as --ip-allow and --trusted-proxies
// take them. IPv4 ranges are stored as IPv4 (never IPv4-mapped IPv6), so
// that 192.0.2.1 and ::ffff:192.0.2.1 match alike.
type Prefixes []netip.Prefix

// Contains reports whether addr is in one of the ranges. An IPv4-mapped IPv6
// address is matched as the IPv4 address it carries; the zero Addr is in
// no range.
func (p Prefixes) Contains(addr netip.Addr) bool {
	if !addr.IsValid() {
		return false
	}
	addr = addr.Unmap().WithZone("")
	for _, pfx := range p {
		if pfx.Contains(addr) {
			return true
		}
	}
	return false
}

// String returns the ranges separated by commas, the form ParsePrefixes
// reads.
func (p Prefixes) String() string {
	parts := make([]string, len(p))
	for i, pfx := range p {
		parts[i] = pfx.String()
	}
	return strings.Join(parts, ",")
}

// PrefixError reports an entry of a range list that ParsePrefixes cannot
// read. Entry is the entry as given (truncated): range lists come from flags
// and config files, so echoing them is safe and helps the operator.
type PrefixError struct {
	Entry  string
	Reason string
}

// Error names the entry and what is wrong with it.
func (e *PrefixError) Error() string {
	return fmt.Sprintf("address range %q: %s", e.Entry, e.Reason)
}

// ParsePrefixes reads a comma-separated list of CIDR ranges and single
// addresses, such as "10.0.0.0/8, ::1/128, 192.168.1.7". A single address is
// a /32 (IPv4) or /128 (IPv6) range. IPv4-mapped IPv6 forms
// (::ffff:10.0.0.0/104) are turned into their IPv4 equivalent. Empty entries
// (a trailing comma) are skipped, and an empty string is an empty list.
//
// It refuses, rather than guesses at: a range with bits set after the prefix
// length ("10.0.0.1/8", likely a typo for 10.0.0.0/8 or 10.0.0.1/32), zones
// ("fe80::1%eth0"), and host names.
func ParsePrefixes(s string) (Prefixes, error) {
	var out Prefixes
	for entry := range strings.SplitSeq(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		p, err := parsePrefix(entry)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func parsePrefix(entry string) (netip.Prefix, error) {
	bad := func(format string, args ...any) (netip.Prefix, error) {
		return netip.Prefix{}, &PrefixError{Entry: truncate(entry), Reason: fmt.Sprintf(format, args...)}
	}
	if strings.Contains(entry, "%") {
		return bad("zones are not allowed")
	}
	if !strings.Contains(entry, "/") {
		a, err := netip.ParseAddr(entry)
		if err != nil {
			return bad("not an IP address or CIDR range")
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(entry)
	if err != nil {
		return bad("not a CIDR range (want address/bits, such as 10.0.0.0/8)")
	}
	if p.Masked() != p {
		return bad("has bits set after the prefix length; did you mean %s or %s/%d?",
			p.Masked(), p.Addr(), p.Addr().BitLen())
	}
	// A masked range shorter than /96 cannot keep the ::ffff: of a mapped
	// address, so a mapped range here is at least /96.
	if a := p.Addr(); a.Is4In6() {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p, nil
}

// truncate shortens s for an error message.
func truncate(s string) string {
	const limit = 60
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "..."
}
