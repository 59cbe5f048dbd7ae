package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/internal/reqinfo"
	"github.com/otc-dev/otc/netguard"
	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/memory"
)

// Server is an OTC 1.0 tool server: the HTTP handler of its protocol
// routes, and the state they share (catalog cache, concurrency limits,
// in-flight calls). It is safe for concurrent use.
type Server struct {
	opts     Options
	reg      *otc.Registry
	store    store.Store
	ownStore bool // the default store, closed by Shutdown
	log      *slog.Logger
	now      func() time.Time
	instance string
	boot     string // random per Server: tells our records from a previous process's

	// volatileClaims is store when it can claim without a durable write,
	// for idempotent tools; nil otherwise.
	volatileClaims volatileClaimer

	handler http.Handler
	catalog *catalog
	openapi *representation
	limits  limits
	drain   drain
	workers workers
	// toolJobs recycles the jobs of run (*toolJob).
	toolJobs sync.Pool

	// running holds the call_ids of the calls this Server is running.
	running localCalls
}

// New returns a Server for opts. It fails on an invalid option.
func New(opts Options) (*Server, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:     opts,
		reg:      opts.Registry,
		store:    opts.Store,
		log:      opts.Logger,
		now:      opts.Now,
		instance: opts.InstanceID,
		boot:     randomID(),
	}
	if s.store == nil {
		s.store = memory.New(memory.Options{Now: opts.Now})
		s.ownStore = true
	}
	s.volatileClaims, _ = s.store.(volatileClaimer)
	if s.instance == "" {
		s.instance = "otc-" + randomID()
	}
	s.limits.global = int64(opts.MaxConcurrentCalls)
	s.drain.init(opts.DrainGrace)
	s.workers.init(&s.drain)
	s.catalog = newCatalog(s.reg, opts.Protect != nil)
	if s.openapi, err = buildOpenAPI(opts.AuthMethods, opts.SecuritySchemes); err != nil {
		return nil, err
	}
	// Every embedding of the server gets this, not only otc serve's chain.
	s.handler = netguard.CloseAfterTransferEncoding(s.routes())
	return s, nil
}

// Handler returns the HTTP handler of the protocol routes: GET /health,
// GET /tools, POST /tools/call and GET /openapi.json. Other paths are
// answered 404, other methods 405, both with JSON bodies.
func (s *Server) Handler() http.Handler { return s.handler }

// randomID returns 16 random hex digits.
func randomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// The route patterns, also the Route of reqinfo.Info.
const (
	routeHealth  = "GET /health"
	routeList    = "GET /tools"
	routeCall    = "POST /tools/call"
	routeOpenAPI = "GET /openapi.json"
)

// allowed lists the methods of each known path, for 405 answers. GET
// patterns also serve HEAD.
var allowed = map[string]string{
	"/health":       "GET, HEAD",
	"/tools":        "GET, HEAD",
	"/tools/call":   "POST",
	"/openapi.json": "GET, HEAD",
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	protect := func(h http.Handler) http.Handler {
		if s.opts.Protect == nil {
			return h
		}
		return s.opts.Protect(h)
	}
	mux.Handle(routeHealth, s.adapt(routeHealth, s.handleHealth))
	mux.Handle(routeList, withRoute(routeList, protect(s.adapt(routeList, s.handleList))))
	mux.Handle(routeCall, withRoute(routeCall, protect(s.adapt(routeCall, s.handleCall))))
	mux.Handle(routeOpenAPI, s.adapt(routeOpenAPI, s.handleOpenAPI))
	// The catch-all renders our JSON 404 and 405: the mux's own answers
	// are plain text.
	mux.Handle("/", s.adapt("", s.handleUnmatched))
	return mux
}

// withRoute records the route in reqinfo before authentication runs, so
// that a request it refuses is still reported under its route.
func withRoute(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqinfo.From(r.Context()).Route = route
		next.ServeHTTP(w, r)
	})
}

func (s *Server) handleUnmatched(w http.ResponseWriter, r *http.Request, x *exchange) error {
	if methods, ok := allowed[r.URL.Path]; ok {
		w.Header().Set("Allow", methods)
		return &otc.Error{Code: otc.CodeMethodNotAllowed, Message: "This method is not allowed on this path.",
			DeveloperMessage: "allowed: " + methods}
	}
	return &otc.Error{Code: otc.CodeNotFound, Message: "There is nothing at this path.",
		DeveloperMessage: "the routes are GET /health, GET /tools, POST /tools/call and GET /openapi.json"}
}

// Shutdown stops the server taking new calls, waits for the calls in
// flight to finish until ctx is done, then cancels the contexts of those
// still running and waits briefly for them to return. It returns ctx's
// error when calls had to be cancelled. The http.Server's own Shutdown
// should follow, to close the listeners and idle connections.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.drain.shutdown(ctx)
	if s.ownStore {
		if cerr := s.store.Close(); cerr != nil {
			s.log.Error("close call store", "err", cerr)
		}
	}
	return err
}

// StartDrain begins draining: /health answers 503 at once, so load
// balancers take the instance out of rotation, and after Options.DrainGrace
// new calls are refused with 503 and Retry-After. Calls in flight go on.
func (s *Server) StartDrain() { s.drain.start(s.now()) }

// errServerStopping is the cause of the contexts Shutdown cancels.
var errServerStopping = errors.New("server: shutting down")
