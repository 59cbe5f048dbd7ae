package server

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/otc-dev/otc"
)

// OTC: CALL-1, CALL-3 — a body over the limit is a clear 4xx (413) however
// its length is (or is not) announced; a body within it is read whole.
func TestReadBodyLimit(t *testing.T) {
	const limit = 64
	fits, over := strings.Repeat("a", limit), strings.Repeat("a", limit+1)
	for _, tc := range []struct {
		name          string
		body          string
		contentLength int64
		want413       bool
	}{
		{"announced, fits", fits, limit, false},
		{"announced, over", over, limit + 1, true},
		{"chunked, fits", fits, -1, false},
		{"chunked, over", over, -1, true},
		{"chunked, far over", strings.Repeat("a", 10*limit), -1, true},
		// Only a handler called with a hand-made request sees one: net/http
		// ends the body at Content-Length.
		{"longer than announced", over, 10, true},
		{"empty", "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/tools/call", strings.NewReader(tc.body))
			r.ContentLength = tc.contentLength
			got, err := readBody(httptest.NewRecorder(), r, limit)
			var e *otc.Error
			switch {
			case tc.want413 && (!errors.As(err, &e) || e.HTTPStatus() != http.StatusRequestEntityTooLarge):
				t.Fatalf("readBody = %q, %v; want a 413", got, err)
			case !tc.want413 && (err != nil || string(got) != tc.body):
				t.Fatalf("readBody = %q, %v; want the body", got, err)
			}
		})
	}
}
