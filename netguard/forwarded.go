package netguard

import (
	"net/netip"
	"strings"
)

// parseNode reads one node of a forwarding header: "192.0.2.1",
// "192.0.2.1:8080", "2001:db8::1", "[2001:db8::1]" or "[2001:db8::1]:8080".
// The port, if any, is dropped. Zones, host names and RFC 7239's "unknown"
// and obfuscated identifiers ("_hidden") are refused: none of them is an
// address a limit or allowlist can use.
func parseNode(s string) (netip.Addr, bool) {
	if s == "" || strings.IndexByte(s, '%') >= 0 {
		return netip.Addr{}, false
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil && a.Is6() {
			return a.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

// parseForwardedElement reads the for= node of one RFC 7239 element, such
// as `for=192.0.2.60;proto=http;by=203.0.113.43` or
// `for="[2001:db8:cafe::17]:4711"`. Parameter names are case-insensitive;
// values are tokens or quoted strings. An element without exactly one for=
// parameter, or that breaks the syntax, is refused.
func parseForwardedElement(elem string) (netip.Addr, bool) {
	var (
		node  string
		found bool
	)
	for elem != "" {
		name, rest, ok := strings.Cut(elem, "=")
		if !ok {
			return netip.Addr{}, false
		}
		name = strings.TrimSpace(name)
		if !isToken(name) {
			return netip.Addr{}, false
		}
		value, rest, ok := cutValue(strings.TrimLeft(rest, " \t"))
		if !ok {
			return netip.Addr{}, false
		}
		if strings.EqualFold(name, "for") {
			if found {
				return netip.Addr{}, false
			}
			node, found = value, true
		}
		rest = strings.TrimLeft(rest, " \t")
		if rest != "" {
			if rest[0] != ';' {
				return netip.Addr{}, false
			}
			rest = rest[1:]
		}
		elem = rest
	}
	if !found {
		return netip.Addr{}, false
	}
	return parseNode(node)
}

// cutValue reads a token or a quoted string (RFC 7230 quoted-string, with
// backslash escapes) at the start of s, and returns it and what follows.
func cutValue(s string) (value, rest string, ok bool) {
	if s == "" {
		return "", "", false
	}
	if s[0] != '"' {
		end := strings.IndexAny(s, "; \t")
		if end < 0 {
			end = len(s)
		}
		// Tolerate what proxies write unquoted although RFC 7239 wants
		// quotes: 192.0.2.1:80 and [2001:db8::1].
		if v := s[:end]; !isToken(v) && !onlyAddressChars(v) {
			return "", "", false
		}
		return s[:end], s[end:], true
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], true
		case '\\':
			if i+1 == len(s) {
				return "", "", false
			}
			i++
			b.WriteByte(s[i])
		default:
			if c < 0x20 && c != '\t' || c == 0x7f {
				return "", "", false
			}
			b.WriteByte(c)
		}
	}
	return "", "", false // unterminated
}

// isToken reports whether s is a non-empty RFC 7230 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if strings.IndexByte("!#$%&'*+-.^_`|~", c) < 0 {
			return false
		}
	}
	return true
}

// onlyAddressChars reports whether s holds only characters of an IP address
// with brackets and port.
func onlyAddressChars(s string) bool {
	return strings.Trim(s, "[]:.0123456789abcdefABCDEF") == ""
}
