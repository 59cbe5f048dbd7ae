package otc

import (
	"fmt"
	"strings"
)

// maxNameLength is the longest served name that DEF-2 allows.
const maxNameLength = 64

// checkedSpec is a ToolSpec that passed checkSpec, with the values derived
// from it.
type checkedSpec struct {
	spec    ToolSpec
	version Version
	id      string
	qname   string
	name    string
}

// checkSpec checks the parts of a definition that do not depend on schemas
// (DEF-1, DEF-2, DEF-3, DEF-6) and returns them with the spec's requirements
// copied, so that the caller's later changes cannot reach the tool.
func checkSpec(s ToolSpec) (checkedSpec, error) {
	label := specLabel(s)
	fail := func(field, reason string) (checkedSpec, error) {
		return checkedSpec{}, &DefinitionError{Tool: label, Field: field, Reason: reason}
	}
	if !IsIdentifier(s.Toolkit) {
		return fail("toolkit", "must be one or more ASCII letters, digits or underscores (DEF-1)")
	}
	if !IsIdentifier(s.Name) {
		return fail("name", "must be one or more ASCII letters, digits or underscores (DEF-1)")
	}
	name := s.Toolkit + "_" + s.Name
	if len(name) > maxNameLength {
		return fail("name", fmt.Sprintf("the served name Toolkit_Name is %d characters; at most %d are allowed (DEF-2)", len(name), maxNameLength))
	}
	v, err := ParseVersion(s.Version)
	if err != nil {
		return fail("version", "must be a semantic version x.y.z of decimal integers (DEF-3)")
	}
	if v.String() != s.Version {
		// Leading zeros would make the served version differ from the id's.
		return fail("version", "must be written without leading zeros, as "+v.String()+" (DEF-3)")
	}
	if strings.TrimSpace(s.Description) == "" {
		return fail("description", "is required: say when and how the tool should be used (DEF-3)")
	}
	if s.Timeout < 0 {
		return fail("timeout", "must not be negative (zero means the server's default)")
	}
	if s.MaxConcurrent < 0 {
		return fail("max_concurrent", "must not be negative (zero means no limit)")
	}
	s.Requirements = cloneRequirements(s.Requirements)
	if field, reason := checkRequirements(s.Requirements); field != "" {
		return fail(field, reason)
	}
	if s.Requirements.IsEmpty() {
		s.Requirements = nil // serve no "requirements" rather than an empty object (REQ-1)
	}
	qname := s.Toolkit + "." + s.Name
	return checkedSpec{spec: s, version: v, id: qname + "@" + v.String(), qname: qname, name: name}, nil
}

// checkRequirements checks DEF-6: every id is present and unique within its
// list, and scopes are not empty strings. It normalises a nil scope list to
// an empty one, because the wire form requires "scopes" to be an array. It
// returns the offending field and the reason, or "" when r is valid.
func checkRequirements(r *Requirements) (field, reason string) {
	if r == nil {
		return "", ""
	}
	seen := make(map[string]bool)
	for i, a := range r.Authorization {
		f := fmt.Sprintf("requirements.authorization[%d]", i)
		if strings.TrimSpace(a.ID) == "" {
			return f + ".id", "is required (DEF-6)"
		}
		if seen[a.ID] {
			return f + ".id", "repeats an earlier authorization id (DEF-6)"
		}
		seen[a.ID] = true
		if a.OAuth2 == nil {
			continue
		}
		if a.OAuth2.Scopes == nil {
			r.Authorization[i].OAuth2.Scopes = []string{}
		}
		for j, scope := range a.OAuth2.Scopes {
			if strings.TrimSpace(scope) == "" {
				return fmt.Sprintf("%s.oauth2.scopes[%d]", f, j), "must not be empty (DEF-6)"
			}
		}
	}
	clear(seen)
	for i, sec := range r.Secrets {
		f := fmt.Sprintf("requirements.secrets[%d].id", i)
		if strings.TrimSpace(sec.ID) == "" {
			return f, "is required (DEF-6)"
		}
		if seen[sec.ID] {
			return f, "repeats an earlier secret id (DEF-6)"
		}
		seen[sec.ID] = true
	}
	return "", ""
}
