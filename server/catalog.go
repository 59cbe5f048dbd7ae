package server

import (
	"container/list"
	"encoding/json"
	"sync"
	"sync/atomic"

	"github.com/otc-dev/otc"
)

// filteredCatalogs bounds how many catalogs of callers with restricted
// tool access are kept: a few clients with allow lists are the norm, and a
// cache keyed by client name must not grow with the number of clients.
const filteredCatalogs = 64

// The $schema forms a catalog can be served in (COMPAT-3), each its own
// body: the envelope echoes the request's form.
var schemaForms = [...]string{otc.SchemaOTC, otc.SchemaOXP, otc.SchemaOTCURL, otc.SchemaOXPURL}

func formIndex(form string) int {
	for i, f := range schemaForms {
		if f == form {
			return i
		}
	}
	return 0
}

// catalog serves GET /tools (LIST-1..3, COMPAT-1). It serialises the tool
// definitions once per registry generation and builds each body once per
// $schema form (and per restricted caller), so that a request costs a
// lookup and a write however many tools there are.
type catalog struct {
	reg          *otc.Registry
	cacheControl string

	full atomic.Pointer[generation]

	mu       sync.Mutex // serialises builds and guards filtered
	filtered *lru
}

// generation is what one registry generation serialises to.
type generation struct {
	gen   uint64
	tools []*otc.Tool
	defs  [][]byte // the JSON of each tool's definition, in tools' order
	all   []byte   // the JSON array of all definitions
	reps  [len(schemaForms)]atomic.Pointer[representation]
}

func newCatalog(reg *otc.Registry, private bool) *catalog {
	c := &catalog{reg: reg, cacheControl: "no-cache", filtered: newLRU(filteredCatalogs)}
	if private {
		// Bodies differ per caller: shared caches must not keep them.
		c.cacheControl = "private, no-cache"
	}
	return c
}

// get returns the catalog caller may see, in $schema form.
func (c *catalog) get(form string, caller *otc.Caller) (*representation, error) {
	g, err := c.current()
	if err != nil {
		return nil, err
	}
	if caller == nil || caller.Allow == nil {
		i := formIndex(form)
		if p := g.reps[i].Load(); p != nil {
			return p, nil
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if p := g.reps[i].Load(); p != nil {
			return p, nil
		}
		p := newRepresentation(listBody(form, g.all), "application/json")
		g.reps[i].Store(p)
		return p, nil
	}

	key := filterKey{gen: g.gen, form: form, method: caller.Method, name: caller.Name}
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.filtered.get(key); ok {
		return p, nil
	}
	arr := []byte{'['}
	for i, t := range g.tools {
		if !caller.MayUse(t.QualifiedName()) {
			continue
		}
		if len(arr) > 1 {
			arr = append(arr, ',')
		}
		arr = append(arr, g.defs[i]...)
	}
	arr = append(arr, ']')
	p := newRepresentation(listBody(form, arr), "application/json")
	c.filtered.put(key, p)
	return p, nil
}

// current returns the serialised catalog of the registry's generation,
// building it if the registry changed.
func (c *catalog) current() (*generation, error) {
	gen := c.reg.Generation()
	if g := c.full.Load(); g != nil && g.gen == gen {
		return g, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if g := c.full.Load(); g != nil && g.gen == gen {
		return g, nil
	}
	// The generation is read before the tools: if the registry changes in
	// between, the newer tools are cached under the older generation and
	// rebuilt on the next request, never the other way round.
	tools := c.reg.Tools()
	g := &generation{gen: gen, tools: tools, defs: make([][]byte, len(tools))}
	all := []byte{'['}
	for i, t := range tools {
		b, err := json.Marshal(t.Definition())
		if err != nil {
			return nil, err
		}
		g.defs[i] = b
		if i > 0 {
			all = append(all, ',')
		}
		all = append(all, b...)
	}
	g.all = append(all, ']')
	c.full.Store(g)
	return g, nil
}

// listBody is {"$schema": form, "tools": arr, "items": arr}: the array
// twice, under the OTC key and the OXP key (COMPAT-1). An empty registry
// gives [] under both, never null (LIST-2).
func listBody(form string, arr []byte) []byte {
	b := make([]byte, 0, 2*len(arr)+len(form)+40)
	b = append(b, `{"$schema":`...)
	b = appendString(b, form)
	b = append(b, `,"tools":`...)
	b = append(b, arr...)
	b = append(b, `,"items":`...)
	b = append(b, arr...)
	return append(b, '}', '\n')
}

// filterKey identifies the catalog of a caller with restricted access.
// Tool access is a property of the client's identity, so a caller's
// method and name stand for its allow list.
type filterKey struct {
	gen          uint64
	form         string
	method, name string
}

// lru is a small least-recently-used cache of filtered catalogs. It is not
// safe for concurrent use: catalog.mu guards it.
type lru struct {
	max   int
	order *list.List // of *lruEntry, most recent first
	index map[filterKey]*list.Element
}

type lruEntry struct {
	key filterKey
	rep *representation
}

func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), index: make(map[filterKey]*list.Element)}
}

func (l *lru) get(k filterKey) (*representation, bool) {
	e, ok := l.index[k]
	if !ok {
		return nil, false
	}
	l.order.MoveToFront(e)
	return e.Value.(*lruEntry).rep, true
}

func (l *lru) put(k filterKey, rep *representation) {
	if e, ok := l.index[k]; ok {
		e.Value.(*lruEntry).rep = rep
		l.order.MoveToFront(e)
		return
	}
	l.index[k] = l.order.PushFront(&lruEntry{key: k, rep: rep})
	if l.order.Len() > l.max {
		last := l.order.Back()
		l.order.Remove(last)
		delete(l.index, last.Value.(*lruEntry).key)
	}
}
