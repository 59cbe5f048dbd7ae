package main

import "fmt"

// The targets of issue 7, checked against every full run.
const (
	// minJWTRatio: otc with JWT auth reaches at least this share of the
	// ceiling's requests per second...
	minJWTRatio = 0.60
	// maxJWTP99Factor: ...with a p99 no worse than this multiple of the
	// ceiling's.
	maxJWTP99Factor = 2.0
	// minCallIDRatio: otc with JWT and a durable call record per call
	// reaches at least this share of the ceiling.
	minCallIDRatio = 0.35
	// minMCPGoFactor: otc (with JWT auth, against mcp-go without any) is at
	// least this many times as fast as mcp-go.
	minMCPGoFactor = 1.5
	// maxNotModifiedCPUShare: a conditional GET /tools answered 304 costs
	// the server at most this share of the CPU of the full listing; doing
	// any work proportional to the catalog (encoding, hashing, filtering
	// 10 000 tools) would cost about as much as the listing itself.
	maxNotModifiedCPUShare = 0.05
)

// Verdicts of a rule.
const (
	verdictPass = "PASS"
	verdictMiss = "MISS"
	// verdictSkip: a target the rule needs was not measured.
	verdictSkip = "SKIP"
)

// RuleResult is one target of the issue, checked.
type RuleResult struct {
	Name    string `json:"name"`
	Want    string `json:"want"`
	Got     string `json:"got"`
	Verdict string `json:"verdict"`
}

// evaluateRules checks the report's measurements against the targets.
func evaluateRules(targets []TargetResult, cat *CatalogResult) []RuleResult {
	by := map[string]TargetResult{}
	for _, t := range targets {
		if !t.failed() {
			by[t.Name] = t
		}
	}
	ceiling, hasCeiling := by[tCeiling]
	var out []RuleResult
	add := func(name, want string, ok bool, pass func() (bool, string)) {
		r := RuleResult{Name: name, Want: want, Verdict: verdictSkip, Got: "not measured"}
		if ok {
			var p bool
			p, r.Got = pass()
			r.Verdict = verdictMiss
			if p {
				r.Verdict = verdictPass
			}
		}
		out = append(out, r)
	}

	jwt, hasJWT := by[tOTCJWT]
	add("otc JWT throughput", fmt.Sprintf(">= %.0f%% of the ceiling's req/s", 100*minJWTRatio), hasJWT && hasCeiling,
		func() (bool, string) {
			r := jwt.RPS / ceiling.RPS
			return r >= minJWTRatio, fmt.Sprintf("%.0f%% (%.0f vs %.0f req/s)", 100*r, jwt.RPS, ceiling.RPS)
		})
	add("otc JWT p99", fmt.Sprintf("<= %.3gx the ceiling's p99", maxJWTP99Factor), hasJWT && hasCeiling,
		func() (bool, string) {
			f := jwt.P99US / ceiling.P99US
			return f <= maxJWTP99Factor, fmt.Sprintf("%.2fx (%s vs %s)", f, fmtUS(jwt.P99US), fmtUS(ceiling.P99US))
		})
	callID, hasCallID := by[tOTCCallID]
	add("otc JWT + call_id throughput", fmt.Sprintf(">= %.0f%% of the ceiling's req/s", 100*minCallIDRatio), hasCallID && hasCeiling,
		func() (bool, string) {
			r := callID.RPS / ceiling.RPS
			return r >= minCallIDRatio, fmt.Sprintf("%.0f%% (%.0f vs %.0f req/s)", 100*r, callID.RPS, ceiling.RPS)
		})
	mcpGo, hasMCPGo := by[tMCPGo]
	add("otc JWT vs mcp-go", fmt.Sprintf(">= %.3gx mcp-go's req/s", minMCPGoFactor), hasJWT && hasMCPGo,
		func() (bool, string) {
			f := jwt.RPS / mcpGo.RPS
			return f >= minMCPGoFactor, fmt.Sprintf("%.2fx (%.0f vs %.0f req/s)", f, jwt.RPS, mcpGo.RPS)
		})
	add("GET /tools If-None-Match", fmt.Sprintf("304, no body, server CPU <= %.0f%% of a full listing", 100*maxNotModifiedCPUShare),
		cat != nil && cat.Failure == "" && cat.ListCPUUS > 0,
		func() (bool, string) {
			share := cat.NotModifiedCPUUS / cat.ListCPUUS
			pass := cat.NotModifiedStatus == 304 && cat.NotModifiedBytes == 0 && share <= maxNotModifiedCPUShare
			return pass, fmt.Sprintf("%d, %d bytes, %.2f%% (%s vs %s)", cat.NotModifiedStatus, cat.NotModifiedBytes,
				100*share, fmtUS(cat.NotModifiedCPUUS), fmtUS(cat.ListCPUUS))
		})
	return out
}
