package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/otc-dev/otc/bench/internal/load"
)

// target is one server configuration put under the same load.
type target struct {
	// name is the short id used by -only, the JSON report and the rules.
	name string
	// label describes the target in the table and the chart.
	label string
	// role is the role of this program that serves the target; empty for
	// the otc targets, which run the otc binary.
	role string
	// auth, store and callIDs configure an otc target.
	auth    string
	store   string
	callIDs bool
	// sideEffects: the target calls Demo.Counter, a tool with side effects,
	// with a call_id, instead of Calculator.Add, which is declared
	// idempotent. Its call records are written twice: before the tool runs,
	// so that a crash cannot lead to a second run, and after.
	sideEffects bool
}

// The target names, as the rules refer to them.
const (
	tCeiling   = "ceiling"
	tOTC       = "otc"
	tOTCJWT    = "otc-jwt"
	tOTCAPIKey = "otc-api-key"
	tOTCCallID = "otc-jwt-callid"
	tOTCBolt   = "otc-jwt-callid-bolt"
	tOTCEffect = "otc-jwt-callid-effects"
	tGoSDK     = "go-sdk"
	tMCPGo     = "mcp-go"
)

// allTargets are the targets of a run, in the order they run. The otc
// targets without call_id use the memory store, which they never touch
// (only a client call_id is recorded), so that their numbers are about the
// call path and authentication alone; the call_id target uses the default
// durable store, the journal, where every call writes a record, and the
// same on bolt, the other durable store, follows it for comparison; then a
// tool with side effects, whose records are written twice. (The same on the
// memory store would tell idempotency's cost from durability's, but that
// store holds at most 100 000 live records, each for the call retention,
// and refuses new call_ids when full: a few seconds of this load fill it.)
var allTargets = []target{
	{name: tCeiling, label: "ceiling: bare net/http", role: roleCeiling},
	{name: tOTC, label: "otc, no auth", auth: "none", store: "memory"},
	{name: tOTCJWT, label: "otc, JWT", auth: "jwt", store: "memory"},
	{name: tOTCAPIKey, label: "otc, API key", auth: "api_key", store: "memory"},
	{name: tOTCCallID, label: "otc, JWT + call_id (journal)", auth: "jwt", store: "journal", callIDs: true},
	{name: tOTCBolt, label: "otc, JWT + call_id (bolt)", auth: "jwt", store: "bolt", callIDs: true},
	{name: tOTCEffect, label: "otc, JWT + call_id, side effects (journal)", auth: "jwt", store: "journal", callIDs: true, sideEffects: true},
	{name: tGoSDK, label: "MCP go-sdk v1.8.0", role: roleGoSDK},
	{name: tMCPGo, label: "mcp-go v1.6.0", role: roleMCPGo},
}

// selectTargets returns the targets named in only (comma-separated), or all
// of them when only is empty.
func selectTargets(only string) ([]target, error) {
	if only == "" {
		return allTargets, nil
	}
	var out []target
	for _, name := range strings.Split(only, ",") {
		name = strings.TrimSpace(name)
		if name == catalogName {
			continue
		}
		found := false
		for _, t := range allTargets {
			if t.name == name {
				out = append(out, t)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown target %q (have %s)", name, targetNames())
		}
	}
	return out, nil
}

// catalogName selects the catalog measurement in -only.
const catalogName = "catalog"

// wantsCatalog reports whether -only selects the catalog measurement.
func wantsCatalog(only string) bool {
	if only == "" {
		return true
	}
	for _, name := range strings.Split(only, ",") {
		if strings.TrimSpace(name) == catalogName {
			return true
		}
	}
	return false
}

func targetNames() string {
	var names []string
	for _, t := range allTargets {
		names = append(names, t.name)
	}
	return strings.Join(append(names, catalogName), ", ")
}

// isOTC reports whether t runs the otc server.
func (t target) isOTC() bool { return t.role == "" }

// processSpec returns how to start t's server.
func (h *harness) processSpec(t target) (processSpec, error) {
	spec := processSpec{name: t.name, logDir: h.tmp, env: childEnv()}
	profile := ""
	if h.cfg.profileDir != "" {
		profile = filepath.Join(h.cfg.profileDir, t.name+".pprof")
	}
	if !t.isOTC() {
		cfgPath, err := h.writeRoleConfig(t.name, roleConfig{Canned: &h.canned})
		if err != nil {
			return spec, err
		}
		spec.path, spec.inherit = h.self, true
		spec.args = []string{"-role", t.role, "-role-config", cfgPath}
		if profile != "" {
			spec.args = append(spec.args, "-cpuprofile", profile)
		}
		return spec, nil
	}
	dataDir := filepath.Join(h.tmp, t.name+"-data")
	args := append([]string{"serve"}, otcServeArgs(addrPlaceholder, t.auth, t.store, dataDir)...)
	spec.env = childEnv(
		"OTC_API_KEYS="+apiKeyName+"="+h.apiKey,
		"OTC_JWT_SECRETS="+string(h.jwtSecret),
	)
	spec.path = h.otcBin
	spec.args = args
	if profile != "" {
		// otc's own command line, run inside this program so that it can
		// write a CPU profile; the code path is the binary's.
		spec.path = h.self
		spec.args = append([]string{"-role", "otc", "-cpuprofile", profile}, args...)
	}
	return spec, nil
}

// newBuilder returns the request builder factory of t against addr.
func (h *harness) newBuilder(t target, addr string) func(int) (load.Builder, error) {
	switch {
	case t.role == roleGoSDK || t.role == roleMCPGo:
		return staticBuilder(mcpRequest(addr))
	case t.auth == "jwt":
		return jwtBuilders(addr, h.jwtSecret, t.body())
	case t.auth == "api_key":
		return staticBuilder(otcRequest(addr, "OTC-API-Key", h.apiKey))
	}
	return staticBuilder(otcRequest(addr)) // the ceiling and otc without auth
}

func staticBuilder(req []byte) func(int) (load.Builder, error) {
	return func(int) (load.Builder, error) { return load.Static(req), nil }
}

// check returns the response check of t.
func (h *harness) check(t target) load.CheckFunc {
	switch t.role {
	case roleCeiling:
		return checkCeiling(h.canned.Body)
	case roleGoSDK, roleMCPGo:
		return checkMCP
	}
	if t.sideEffects {
		return checkCounter
	}
	return checkOTC
}

// body returns the request body of an otc target.
func (t target) body() string {
	switch {
	case t.sideEffects:
		return otcCounterCallIDBody
	case t.callIDs:
		return otcCallIDBody
	}
	return otcCallBody
}
