// Package toolkits looks up the toolkits built into the otc binary by name,
// for otc serve --toolkits.
package toolkits

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/toolkits/examples"
)

// builtin maps each toolkit name to its constructor.
var builtin = map[string]func(examples.Options) []*otc.Tool{
	"examples": examples.Tools,
}

// Names returns the names of the built-in toolkits, sorted.
func Names() []string {
	return slices.Sorted(maps.Keys(builtin))
}

// Builtin returns the tools of the built-in toolkit called name, built with
// opts. An unknown name is an *UnknownToolkitError.
func Builtin(name string, opts examples.Options) ([]*otc.Tool, error) {
	build, ok := builtin[name]
	if !ok {
		return nil, &UnknownToolkitError{Name: name, Known: Names()}
	}
	return build(opts), nil
}

// UnknownToolkitError reports a toolkit name that is not built in.
type UnknownToolkitError struct {
	// Name is the name asked for.
	Name string
	// Known lists the built-in toolkits, sorted.
	Known []string
}

// Error names the unknown toolkit and lists the known ones.
func (e *UnknownToolkitError) Error() string {
	return "unknown toolkit " + strconv.Quote(e.Name) + " (built-in toolkits: " + strings.Join(e.Known, ", ") + ")"
}
