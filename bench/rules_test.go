package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEvaluateRules(t *testing.T) {
	ceiling := TargetResult{Name: tCeiling, RPS: 10000, P99US: 1000}
	mcpGo := TargetResult{Name: tMCPGo, RPS: 3000}
	goodCatalog := &CatalogResult{NotModifiedStatus: 304, ListCPUUS: 10000, NotModifiedCPUUS: 50}
	tests := []struct {
		name    string
		targets []TargetResult
		catalog *CatalogResult
		want    []string // verdicts in rule order
	}{
		{
			name: "all pass",
			targets: []TargetResult{ceiling, mcpGo,
				{Name: tOTCJWT, RPS: 6000, P99US: 2000},
				{Name: tOTCCallID, RPS: 3500}},
			catalog: goodCatalog,
			want:    []string{verdictPass, verdictPass, verdictPass, verdictPass, verdictPass},
		},
		{
			name: "all miss, just below each threshold",
			targets: []TargetResult{ceiling, mcpGo,
				{Name: tOTCJWT, RPS: 4499, P99US: 2001},
				{Name: tOTCCallID, RPS: 3499}},
			catalog: &CatalogResult{NotModifiedStatus: 304, ListCPUUS: 10000, NotModifiedCPUUS: 501},
			want:    []string{verdictMiss, verdictMiss, verdictMiss, verdictMiss, verdictMiss},
		},
		{
			name: "JWT passes throughput but not mcp-go's",
			targets: []TargetResult{{Name: tCeiling, RPS: 10000, P99US: 1000}, {Name: tMCPGo, RPS: 5000},
				{Name: tOTCJWT, RPS: 7000, P99US: 1500}},
			want: []string{verdictPass, verdictPass, verdictSkip, verdictMiss, verdictSkip},
		},
		{
			name:    "no ceiling: ratios cannot be judged",
			targets: []TargetResult{mcpGo, {Name: tOTCJWT, RPS: 6000}, {Name: tOTCCallID, RPS: 3500}},
			want:    []string{verdictSkip, verdictSkip, verdictSkip, verdictPass, verdictSkip},
		},
		{
			name: "a target with errors is not judged",
			targets: []TargetResult{ceiling, mcpGo,
				{Name: tOTCJWT, RPS: 9000, P99US: 900, Errors: 1}},
			want: []string{verdictSkip, verdictSkip, verdictSkip, verdictSkip, verdictSkip},
		},
		{
			name:    "no ETag support is a miss",
			catalog: &CatalogResult{NotModifiedStatus: 200, ListCPUUS: 10000, NotModifiedCPUUS: 10000},
			want:    []string{verdictSkip, verdictSkip, verdictSkip, verdictSkip, verdictMiss},
		},
		{
			name:    "304 with a body is a miss",
			catalog: &CatalogResult{NotModifiedStatus: 304, NotModifiedBytes: 10, ListCPUUS: 10000, NotModifiedCPUUS: 5},
			want:    []string{verdictSkip, verdictSkip, verdictSkip, verdictSkip, verdictMiss},
		},
		{
			name:    "catalog measurement failed",
			catalog: &CatalogResult{Failure: "did not start"},
			want:    []string{verdictSkip, verdictSkip, verdictSkip, verdictSkip, verdictSkip},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range evaluateRules(tt.targets, tt.catalog) {
				got = append(got, r.Verdict)
				if r.Want == "" || r.Got == "" || r.Name == "" {
					t.Errorf("rule %+v: name, want and got must all be filled in", r)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("verdicts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetRatios(t *testing.T) {
	targets := []TargetResult{{Name: tCeiling, RPS: 200}, {Name: tOTC, RPS: 150}, {Name: tMCPGo, RPS: 50}}
	setRatios(targets)
	var got []float64
	for _, t := range targets {
		got = append(got, t.Ratio)
	}
	if diff := cmp.Diff([]float64{1, 0.75, 0.25}, got); diff != "" {
		t.Errorf("ratios (-want +got):\n%s", diff)
	}
}

func TestMedianRound(t *testing.T) {
	r := func(rps float64, errs uint64) TargetResult {
		return TargetResult{Name: tOTC, RPS: rps, P99US: rps / 10, Errors: errs}
	}
	tests := []struct {
		name   string
		rounds []TargetResult
		want   TargetResult
	}{
		{name: "one round", rounds: []TargetResult{r(100, 0)}, want: r(100, 0)},
		{name: "odd: the middle, errors summed", rounds: []TargetResult{r(300, 1), r(100, 0), r(200, 2)},
			want: TargetResult{Name: tOTC, RPS: 200, P99US: 20, Errors: 3, RoundsRPS: []float64{300, 100, 200}}},
		{name: "even: the lower middle", rounds: []TargetResult{r(400, 0), r(100, 0), r(300, 0), r(200, 0)},
			want: TargetResult{Name: tOTC, RPS: 200, P99US: 20, RoundsRPS: []float64{400, 100, 300, 200}}},
		{name: "a failed round fails the target", rounds: []TargetResult{r(100, 0), {Name: tOTC, Failure: "died"}},
			want: TargetResult{Name: tOTC, Failure: "died"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, medianRound(tt.rounds)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
