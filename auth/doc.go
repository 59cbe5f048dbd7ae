// Package auth is server authentication for an OTC tool server: it decides
// which clients may use GET /tools and POST /tools/call (never /health), and
// which tools each of them may see and call.
//
// An [Authenticator] is built from a [Config] with [New] and put in front of
// the protocol handler with [Authenticator.Middleware]. It supports four
// methods, alone or together (AUTH-16):
//
//   - none: every request is let in as the anonymous caller; the
//     Authorization and API key headers are ignored whatever they hold
//     (AUTH-2). It cannot be combined with another method.
//   - api_key: a static key in the OTC-API-Key header (or its alias
//     OXP-API-Key), or as "Authorization: Bearer <key>" for clients generated
//     from the OXP document (COMPAT-6). Keys are held only as SHA-256 digests
//     and compared in constant time over all of them (AUTHZ-7); each has a
//     name that identifies the client in logs and metrics.
//   - jwt: an HS256 JSON Web Token as "Authorization: Bearer <jwt>", signed
//     with one of the shared secrets (the first current, the others still
//     accepted while clients rotate). golang-jwt checks the signature; the
//     header and claims go through this package's strict decoder, which
//     refuses what common JWT libraries let through (AUTHZ-1..4).
//   - mtls: the subject of a client certificate that the TLS layer verified.
//
// With several methods on, every credential the request carries must be
// valid and at least one must be present (AUTHZ-5). An admitted request
// carries an *otc.Caller in its context (otc.CallerFromContext) whose Allow
// function limits the tools it may use: the tool patterns of its API key or
// JWT audience, narrowed by the JWT's scope claim. A refused request gets a
// 401 with a WWW-Authenticate challenge per method and a JSON body saying
// what kind of failure it was, never the credential (AUTHZ-6).
//
// The package also parses and loads key and secret lists ([ParseAPIKeys],
// [ParseJWTSecrets]), generates credentials on a server's first start
// ([EnsureGeneratedCredentials]) and for operators ([GenerateKey]), and mints
// tokens ([MintToken]).
//
// Requirement IDs (AUTH-7, AUTHZ-3, COMPAT-6, ...) refer to spec/OTC-1.0.md.
package auth
