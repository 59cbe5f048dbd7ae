package main

import (
	"io"
	"net/http"
	"strconv"
)

// cannedResponse is what the ceiling answers every request with: the
// headers and body of a real otc answer to the same Calculator.Add call,
// captured from the otc server at the start of the run.
type cannedResponse struct {
	// Header holds the response headers, without the ones net/http sets
	// per response (Date, Content-Length, Connection).
	Header http.Header `json:"header"`
	// Body is the response body, byte for byte.
	Body []byte `json:"body"`
}

// defaultCanned stands in for a captured answer when the run includes no
// otc target to capture one from: a CallResponse of the same shape and size
// (a UUIDv7 call_id, a duration in milliseconds, the value 3).
var defaultCanned = cannedResponse{
	Header: http.Header{
		"Content-Type":           {"application/json"},
		"X-Content-Type-Options": {"nosniff"},
	},
	Body: []byte(`{"$schema":"otc://1.0","result":{"call_id":"0198c2f1-6b7a-7c3e-9f4d-2a8b1c0d9e7f","duration":0.004,"success":true,"value":3}}` + "\n"),
}

// newCeilingHandler returns the ceiling: a bare handler that reads the
// request body to its end, as any server must, and writes the canned
// answer, doing nothing else. What it costs is what net/http and the kernel
// cost for this exchange on this machine; no tool server can do better
// without leaving net/http.
func newCeilingHandler(c cannedResponse) http.Handler {
	length := []string{strconv.Itoa(len(c.Body))}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		h := w.Header()
		for k, v := range c.Header {
			h[k] = v // net/http only reads header values: sharing is safe
		}
		h["Content-Length"] = length
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(c.Body)
	})
}
