// Package server is the HTTP side of an OTC 1.0 tool server: the routes
// GET /health, GET /tools, POST /tools/call and GET /openapi.json over an
// otc.Registry of tools.
//
// It decodes call requests strictly (one JSON value, valid UTF-8, no
// duplicate or case-variant keys, bounded size and depth, no unknown
// members), negotiates the protocol version, resolves tool versions, checks
// a tool's requirements and hands it only the secrets and tokens it
// declared, validates input, runs the tool under a deadline with panics
// recovered, and makes calls with a client call_id idempotent through a
// store.Store. The catalog is serialised once per registry generation and
// served with ETags and gzip. StartDrain and Shutdown take the server out
// of service without dropping calls in flight.
//
// Authentication is not this package's: Options.Protect wraps the two
// protocol routes with it, and the caller it admits (otc.CallerFromContext)
// decides which tools are listed and callable.
//
// Requirement IDs such as CALL-6 refer to the project's OTC-1.0.md.
package server
