package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// harness holds what one run shares between its targets.
type harness struct {
	cfg  config
	out  io.Writer // progress and the report
	tmp  string    // logs, data directories, role configs, the otc binary
	self string    // this program, re-executed for its roles
	// otcBin is the otc binary; empty when no otc target runs.
	otcBin string
	// The credentials the otc servers accept and the generator presents.
	apiKey    string
	jwtSecret []byte
	// canned is the ceiling's answer.
	canned cannedResponse
}

// run makes one run: every selected target, then the catalog measurement,
// then the rules. It prints the report and writes the requested files.
func run(ctx context.Context, cfg config, out io.Writer) (*Report, error) {
	targets, err := selectTargets(cfg.only)
	if err != nil {
		return nil, err
	}
	cfg.rounds = max(cfg.rounds, 1)
	h := &harness{cfg: cfg, out: out, canned: defaultCanned}
	if h.self, err = os.Executable(); err != nil {
		return nil, err
	}
	if h.tmp, err = os.MkdirTemp("", "otc-bench-"); err != nil {
		return nil, err
	}
	defer os.RemoveAll(h.tmp)
	if cfg.profileDir != "" {
		if err := os.MkdirAll(cfg.profileDir, 0o755); err != nil {
			return nil, err
		}
	}
	if h.apiKey, err = newSecret(32); err != nil {
		return nil, err
	}
	secret, err := newSecret(32)
	if err != nil {
		return nil, err
	}
	h.jwtSecret = []byte(secret)

	if slices.ContainsFunc(targets, target.isOTC) {
		if err := h.prepareOTC(ctx); err != nil {
			return nil, err
		}
	}

	// The generator is pinned from here on: building otc above may use
	// every core; the load must not.
	prev := generatorProcs(cfg.genProcs)
	defer generatorProcs(prev)

	report := &Report{
		Machine: currentMachine(),
		Settings: Settings{
			Concurrency:    cfg.concurrency,
			WarmupS:        cfg.warmup.Seconds(),
			DurationS:      cfg.duration.Seconds(),
			GeneratorProcs: cfg.genProcs,
			Smoke:          cfg.smoke,
			Rounds:         cfg.rounds,
		},
	}
	// With several rounds the targets take turns, so that a disturbance
	// (another process, a frequency change) hits them alike.
	rounds := make([][]TargetResult, len(targets))
	nameWidth := 0
	for _, t := range targets {
		nameWidth = max(nameWidth, len(t.name))
	}
	for round := 1; round <= cfg.rounds; round++ {
		for i, t := range targets {
			if cfg.rounds > 1 {
				fmt.Fprintf(out, "round %d ", round)
			}
			fmt.Fprintf(out, "%-*s ", nameWidth, t.name)
			r := h.runTarget(ctx, t)
			if r.Failure != "" {
				fmt.Fprintln(out, "FAILED")
			} else {
				fmt.Fprintf(out, "%8.0f req/s  p99 %-9s errors %d\n", r.RPS, fmtUS(r.P99US), r.Errors)
			}
			rounds[i] = append(rounds[i], r)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	report.Machine.LoadAfter = loadAverage()
	for _, rs := range rounds {
		report.Targets = append(report.Targets, medianRound(rs))
	}
	setRatios(report.Targets)
	if cfg.tools > 0 && wantsCatalog(cfg.only) {
		fmt.Fprintf(out, "%-*s ", nameWidth, "catalog")
		report.Catalog = h.measureCatalog(ctx)
		fmt.Fprintln(out, "done")
	}
	if !cfg.smoke {
		// A second per target says that everything works, not how fast.
		report.Rules = evaluateRules(report.Targets, report.Catalog)
	}

	report.printTable(out)
	if cfg.jsonPath != "" {
		if err := report.writeJSON(cfg.jsonPath); err != nil {
			return nil, err
		}
	}
	if cfg.svgPath != "" {
		if err := report.writeSVG(cfg.svgPath); err != nil {
			return nil, err
		}
	}
	return report, nil
}

// medianRound returns the round of a target with the median requests per
// second (the lower median for an even count), with the errors of all
// rounds and every round's rate. A failed round is returned as the result:
// a target that failed once failed.
func medianRound(rs []TargetResult) TargetResult {
	var errs uint64
	var samples []string
	var rates []float64
	for _, r := range rs {
		if r.Failure != "" {
			return r
		}
		errs += r.Errors
		samples = append(samples, r.ErrorSamples...)
		rates = append(rates, r.RPS)
	}
	sorted := slices.Clone(rs)
	slices.SortStableFunc(sorted, func(a, b TargetResult) int { return cmp.Compare(a.RPS, b.RPS) })
	m := sorted[(len(sorted)-1)/2]
	m.Errors, m.ErrorSamples = errs, samples
	if len(rs) > 1 {
		m.RoundsRPS = rates
	}
	return m
}

// setRatios sets every target's ratio to the ceiling of the same run.
func setRatios(targets []TargetResult) {
	var ceiling float64
	for _, t := range targets {
		if t.Name == tCeiling && !t.failed() {
			ceiling = t.RPS
		}
	}
	if ceiling == 0 {
		return
	}
	for i := range targets {
		targets[i].Ratio = targets[i].RPS / ceiling
	}
}

// prepareOTC builds (or takes) the otc binary and captures its answer to
// the benchmark call, which the ceiling then serves byte for byte.
func (h *harness) prepareOTC(ctx context.Context) error {
	h.otcBin = h.cfg.otcPath
	if h.otcBin == "" {
		fmt.Fprintln(h.out, "building otc...")
		bin, err := buildOTC(ctx, h.tmp)
		if err != nil {
			return err
		}
		h.otcBin = bin
	}
	p, err := startProcess(processSpec{
		name:   "otc-probe",
		path:   h.otcBin,
		args:   append([]string{"serve"}, otcServeArgs(addrPlaceholder, "none", "memory", filepath.Join(h.tmp, "probe-data"))...),
		env:    childEnv(),
		logDir: h.tmp,
	})
	if err != nil {
		return err
	}
	defer p.stop()
	if _, err := p.waitReady(ctx, h.cfg.readyTimeout); err != nil {
		return err
	}
	canned, err := probeOTC(ctx, p.addr)
	if err != nil {
		return err
	}
	h.canned = canned
	return nil
}

// writeRoleConfig writes cfg for a role process and returns its path.
func (h *harness) writeRoleConfig(name string, cfg roleConfig) (string, error) {
	b, err := json.Marshal(cfg)
	if err != nil {
		return "", err
	}
	path := filepath.Join(h.tmp, name+".role.json")
	return path, os.WriteFile(path, b, 0o600)
}
