package otc

import (
	"fmt"
	"strings"
)

// VersionSelector says which version of a tool a tool id asks for (VER-1..3).
type VersionSelector int

const (
	// AnyVersion selects the newest registered version (VER-3: no "@").
	AnyVersion VersionSelector = iota
	// MajorVersion selects exactly x.0.0 (VER-2: "@x").
	MajorVersion
	// ExactVersion selects exactly x.y.z (VER-1: "@x.y.z").
	ExactVersion
)

// ToolRef is a parsed tool id: "Toolkit.Tool", optionally followed by
// "@x" or "@x.y.z" (DEF-1).
type ToolRef struct {
	Toolkit  string
	Name     string
	Selector VersionSelector
	// Version is meaningful when Selector is MajorVersion (Minor and Patch
	// are zero) or ExactVersion.
	Version Version
}

// MaxToolIDLength bounds a tool id; longer ids are rejected before parsing.
const MaxToolIDLength = 256

// ParseToolID parses a tool id against the DEF-1 pattern
// ^[A-Za-z0-9_]+\.[A-Za-z0-9_]+(@([0-9]+|[0-9]+\.[0-9]+\.[0-9]+))?$.
// The returned error never contains more than a short prefix of s.
func ParseToolID(s string) (ToolRef, error) {
	if s == "" {
		return ToolRef{}, fmt.Errorf("tool id is empty")
	}
	if len(s) > MaxToolIDLength {
		return ToolRef{}, fmt.Errorf("tool id is longer than %d bytes", MaxToolIDLength)
	}
	name, version, hasVersion := strings.Cut(s, "@")
	toolkit, tool, ok := strings.Cut(name, ".")
	if !ok || !IsIdentifier(toolkit) || !IsIdentifier(tool) {
		return ToolRef{}, fmt.Errorf("tool id %s: want Toolkit.Tool[@version] with letters, digits and underscores", quoteShort(s))
	}
	ref := ToolRef{Toolkit: toolkit, Name: tool}
	if !hasVersion {
		return ref, nil
	}
	if !strings.Contains(version, ".") {
		n, err := parseVersionNumber(version)
		if err != nil {
			return ToolRef{}, fmt.Errorf("tool id %s: version: %w", quoteShort(s), err)
		}
		ref.Selector, ref.Version = MajorVersion, Version{Major: n}
		return ref, nil
	}
	v, err := parseVersion(version)
	if err != nil {
		return ToolRef{}, fmt.Errorf("tool id %s: version: %w", quoteShort(s), err)
	}
	ref.Selector, ref.Version = ExactVersion, v
	return ref, nil
}

// QualifiedName returns "Toolkit.Tool", the tool id without a version.
func (r ToolRef) QualifiedName() string { return r.Toolkit + "." + r.Name }

// String returns the tool id in its canonical form.
func (r ToolRef) String() string {
	switch r.Selector {
	case MajorVersion:
		return fmt.Sprintf("%s@%d", r.QualifiedName(), r.Version.Major)
	case ExactVersion:
		return r.QualifiedName() + "@" + r.Version.String()
	}
	return r.QualifiedName()
}

// IsIdentifier reports whether s is a valid toolkit or tool name under
// DEF-1: one or more ASCII letters, digits or underscores. It is exported
// so that packages reading names outside a tool id, such as the auth
// package's tool patterns, check them against the same grammar.
func IsIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
