package server

import (
	"net/http"

	"github.com/otc-dev/otc"
)

// handleList serves GET /tools (LIST-1..3). A client may send a JSON body
// with $schema (LIST-3); without one the latest version is assumed
// (SCHEMA-2). The caller sees only the tools it may use.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request, x *exchange) error {
	x.schema = otc.SchemaOTC // until the request names its own
	var requested string
	if r.ContentLength != 0 && r.Body != nil && r.Body != http.NoBody {
		body, err := readBody(w, r, s.opts.MaxBodyBytes)
		if err != nil {
			return err
		}
		if skipSpace(body, 0) < len(body) {
			if err := checkContentType(r); err != nil {
				return err
			}
			if requested, err = decodeListRequest(body, s.opts.MaxJSONDepth); err != nil {
				return err
			}
		}
	}
	schema, err := otc.NegotiateSchema(requested)
	if err != nil {
		return err
	}
	x.schema = schema
	caller, _ := otc.CallerFromContext(r.Context())
	rep, err := s.catalog.get(x.schema, caller)
	if err != nil {
		return err
	}
	rep.serve(w, r, s.catalog.cacheControl)
	return nil
}
