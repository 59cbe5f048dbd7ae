package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestMain lets the test binary stand in for the harness's own binary: the
// harness re-executes os.Executable() with -role, which in a test is this
// binary, so that must serve the role instead of running tests.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "-role" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestRunWithRoleProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	var out bytes.Buffer
	report, err := run(context.Background(), config{
		concurrency:  4,
		duration:     300 * time.Millisecond,
		warmup:       100 * time.Millisecond,
		timeout:      5 * time.Second,
		readyTimeout: 30 * time.Second,
		genProcs:     1,
		rounds:       2,
		only:         "ceiling,go-sdk,mcp-go,catalog",
		tools:        300,
	}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if f := report.failures(); len(f) > 0 {
		t.Fatalf("failures %v:\n%s", f, out.String())
	}
	var names []string
	for _, r := range report.Targets {
		names = append(names, r.Name)
		if r.Requests == 0 || r.RPS <= 0 || r.P99US <= 0 || r.Ratio <= 0 || len(r.RoundsRPS) != 2 {
			t.Errorf("%s: %+v; want requests, a rate, latencies and a ratio", r.Name, r)
		}
	}
	if diff := cmp.Diff([]string{tCeiling, tGoSDK, tMCPGo}, names); diff != "" {
		t.Errorf("targets run (-want +got):\n%s", diff)
	}
	c := report.Catalog
	if c == nil || c.Tools != 300 || c.ListStatus != 200 || c.ListBytes == 0 || c.ETag == "" ||
		c.NotModifiedStatus != 304 || c.StartupMS <= 0 {
		t.Errorf("catalog %+v; want a listing with an ETag and a 304 for it", c)
	}
	if !strings.Contains(out.String(), "ceiling: bare net/http") {
		t.Errorf("report not printed:\n%s", out.String())
	}
}

func TestSelectTargets(t *testing.T) {
	tests := []struct {
		only        string
		want        []string
		wantCatalog bool
		wantErr     bool
	}{
		{only: "", want: []string{tCeiling, tOTC, tOTCJWT, tOTCAPIKey, tOTCCallID, tOTCBolt, tOTCEffect, tGoSDK, tMCPGo}, wantCatalog: true},
		{only: "mcp-go, ceiling", want: []string{tMCPGo, tCeiling}},
		{only: "catalog", wantCatalog: true},
		{only: "otc-jwt,catalog", want: []string{tOTCJWT}, wantCatalog: true},
		{only: "nginx", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.only, func(t *testing.T) {
			got, err := selectTargets(tt.only)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			var names []string
			for _, g := range got {
				names = append(names, g.name)
			}
			if diff := cmp.Diff(tt.want, names); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
			if !tt.wantErr && wantsCatalog(tt.only) != tt.wantCatalog {
				t.Errorf("wantsCatalog = %v, want %v", !tt.wantCatalog, tt.wantCatalog)
			}
		})
	}
}

func TestMainUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		// stderr must contain each of want and none of notWant.
		want, notWant []string
	}{
		{name: "help hides the role flags", args: []string{"-help"}, code: exitOK,
			want: []string{"-smoke", "-json file", "-svg file", "-c int", "(default 32)"}, notWant: []string{"-role", "cpuprofile"}},
		{name: "unknown flag", args: []string{"-nope"}, code: exitUsage},
		{name: "stray argument", args: []string{"extra"}, code: exitUsage, want: []string{"unexpected arguments"}},
		{name: "zero concurrency", args: []string{"-c", "0"}, code: exitUsage, want: []string{"must be positive"}},
		{name: "unknown target", args: []string{"-only", "nginx", "-tools", "0"}, code: exitFailure, want: []string{`unknown target "nginx"`}},
		{name: "unknown role", args: []string{"-role", "nginx"}, code: exitFailure, want: []string{`unknown role "nginx"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Main(tt.args, &stdout, &stderr); code != tt.code {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(stderr.String(), w) {
					t.Errorf("stderr has %q:\n%s", w, stderr.String())
				}
			}
		})
	}
}

// TestServerDeathFailsTarget kills the server process in the middle of the
// measured window: the target must fail, not report what it measured.
func TestServerDeathFailsTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc to find the child process")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{
		cfg:    config{concurrency: 2, warmup: 100 * time.Millisecond, duration: 5 * time.Second, timeout: time.Second, readyTimeout: 30 * time.Second},
		tmp:    t.TempDir(),
		self:   self,
		canned: defaultCanned,
	}
	go func() {
		// Wait for a child of ours serving the ceiling role, let it serve
		// a moment, then kill it.
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if pid := childWithArg(t, "-role"); pid > 0 {
				time.Sleep(500 * time.Millisecond)
				if p, err := os.FindProcess(pid); err == nil {
					_ = p.Kill()
				}
				return
			}
		}
	}()
	res := h.runTarget(context.Background(), allTargets[0])
	if !strings.Contains(res.Failure, "died during the run") {
		t.Errorf("failure %q, want the server's death reported", res.Failure)
	}
}

// childWithArg returns the pid of a child of this process whose command
// line contains arg, or 0.
func childWithArg(t *testing.T, arg string) int {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	me := fmt.Sprint(os.Getpid())
	for _, e := range entries {
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// The parent pid is the second field after the command name.
		rest := string(stat[bytes.LastIndexByte(stat, ')')+1:])
		if f := strings.Fields(rest); len(f) < 2 || f[1] != me {
			continue
		}
		cmdline, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if bytes.Contains(cmdline, []byte(arg)) {
			var pid int
			fmt.Sscan(e.Name(), &pid)
			return pid
		}
	}
	return 0
}
