package otc

import (
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Registry is the set of tools a server offers, several versions of one tool
// side by side (DEF-3). It resolves tool ids to tools (VER-1..3). A Registry
// is safe for concurrent use; the zero Registry is not, use [NewRegistry].
type Registry struct {
	mu sync.RWMutex
	// versions holds each tool's versions, oldest first. Keyed by a struct
	// rather than "Toolkit.Name" so that Resolve builds no string.
	versions map[qualifiedName][]*Tool
	byID     map[string]*Tool
	byName   map[string]string // served name → qualified name (DEF-2 clash check)
	sorted   []*Tool           // every tool, in Tools order
	gen      uint64
}

type qualifiedName struct{ toolkit, name string }

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry {
	return &Registry{
		versions: map[qualifiedName][]*Tool{},
		byID:     map[string]*Tool{},
		byName:   map[string]string{},
	}
}

// Register adds tools, all or nothing: if any of them is nil, was not built
// by NewTool or NewRawTool, has an id that is already registered or repeats
// within tools (DEF-1), or has a served name that another tool already uses
// (DEF-2; "A_B.C" and "A.B_C" both serve as "A_B_C"), nothing is added and
// the error is a *DefinitionError.
func (r *Registry) Register(tools ...*Tool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make(map[string]bool, len(tools))
	names := make(map[string]string, len(tools))
	for i, t := range tools {
		if t == nil || t.call == nil {
			return &DefinitionError{Field: "tools[" + strconv.Itoa(i) + "]",
				Reason: "is nil or was not built by NewTool, MustNewTool or NewRawTool"}
		}
		if r.byID[t.id] != nil || ids[t.id] {
			return &DefinitionError{Tool: t.id, Field: "id", Reason: "is already registered; ids must be unique (DEF-1)"}
		}
		ids[t.id] = true
		owner, taken := r.byName[t.name]
		if !taken {
			owner, taken = names[t.name]
		}
		if taken && owner != t.qname {
			return &DefinitionError{Tool: t.id, Field: "name",
				Reason: "the served name " + t.name + " is already used by " + owner + " (DEF-2)"}
		}
		names[t.name] = t.qname
	}
	for _, t := range tools {
		q := qualifiedName{t.spec.Toolkit, t.spec.Name}
		// Copy on write: Resolve reads a version list after unlocking.
		vs := append(slices.Clone(r.versions[q]), t)
		slices.SortFunc(vs, func(a, b *Tool) int { return a.version.Compare(b.version) })
		r.versions[q] = vs
		r.byID[t.id] = t
		r.byName[t.name] = t.qname
		r.sorted = append(r.sorted, t)
	}
	slices.SortFunc(r.sorted, compareTools)
	if len(tools) > 0 {
		r.gen++
	}
	return nil
}

// compareTools orders tools by qualified name, then by version, oldest
// first: the order of ids, with versions compared as numbers (1.10.0 after
// 1.9.0).
func compareTools(a, b *Tool) int {
	if c := strings.Compare(a.qname, b.qname); c != 0 {
		return c
	}
	return a.version.Compare(b.version)
}

// Resolve returns the tool a parsed tool id names: with "@x.y.z" exactly that
// version (VER-1), with "@x" exactly version x.0.0, not the newest x.*
// (VER-2), and without a version the newest one (VER-3). An unknown tool is
// an *Error with CodeUnknownTool; a known tool without the requested version
// is an *Error with CodeVersionNotAvailable. Both are 400 answers (CALL-3).
func (r *Registry) Resolve(ref ToolRef) (*Tool, error) {
	r.mu.RLock()
	vs := r.versions[qualifiedName{ref.Toolkit, ref.Name}]
	r.mu.RUnlock()
	if len(vs) == 0 {
		return nil, &Error{Code: CodeUnknownTool, Message: "Unknown tool " + ref.QualifiedName() + "."}
	}
	if ref.Selector == AnyVersion {
		return vs[len(vs)-1], nil
	}
	want := ref.Version
	if ref.Selector == MajorVersion {
		want = Version{Major: ref.Version.Major}
	}
	for _, t := range vs {
		if t.version == want {
			return t, nil
		}
	}
	available := make([]string, len(vs))
	for i, t := range vs {
		available[i] = t.version.String()
	}
	return nil, &Error{Code: CodeVersionNotAvailable,
		Message:          "Version " + want.String() + " of tool " + ref.QualifiedName() + " is not available.",
		DeveloperMessage: "available versions: " + strings.Join(available, ", ")}
}

// Tools returns every registered tool, ordered by qualified name and then by
// version, oldest first. The slice is the caller's.
func (r *Registry) Tools() []*Tool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(r.sorted)
}

// Generation returns a number that changes whenever the set of tools
// changes, so that a server can cache what it derives from Tools (the
// served catalog) and rebuild it only when needed. It is 0 for an empty
// registry.
func (r *Registry) Generation() uint64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.gen
}
