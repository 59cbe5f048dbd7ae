package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/store"
)

// Defaults for the zero values of Options.
const (
	DefaultMaxBodyBytes  = 1 << 20
	DefaultMaxJSONDepth  = 64
	DefaultCallTimeout   = 30 * time.Second
	DefaultCallRetention = 24 * time.Hour
)

// Options configure a Server. Only Registry is required; every other zero
// value means the default its field documents.
type Options struct {
	// Registry holds the tools served. It is required. The server reads it
	// on every request, so tools registered later are served at once.
	Registry *otc.Registry

	// Store keeps the records behind client call_ids (CALL-6). Nil means an
	// in-memory store private to this Server: idempotency then holds only
	// within this process. A Store with a ClaimVolatile method, as
	// store/journal's, is asked for it for tools declared idempotent
	// (otc.ToolSpec.Idempotent): their records are then written once.
	Store store.Store

	// Logger receives one line per tool call and the errors of other
	// requests. Nil discards logs.
	Logger *slog.Logger

	// InstanceID names this server instance in the call records it claims.
	// Give each instance a stable id (a pod name) so that after a restart
	// it recognises calls its previous process left running and answers
	// them "outcome unknown" at once. Empty means a random id per Server,
	// which only disables that recognition (the lease still ends such
	// calls).
	InstanceID string

	// MaxBodyBytes bounds a request body; a larger one is answered 413.
	// Zero means DefaultMaxBodyBytes (1 MiB).
	MaxBodyBytes int64

	// MaxJSONDepth bounds how deep arrays and objects nest in a request
	// body; deeper is answered 400. Zero means DefaultMaxJSONDepth (64).
	MaxJSONDepth int

	// CallTimeout bounds one tool call unless the tool's ToolSpec.Timeout
	// says otherwise. Zero means DefaultCallTimeout (30 s).
	CallTimeout time.Duration

	// CallRetention is how long a call record (and so a call_id) is kept.
	// Zero means DefaultCallRetention (24 h).
	CallRetention time.Duration

	// ValidateOutput checks every value a tool returns against its output
	// schema; a value that does not conform is reported to the client as a
	// tool failure and logged as a tool bug. False trusts the tools.
	ValidateOutput bool

	// MaxConcurrentCalls bounds how many tool calls run at once on this
	// server; calls over the bound are refused with "temporarily
	// unavailable" and Retry-After, never queued. Zero means no bound other
	// than each tool's ToolSpec.MaxConcurrent.
	MaxConcurrentCalls int

	// Protect is the authentication chain, applied to GET /tools and
	// POST /tools/call only (never to /health or /openapi.json). It stores
	// the caller with otc.WithCaller. Nil serves those routes to anyone.
	Protect func(http.Handler) http.Handler

	// AuthMethods names the authentication methods Protect enforces, for
	// the security schemes of the served OpenAPI document (AUTH-15):
	// "api_key", "jwt", "mtls", and "none" for anonymous access. Empty, or
	// only "none", means the document declares no security; "none" beside
	// other methods makes authentication optional in the document.
	AuthMethods []string

	// SecuritySchemes, when set, are the OpenAPI security scheme objects
	// of the enabled methods by scheme name, as the authentication layer
	// describes them (auth.Authenticator.SecuritySchemes): the served
	// document then says exactly what that layer enforces (its real JWT
	// lifetime, for one). Nil means the built-in description of each of
	// AuthMethods. "none" among AuthMethods still makes authentication
	// optional in the document.
	SecuritySchemes map[string]any

	// Observer is told when tool calls start and finish (metrics). Nil
	// means nobody is.
	Observer CallObserver

	// Now is the clock for call durations, leases, retention and draining.
	// Nil means time.Now.
	Now func() time.Time

	// DrainGrace is how long after StartDrain the server still accepts new
	// calls, while /health already answers 503 so that load balancers stop
	// sending them. Zero means new calls are refused as soon as draining
	// starts.
	DrainGrace time.Duration
}

// Auth method names accepted in Options.AuthMethods.
const (
	AuthNone   = "none"
	AuthAPIKey = "api_key"
	AuthJWT    = "jwt"
	AuthMTLS   = "mtls"
)

// withDefaults checks o and fills in its zero values.
func (o Options) withDefaults() (Options, error) {
	var errs []error
	if o.Registry == nil {
		errs = append(errs, errors.New("server: Options.Registry is required"))
	}
	if o.MaxBodyBytes < 0 {
		errs = append(errs, errors.New("server: Options.MaxBodyBytes is negative"))
	}
	if o.MaxJSONDepth < 0 || o.MaxJSONDepth > 10_000 {
		errs = append(errs, errors.New("server: Options.MaxJSONDepth must be between 0 and 10000"))
	}
	if o.CallTimeout < 0 || o.CallRetention < 0 || o.DrainGrace < 0 {
		errs = append(errs, errors.New("server: Options durations must not be negative"))
	}
	if o.MaxConcurrentCalls < 0 {
		errs = append(errs, errors.New("server: Options.MaxConcurrentCalls is negative"))
	}
	seen := map[string]bool{}
	for _, m := range o.AuthMethods {
		switch m {
		case AuthNone, AuthAPIKey, AuthJWT, AuthMTLS:
		default:
			errs = append(errs, fmt.Errorf("server: unknown auth method %q in Options.AuthMethods; want %s, %s, %s or %s",
				m, AuthNone, AuthAPIKey, AuthJWT, AuthMTLS))
		}
		if seen[m] {
			errs = append(errs, fmt.Errorf("server: auth method %q listed twice", m))
		}
		seen[m] = true
	}
	if len(errs) > 0 {
		return o, errors.Join(errs...)
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.MaxJSONDepth == 0 {
		o.MaxJSONDepth = DefaultMaxJSONDepth
	}
	if o.CallTimeout == 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.CallRetention == 0 {
		o.CallRetention = DefaultCallRetention
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}
