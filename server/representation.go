package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// representation is a response body built once and served many times:
// the catalog of GET /tools and the OpenAPI document. It holds the body and
// its gzip encoding, each with its own strong ETag (RFC 9110 §8.8.3: two
// encodings are two representations), so a request costs a header check
// and a write, and a matching If-None-Match costs no body at all.
type representation struct {
	contentType string
	body        []byte
	etag        string

	// The gzip encoding is made on the first request that accepts it:
	// compressing costs more than everything else about a catalog, and
	// many clients never ask for it. gzipped stays nil when compression
	// would not make the body smaller.
	gzipOnce sync.Once
	gzipped  []byte
	gzipETag string
}

func newRepresentation(body []byte, contentType string) *representation {
	sum := sha256.Sum256(body)
	return &representation{contentType: contentType, body: body,
		etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
}

// gzip returns the gzip encoding and its ETag, or nil.
func (p *representation) gzip() ([]byte, string) {
	p.gzipOnce.Do(func() {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(p.body) // writes to a bytes.Buffer do not fail
		_ = zw.Close()
		if buf.Len() < len(p.body) {
			p.gzipped = buf.Bytes()
			p.gzipETag = strings.TrimSuffix(p.etag, `"`) + `-gzip"`
		}
	})
	return p.gzipped, p.gzipETag
}

// serve writes p, gzip-encoded when the client accepts it, or 304 Not
// Modified when If-None-Match already names the representation chosen.
func (p *representation) serve(w http.ResponseWriter, r *http.Request, cacheControl string) {
	body, etag := p.body, p.etag
	h := w.Header()
	h.Set("Vary", "Accept-Encoding")
	encoded := false
	if acceptsGzip(r.Header.Values("Accept-Encoding")) {
		if gz, tag := p.gzip(); gz != nil {
			body, etag, encoded = gz, tag, true
		}
	}
	h.Set("ETag", etag)
	h.Set("Cache-Control", cacheControl)
	if etagListed(r.Header.Values("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if encoded {
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Type", p.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// acceptsGzip reports whether Accept-Encoding values admit gzip: listed
// (or "*" when gzip itself is not listed) with a q-value above zero.
func acceptsGzip(values []string) bool {
	gzip, star := -1, -1 // -1: not listed, 0: refused, 1: accepted
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(item, ";")
			coding = strings.TrimSpace(coding)
			ok := 1
			if qZero(params) {
				ok = 0
			}
			switch {
			case strings.EqualFold(coding, "gzip"), strings.EqualFold(coding, "x-gzip"):
				gzip = ok
			case coding == "*":
				star = ok
			}
		}
	}
	if gzip >= 0 {
		return gzip == 1
	}
	return star == 1
}

// qZero reports whether a coding's parameters say q=0 (q=0, q=0.0, ...).
func qZero(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return err == nil && q == 0
	}
	return false
}

// etagListed reports whether If-None-Match values match etag, with the
// weak comparison RFC 9110 §13.1.2 prescribes for If-None-Match ("*"
// matches any current representation).
func etagListed(values []string, etag string) bool {
	for _, v := range values {
		for i := 0; i < len(v); {
			switch c := v[i]; {
			case c == ' ' || c == '\t' || c == ',':
				i++
				continue
			case c == '*':
				return true
			}
			if strings.HasPrefix(v[i:], "W/") {
				i += 2
			}
			if i >= len(v) || v[i] != '"' {
				break // malformed: ignore the rest of this value
			}
			end := strings.IndexByte(v[i+1:], '"')
			if end < 0 {
				break
			}
			if v[i:i+end+2] == etag {
				return true
			}
			i += end + 2
		}
	}
	return false
}
