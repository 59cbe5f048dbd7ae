package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"
)

// Report is the outcome of one run, as printed and as written by -json.
type Report struct {
	Machine  Machine        `json:"machine"`
	Settings Settings       `json:"settings"`
	Targets  []TargetResult `json:"targets"`
	Catalog  *CatalogResult `json:"catalog,omitempty"`
	Rules    []RuleResult   `json:"rules"`
}

// Settings are the load parameters of the run.
type Settings struct {
	Concurrency int     `json:"concurrency"`
	WarmupS     float64 `json:"warmup_s"`
	DurationS   float64 `json:"duration_s"`
	// GeneratorProcs is GOMAXPROCS of the load generator process.
	GeneratorProcs int  `json:"generator_procs"`
	Smoke          bool `json:"smoke"`
	// Rounds is how many times each target ran; the median is reported.
	Rounds int `json:"rounds"`
}

// TargetResult is the measurement of one target.
type TargetResult struct {
	Name     string  `json:"name"`
	Label    string  `json:"label"`
	Requests uint64  `json:"requests"`
	RPS      float64 `json:"rps"`
	// Ratio is RPS over the ceiling's RPS in the same run (0 without a
	// ceiling).
	Ratio float64 `json:"ratio_to_ceiling"`
	P50US float64 `json:"p50_us"`
	P90US float64 `json:"p90_us"`
	P99US float64 `json:"p99_us"`
	MaxUS float64 `json:"max_us"`
	// Errors counts failed and wrong answers, warm-up included; it must be 0.
	Errors       uint64   `json:"errors"`
	ErrorSamples []string `json:"error_samples,omitempty"`
	// ServerCPUUS and GeneratorCPUUS are the CPU time (user+system, all
	// threads) the server process and the load generator spent per
	// measured request, in microseconds; 0 when /proc was not readable.
	ServerCPUUS    float64 `json:"server_cpu_us_per_request"`
	GeneratorCPUUS float64 `json:"generator_cpu_us_per_request"`
	// StartupMS is the time from exec to the first 200 on /health.
	StartupMS float64 `json:"startup_ms"`
	// RoundsRPS holds the req/s of every round, with -rounds > 1.
	RoundsRPS []float64 `json:"rounds_rps,omitempty"`
	// Failure says why the target could not be measured at all.
	Failure string `json:"failure,omitempty"`
}

// failed reports whether the target had errors or could not run.
func (t TargetResult) failed() bool { return t.Errors > 0 || t.Failure != "" }

// us converts a duration to microseconds.
func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// printTable writes the report as text tables.
func (r *Report) printTable(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "\nmachine: %d CPUs, %s, %s %s/%s, load average %s before, %s after\n",
		m.NumCPU, m.CPUModel, m.GoVersion, m.OS, m.Arch, m.LoadBefore, m.LoadAfter)
	s := r.Settings
	fmt.Fprintf(w, "load: %d connections, %.3gs warm-up, %.3gs measured per target", s.Concurrency, s.WarmupS, s.DurationS)
	if s.Rounds > 1 {
		fmt.Fprintf(w, ", median of %d rounds", s.Rounds)
	}
	fmt.Fprintf(w, ", generator GOMAXPROCS=%d\n", s.GeneratorProcs)
	if len(r.Targets) > 0 {
		r.printTargets(w)
	}
	if c := r.Catalog; c != nil {
		fmt.Fprintf(w, "\ncatalog of %d tools: start-up %.0f ms to the first 200 on /health; VmRSS %.1f MiB after start, %.1f MiB after serving GET /tools\n",
			c.Tools, c.StartupMS, mib(c.RSSStartBytes), mib(c.RSSServedBytes))
		fmt.Fprintf(w, "GET /tools: %d, %.1f MiB in %s, server CPU %s per listing\n",
			c.ListStatus, mib(c.ListBytes), fmtUS(c.ListLatencyUS), fmtUS(c.ListCPUUS))
		fmt.Fprintf(w, "GET /tools with If-None-Match: %d, %d body bytes, %.0f req/s, p99 %s, server CPU %s per request\n",
			c.NotModifiedStatus, c.NotModifiedBytes, c.NotModifiedRPS, fmtUS(c.NotModifiedP99US), fmtUS(c.NotModifiedCPUUS))
		if c.Failure != "" {
			fmt.Fprintf(w, "catalog failed: %s\n", c.Failure)
		}
	}
	if len(r.Rules) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, rule := range r.Rules {
			fmt.Fprintf(tw, "%s\t%s\twant %s\tgot %s\n", rule.Verdict, rule.Name, rule.Want, rule.Got)
		}
		tw.Flush()
	}
}

// printTargets writes the table of targets, then their failures and errors.
func (r *Report) printTargets(w io.Writer) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "target\treq/s\tvs ceiling\tp50\tp90\tp99\terrors\tserver CPU/req\tgen CPU/req\t")
	for _, t := range r.Targets {
		if t.Failure != "" {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\tFAILED\t-\t-\t\n", t.Label)
			continue
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t\n", t.Label, t.RPS, ratio(t.Ratio),
			fmtUS(t.P50US), fmtUS(t.P90US), fmtUS(t.P99US), t.Errors, fmtUS(t.ServerCPUUS), fmtUS(t.GeneratorCPUUS))
	}
	tw.Flush()
	for _, t := range r.Targets {
		if t.Failure != "" {
			fmt.Fprintf(w, "\n%s failed: %s\n", t.Name, t.Failure)
		}
		for _, e := range t.ErrorSamples {
			fmt.Fprintf(w, "%s error: %s\n", t.Name, e)
		}
	}
}

func ratio(r float64) string {
	if r == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*r)
}

// fmtUS formats microseconds with a unit that keeps three digits or so.
func fmtUS(v float64) string {
	switch {
	case v <= 0:
		return "-"
	case v < 1000:
		return fmt.Sprintf("%.0fµs", v)
	case v < 1e6:
		return fmt.Sprintf("%.2fms", v/1000)
	}
	return fmt.Sprintf("%.2fs", v/1e6)
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// writeJSON writes the report to path, indented.
func (r *Report) writeJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// readReport reads a report written by -json.
func readReport(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// rerender prints the report in cfg.from and writes it again as the
// -json and -svg files asked for, so that a chart can be redrawn without
// measuring again.
func rerender(cfg config, out io.Writer) error {
	r, err := readReport(cfg.from)
	if err != nil {
		return err
	}
	r.printTable(out)
	if cfg.jsonPath != "" {
		if err := r.writeJSON(cfg.jsonPath); err != nil {
			return err
		}
	}
	if cfg.svgPath != "" {
		return r.writeSVG(cfg.svgPath)
	}
	return nil
}
