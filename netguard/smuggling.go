package netguard

import "net/http"

// CloseAfterTransferEncoding closes the connection after answering any
// request that came with a Transfer-Encoding. net/http drops a
// Content-Length sent beside "Transfer-Encoding: chunked" and keeps the
// connection open, so bytes that a front proxy counted as this request's
// body would be served here as a second, smuggled request. RFC 9112 §6.1
// says a server receiving both MUST close the connection after responding;
// net/http no longer shows whether Content-Length was there, so every
// request with a transfer coding gets its own connection. Clients of an OTC
// server send Content-Length; chunked uploads only lose keep-alive.
func CloseAfterTransferEncoding(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TransferEncoding) > 0 {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
}
