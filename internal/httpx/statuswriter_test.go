package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc/internal/httpx"
	"github.com/otc-dev/otc/internal/reqinfo"
)

func TestStatusWriter(t *testing.T) {
	tests := []struct {
		name        string
		handler     func(w http.ResponseWriter)
		wantStatus  int
		wantWritten int64
		wantCode    int // what the client got
	}{
		{"nothing written", func(w http.ResponseWriter) {}, 0, 0, http.StatusOK},
		{"write implies 200", func(w http.ResponseWriter) { w.Write([]byte("hello")) }, http.StatusOK, 5, http.StatusOK},
		{"explicit status", func(w http.ResponseWriter) { w.WriteHeader(http.StatusTeapot); w.Write([]byte("x")) }, http.StatusTeapot, 1, http.StatusTeapot},
		{"first status wins", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusTooManyRequests)
			w.WriteHeader(http.StatusOK)
		}, http.StatusTooManyRequests, 0, http.StatusTooManyRequests},
		{"informational skipped", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusAccepted)
		}, http.StatusAccepted, 0, http.StatusEarlyHints}, // the recorder keeps the first code it saw
		{"flush implies 200", func(w http.ResponseWriter) { w.(http.Flusher).Flush() }, http.StatusOK, 0, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			sw := httpx.NewStatusWriter(rec)
			tt.handler(sw)
			got := []any{sw.Status(), sw.Written(), rec.Code}
			want := []any{tt.wantStatus, tt.wantWritten, tt.wantCode}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("status, written, client code (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatusWriterReuse(t *testing.T) {
	sw := httpx.NewStatusWriter(httptest.NewRecorder())
	if again := httpx.NewStatusWriter(sw); again != sw {
		t.Error("wrapping a *StatusWriter again made a second wrapper")
	}
}

// A handler behind the wrapper reaches the real writer's features through
// http.ResponseController, which follows Unwrap.
func TestStatusWriterResponseController(t *testing.T) {
	rec := httptest.NewRecorder()
	sw := httpx.NewStatusWriter(rec)
	if err := http.NewResponseController(sw).Flush(); err != nil {
		t.Fatalf("Flush through ResponseController: %v", err)
	}
	if !rec.Flushed {
		t.Error("the recorder underneath was not flushed")
	}
	if sw.Unwrap() != rec {
		t.Error("Unwrap does not return the wrapped writer")
	}
}

func TestEnsureInfo(t *testing.T) {
	t.Run("absent", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r2, info := httpx.EnsureInfo(r)
		if r2 == r {
			t.Fatal("no new request although the context carried no Info")
		}
		info.ClientIP = "192.0.2.1"
		if got := reqinfo.From(r2.Context()).ClientIP; got != "192.0.2.1" {
			t.Errorf("Info written through EnsureInfo not visible in the new context: ClientIP %q", got)
		}
	})
	t.Run("present", func(t *testing.T) {
		ctx, info := reqinfo.New(t.Context())
		r := httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx)
		r2, got := httpx.EnsureInfo(r)
		if r2 != r || got != info {
			t.Error("EnsureInfo replaced an Info the context already carried")
		}
	})
}
