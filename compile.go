package otc

import (
	"errors"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaURL is the location every tool schema is compiled under. Schemas are
// compiled one per compiler, so they never see each other. The host is in
// the reserved .invalid domain, so a relative reference resolves to a URL
// that names nothing, and the loader refuses it anyway.
const schemaURL = "https://schema.otc.invalid/tool.json"

// compileSchema compiles a decoded schema document for validation. The
// compiler is set up explicitly rather than left to the library's defaults,
// which are documented to change: draft 2020-12 for schemas that name none,
// format assertions on (so "format": "date-time" is checked, as a client
// reading the schema would expect), and a loader that loads nothing, so that
// a schema can never make the server read a file or the network.
func compileSchema(doc any) (sch *jsonschema.Schema, err error) {
	defer func() {
		// A schema that makes the library panic is an invalid schema, and
		// a definition error must be an error, not a crash at start.
		if p := recover(); p != nil {
			sch, err = nil, fmt.Errorf("the schema compiler panicked: %v", p)
		}
	}()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseLoader(refuseLoader{})
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(schemaURL)
}

// refuseLoader is a jsonschema.URLLoader that refuses every URL. The
// 2020-12 meta-schemas the compiler needs are embedded in the library and
// never reach a loader.
type refuseLoader struct{}

var _ jsonschema.URLLoader = refuseLoader{}

var errNoLoad = errors.New("schemas must be self-contained: loading files or URLs is not allowed")

// Load returns an error for every url.
func (refuseLoader) Load(string) (any, error) { return nil, errNoLoad }
