// Package netguard decides who a request comes from and whether that
// address may use the server at all (AUTH-18): it resolves the client
// address behind trusted reverse proxies, enforces an IP allowlist before
// any credential is read, and caps concurrent connections.
//
// The source address is the TCP peer unless that peer is a trusted proxy;
// only then is the proxy's forwarding header read, from the right, skipping
// addresses of trusted proxies. Headers from anyone else are ignored, so a
// client cannot claim another address by sending X-Forwarded-For itself.
//
// In the server's middleware chain, RequestInfo and SourceAddress come
// first, so that every later layer (metrics, audit, Allowlist, the rate
// limiters) reads the resolved address from reqinfo.Info.ClientIP.
package netguard
