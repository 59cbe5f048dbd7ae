package server

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/internal/httperr"
	"github.com/otc-dev/otc/internal/reqinfo"
	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/memory"
)

// Unknown paths and methods get JSON answers, not the mux's plain text.
func TestUnmatchedRoutes(t *testing.T) {
	s := newServer(t, Options{})
	tests := []struct {
		method, path string
		wantStatus   int
		wantAllow    string
	}{
		{"GET", "/nope", 404, ""},
		{"GET", "/", 404, ""},
		{"GET", "/tools/", 404, ""},
		{"GET", "/tools/call/x", 404, ""},
		{"POST", "/tools", 405, "GET, HEAD"},
		{"GET", "/tools/call", 405, "POST"},
		{"PUT", "/tools/call", 405, "POST"},
		{"DELETE", "/health", 405, "GET, HEAD"},
		{"POST", "/openapi.json", 405, "GET, HEAD"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := serve(s.Handler(), request{method: tc.method, path: tc.path})
			if rec.Code != tc.wantStatus {
				t.Fatalf("status = %d, want %d", rec.Code, tc.wantStatus)
			}
			if got := rec.Header().Get("Allow"); got != tc.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tc.wantAllow)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if decode(t, rec).Message == "" {
				t.Errorf("no message in %s", rec.Body)
			}
			checkDocs(t, tc.method, tc.path, rec)
		})
	}
}

// failingStore is a store.Store whose methods fail on demand, around a
// memory store.
type failingStore struct {
	store.Store
	ping, claim, complete, get error
	// existing, when set, is what every Claim finds already there.
	existing *store.Record
}

func (f *failingStore) Ping(ctx context.Context) error {
	if f.ping != nil {
		return f.ping
	}
	return f.Store.Ping(ctx)
}

func (f *failingStore) Claim(ctx context.Context, r store.Record) (store.Record, bool, error) {
	if f.claim != nil {
		return store.Record{}, false, f.claim
	}
	if f.existing != nil {
		return *f.existing, false, nil
	}
	return f.Store.Claim(ctx, r)
}

func (f *failingStore) Complete(ctx context.Context, id string, resp []byte) error {
	if f.complete != nil {
		return f.complete
	}
	return f.Store.Complete(ctx, id, resp)
}

func (f *failingStore) Get(ctx context.Context, id string) (store.Record, error) {
	if f.get != nil {
		return store.Record{}, f.get
	}
	return f.Store.Get(ctx, id)
}

// OTC: HEALTH-1, HEALTH-2
func TestHealth(t *testing.T) {
	deny := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			httperr.Write(w, "", otc.NewError(otc.CodeUnauthenticated, "no"))
		})
	}
	t.Run("ready, never behind authentication", func(t *testing.T) {
		s := newServer(t, Options{Protect: deny})
		rec := serve(s.Handler(), request{method: "GET", path: "/health"})
		if rec.Code != 200 || rec.Body.String() != `{"status":"ok"}`+"\n" {
			t.Errorf("GET /health = %d %s", rec.Code, rec.Body)
		}
		checkDocs(t, "GET", "/health", rec)
		if rec := serve(s.Handler(), request{method: "HEAD", path: "/health"}); rec.Code != 200 || rec.Body.Len() != 0 {
			t.Errorf("HEAD /health = %d with %d body bytes", rec.Code, rec.Body.Len())
		}
	})
	t.Run("store down", func(t *testing.T) {
		st := &failingStore{Store: memory.New(memory.Options{}), ping: errors.New("redis: connection refused")}
		s := newServer(t, Options{Store: st})
		ctx, info := reqinfo.New(context.Background())
		rec := serve(s.Handler(), request{method: "GET", path: "/health", ctx: ctx})
		if rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
			t.Errorf("GET /health with the store down = %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
		}
		if info.Outcome != "store_unavailable" || info.Route != routeHealth {
			t.Errorf("reqinfo = %+v", info)
		}
		checkDocs(t, "GET", "/health", rec)
	})
	t.Run("draining", func(t *testing.T) {
		s := newServer(t, Options{DrainGrace: time.Hour})
		s.StartDrain()
		rec := serve(s.Handler(), request{method: "GET", path: "/health"})
		if rec.Code != 503 {
			t.Errorf("GET /health while draining = %d", rec.Code)
		}
		checkDocs(t, "GET", "/health", rec)
	})
}

// Protect wraps GET /tools and POST /tools/call, and nothing else.
func TestProtectScope(t *testing.T) {
	deny := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			httperr.Write(w, "", otc.NewError(otc.CodeUnauthenticated, "Authentication required."))
		})
	}
	s := newServer(t, Options{Protect: deny})
	tests := []struct {
		method, path string
		want         int
	}{
		{"GET", "/health", 200},
		{"GET", "/openapi.json", 200},
		{"GET", "/tools", 401},
		{"POST", "/tools/call", 401},
		{"GET", "/elsewhere", 404},
	}
	for _, tc := range tests {
		ctx, info := reqinfo.New(context.Background())
		rec := serve(s.Handler(), request{method: tc.method, path: tc.path, ctx: ctx, body: map[bool]string{true: `{}`}[tc.method == "POST"]})
		if rec.Code != tc.want {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.path, rec.Code, tc.want)
		}
		// A refused request is still reported under its route.
		if want := tc.method + " " + tc.path; tc.want != 404 && info.Route != want {
			t.Errorf("%s %s: reqinfo Route %q, want %q", tc.method, tc.path, info.Route, want)
		}
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	reg := otc.NewRegistry()
	tests := []struct {
		name string
		opts Options
	}{
		{"no registry", Options{}},
		{"negative body", Options{Registry: reg, MaxBodyBytes: -1}},
		{"negative depth", Options{Registry: reg, MaxJSONDepth: -1}},
		{"huge depth", Options{Registry: reg, MaxJSONDepth: 1 << 20}},
		{"negative timeout", Options{Registry: reg, CallTimeout: -time.Second}},
		{"negative concurrency", Options{Registry: reg, MaxConcurrentCalls: -1}},
		{"unknown auth method", Options{Registry: reg, AuthMethods: []string{"basic"}}},
		{"auth method twice", Options{Registry: reg, AuthMethods: []string{"jwt", "jwt"}}},
	}
	for _, tc := range tests {
		if _, err := New(tc.opts); err == nil {
			t.Errorf("%s: New succeeded", tc.name)
		}
	}
	if _, err := New(Options{Registry: reg, AuthMethods: []string{"none", "api_key", "jwt", "mtls"}}); err != nil {
		t.Errorf("valid options: %v", err)
	}
}
