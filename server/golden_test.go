package server

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/otc-dev/otc/store/memory"
)

var update = flag.Bool("update", false, "rewrite the responses of the golden transcripts in testdata/transcripts")

// A transcript (testdata/transcripts/*.txtar) is a conversation with a
// fresh server: a comment, then "-- request --" and "-- response --"
// sections in turn. A request is "METHOD PATH", header lines, a blank line
// and the body; a response is the status line, the headers that matter to
// the protocol, a blank line and the body. Generated call ids are masked.
//
// OTC: CALL-2, CALL-3, CALL-4, CALL-6, VER-1, VER-2, VER-3, REQ-2, REQ-3, REQ-4, HEALTH-1
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "transcripts", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts (%v)", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ar := parseArchive(data)
			s := newServer(t, Options{Registry: newRegistry(t), Now: fixedNow, InstanceID: "golden",
				Store: memory.New(memory.Options{Now: fixedNow})})
			changed := false
			for i := 0; i < len(ar.sections); i++ {
				sec := &ar.sections[i]
				if sec.name != "request" {
					t.Fatalf("section %d is %q, want request", i, sec.name)
				}
				r, err := parseRequest(sec.data)
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				rec := httptest.NewRecorder()
				s.Handler().ServeHTTP(rec, r)
				got := renderResponse(rec)
				if i+1 >= len(ar.sections) || ar.sections[i+1].name != "response" {
					ar.sections = slices.Insert(ar.sections, i+1, section{name: "response"})
				}
				i++
				if string(ar.sections[i].data) != got {
					if *update {
						ar.sections[i].data = []byte(got)
						changed = true
						continue
					}
					t.Errorf("%s %s (request %d):\n got:\n%s\nwant:\n%s", r.Method, r.URL.Path, i/2, got, ar.sections[i].data)
				}
			}
			if changed {
				if err := os.WriteFile(file, ar.format(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// archive is a txtar file: a comment and named sections.
type archive struct {
	comment  []byte
	sections []section
}

type section struct {
	name string
	data []byte
}

var marker = regexp.MustCompile(`^-- (\S+) --$`)

func parseArchive(data []byte) archive {
	var ar archive
	cur := &ar.comment
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if m := marker.FindStringSubmatch(strings.TrimSuffix(line, "\n")); m != nil {
			ar.sections = append(ar.sections, section{name: m[1]})
			cur = &ar.sections[len(ar.sections)-1].data
			continue
		}
		*cur = append(*cur, line...)
	}
	return ar
}

func (ar archive) format() []byte {
	var b bytes.Buffer
	b.Write(ar.comment)
	for _, s := range ar.sections {
		fmt.Fprintf(&b, "-- %s --\n", s.name)
		b.Write(s.data)
	}
	return b.Bytes()
}

func parseRequest(data []byte) (*http.Request, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	if !sc.Scan() {
		return nil, fmt.Errorf("empty request")
	}
	method, path, ok := strings.Cut(sc.Text(), " ")
	if !ok {
		return nil, fmt.Errorf("request line %q: want METHOD PATH", sc.Text())
	}
	header := http.Header{}
	for sc.Scan() && sc.Text() != "" {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			return nil, fmt.Errorf("header line %q", sc.Text())
		}
		header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	var body strings.Builder
	for sc.Scan() {
		if body.Len() > 0 {
			body.WriteByte('\n')
		}
		body.WriteString(sc.Text())
	}
	r := httptest.NewRequest(method, path, strings.NewReader(body.String()))
	r.Header = header
	return r, nil
}

// goldenHeaders are the headers a transcript shows.
var goldenHeaders = []string{"Allow", "Cache-Control", "Content-Encoding", "Content-Type", "Etag", "Retry-After", "Vary"}

var generatedID = regexp.MustCompile(`"call_id":"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}"`)

func renderResponse(rec *httptest.ResponseRecorder) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s\n", rec.Code, http.StatusText(rec.Code))
	for _, h := range goldenHeaders {
		if v := rec.Header().Get(h); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", h, v)
		}
	}
	b.WriteString("\n")
	body := generatedID.ReplaceAllString(rec.Body.String(), `"call_id":"<generated>"`)
	b.WriteString(body)
	if body != "" && !strings.HasSuffix(body, "\n") {
		b.WriteString("\n")
	}
	return b.String()
}
