package auth

import (
	"fmt"
	"strings"

	"github.com/otc-dev/otc"
)

// A tool pattern names the tools a client may use: "*" for all of them,
// "Toolkit.*" for every tool of a toolkit, or "Toolkit.Tool" for one tool
// (any version). Patterns match qualified tool names case-sensitively, as
// tool ids are (DEF-1).

// toolSet is a compiled list of tool patterns. The nil *toolSet allows every
// tool, so that the common case costs nothing per request.
type toolSet struct {
	toolkits map[string]bool // "Toolkit" for "Toolkit.*"
	tools    map[string]bool // "Toolkit.Tool"
}

// compileTools checks and compiles patterns. No patterns means "*".
func compileTools(patterns []string) (*toolSet, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	s := &toolSet{toolkits: map[string]bool{}, tools: map[string]bool{}}
	for _, p := range patterns {
		if p == "*" {
			return nil, checkPatterns(patterns)
		}
		toolkit, tool, ok := strings.Cut(p, ".")
		if !ok || !otc.IsIdentifier(toolkit) || !(tool == "*" || otc.IsIdentifier(tool)) {
			return nil, fmt.Errorf("tool pattern %q: want *, Toolkit.* or Toolkit.Tool", truncate(p, 64))
		}
		if tool == "*" {
			s.toolkits[toolkit] = true
		} else {
			s.tools[p] = true
		}
	}
	return s, nil
}

// checkPatterns validates patterns without keeping them.
func checkPatterns(patterns []string) error {
	for _, p := range patterns {
		if p == "*" {
			continue
		}
		if _, err := compileTools([]string{p}); err != nil {
			return err
		}
	}
	return nil
}

// allows reports whether qualifiedName ("Toolkit.Tool") matches the set.
func (s *toolSet) allows(qualifiedName string) bool {
	if s == nil {
		return true
	}
	if s.tools[qualifiedName] {
		return true
	}
	toolkit, _, _ := strings.Cut(qualifiedName, ".")
	return s.toolkits[toolkit]
}

// allowFunc returns an otc.Caller.Allow function admitting the tools that
// every one of sets allows: narrowing only, never widening. It returns nil
// (all tools) when every set is nil.
func allowFunc(sets ...*toolSet) func(string) bool {
	var live []*toolSet
	for _, s := range sets {
		if s != nil {
			live = append(live, s)
		}
	}
	if len(live) == 0 {
		return nil
	}
	return func(qualifiedName string) bool {
		for _, s := range live {
			if !s.allows(qualifiedName) {
				return false
			}
		}
		return true
	}
}
