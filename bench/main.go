// Command bench is otc's benchmark harness. It measures, in one run on one
// machine, the otc tool server against the ceiling of the platform (a bare
// net/http handler answering the same bytes) and against the MCP servers a
// Go developer would pick instead, all under the same closed-loop load, and
// checks the results against the targets of issue 7.
//
//	go run ./bench                     # full run: 10 s per target
//	go run ./bench -smoke              # CI: 1 s per target, fails on any error
//	go run ./bench -json r.json -svg docs/benchmarks.svg
//
// docs/BENCHMARKS.md explains the method, the flags and the latest results.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// config holds the flags of a run.
type config struct {
	concurrency  int
	duration     time.Duration
	warmup       time.Duration
	timeout      time.Duration
	readyTimeout time.Duration
	genProcs     int
	rounds       int
	smoke        bool
	jsonPath     string
	svgPath      string
	only         string
	otcPath      string
	tools        int
	profileDir   string
	from         string

	// The hidden flags of a re-executed server process.
	role       string
	roleConfig string
	cpuProfile string
}

// hiddenFlags are left out of -help: they are how the harness starts its
// own server processes, not something to type.
var hiddenFlags = map[string]bool{"role": true, "role-config": true, "cpuprofile": true}

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // a target failed or answered wrongly, or the run could not be made
	exitUsage   = 2
)

// Main runs the harness with args and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	var cfg config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&cfg.concurrency, "c", 32, "concurrent keep-alive connections (closed loop: one request in flight each)")
	fs.DurationVar(&cfg.duration, "d", 10*time.Second, "measured duration per target")
	fs.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "warm-up per target, checked but not measured")
	fs.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "longest a single request may take before it counts as an error")
	fs.DurationVar(&cfg.readyTimeout, "ready-timeout", 60*time.Second, "longest a server may take to answer 200 on /health")
	fs.IntVar(&cfg.genProcs, "gen-procs", 1, "GOMAXPROCS of the load generator (the servers get all CPUs)")
	fs.IntVar(&cfg.rounds, "rounds", 1, "run every target this many times, in turns, and report the median round")
	fs.BoolVar(&cfg.smoke, "smoke", false, "smoke test for CI: 1 s per target, exit status 1 on any error")
	fs.StringVar(&cfg.jsonPath, "json", "", "also write the report as JSON to `file`")
	fs.StringVar(&cfg.svgPath, "svg", "", "also write a bar chart of req/s and p99 as SVG to `file`")
	fs.StringVar(&cfg.only, "only", "", "comma-separated `targets` to run (default all: "+targetNames()+")")
	fs.StringVar(&cfg.otcPath, "otc", "", "otc binary to measure (default: go build ./cmd/otc into a temporary directory)")
	fs.IntVar(&cfg.tools, "tools", 10000, "tools in the start-up, memory and GET /tools measurement (0 skips it)")
	fs.StringVar(&cfg.profileDir, "profile", "", "write a CPU profile of every server to `dir`/<target>.pprof")
	fs.StringVar(&cfg.from, "from", "", "measure nothing: print the report in JSON `file` (and write -svg) again")
	fs.StringVar(&cfg.role, "role", "", "")
	fs.StringVar(&cfg.roleConfig, "role-config", "", "")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./bench [flags]\n\nflags:\n")
		fs.VisitAll(func(f *flag.Flag) {
			if hiddenFlags[f.Name] {
				return
			}
			name, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(stderr, "  -%s %s\n    \t%s", f.Name, name, usage)
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				fmt.Fprintf(stderr, " (default %s)", f.DefValue)
			}
			fmt.Fprintln(stderr)
		})
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}

	if cfg.role != "" {
		if err := runServerRole(cfg, fs.Args()); err != nil {
			fmt.Fprintf(stderr, "bench %s: %v\n", cfg.role, err)
			return exitFailure
		}
		return exitOK
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "bench: unexpected arguments %q\n", fs.Args())
		return exitUsage
	}
	if cfg.smoke {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["d"] {
			cfg.duration = time.Second
		}
		if !set["warmup"] {
			cfg.warmup = 250 * time.Millisecond
		}
	}
	if cfg.concurrency < 1 || cfg.duration <= 0 || cfg.warmup < 0 || cfg.genProcs < 1 || cfg.rounds < 1 || cfg.tools < 0 {
		fmt.Fprintln(stderr, "bench: -c, -d, -gen-procs and -rounds must be positive, -warmup and -tools not negative")
		return exitUsage
	}

	if cfg.from != "" {
		if err := rerender(cfg, stdout); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return exitFailure
		}
		return exitOK
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	report, err := run(ctx, cfg, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitFailure
	}
	if failed := report.failures(); len(failed) > 0 {
		fmt.Fprintf(stderr, "bench: FAILED: %v\n", failed)
		return exitFailure
	}
	return exitOK
}

// runServerRole is the life of a re-executed server process.
func runServerRole(cfg config, args []string) error {
	if cfg.role == roleOTC {
		return runOTCRole(args, cfg.cpuProfile)
	}
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	return runRole(cfg.role, cfg.roleConfig, cfg.cpuProfile)
}

// failures lists the targets (and the catalog measurement) that failed or
// answered wrongly.
func (r *Report) failures() []string {
	var out []string
	for _, t := range r.Targets {
		if t.failed() {
			out = append(out, t.Name)
		}
	}
	if r.Catalog != nil && r.Catalog.Failure != "" {
		out = append(out, "catalog")
	}
	return out
}

// generatorProcs pins the generator's GOMAXPROCS and returns the previous
// value.
func generatorProcs(n int) int { return runtime.GOMAXPROCS(n) }
