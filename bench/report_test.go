package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPrintTable(t *testing.T) {
	r := sampleReport()
	r.Targets[2].Errors = 2
	r.Targets[2].ErrorSamples = []string{"status 500: boom"}
	r.Catalog = &CatalogResult{Tools: 10000, StartupMS: 800, ListStatus: 200, NotModifiedStatus: 304}
	r.Rules = evaluateRules(r.Targets, r.Catalog)
	var b bytes.Buffer
	r.printTable(&b)
	out := b.String()
	for _, want := range []string{
		"2 CPUs, AMD EPYC <test> & co, go1.27.3",
		"otc, JWT  28000",
		"failed one      -",
		"go-sdk failed: did not start",
		"mcp-go error: status 500: boom",
		"catalog of 10000 tools: start-up 800 ms",
		"PASS  otc JWT p99",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestWriteJSONRoundTrip(t *testing.T) {
	r := sampleReport()
	r.Rules = evaluateRules(r.Targets, nil)
	path := filepath.Join(t.TempDir(), "r.json")
	if err := r.writeJSON(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got Report
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(*r, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestRerender(t *testing.T) {
	dir := t.TempDir()
	r := sampleReport()
	in, svg := filepath.Join(dir, "in.json"), filepath.Join(dir, "out.svg")
	if err := r.writeJSON(in); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"-from", in, "-svg", svg}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit status %d: %s", code, stderr.String())
	}
	got, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(renderSVG(r)), string(got)); diff != "" {
		t.Errorf("redrawn chart differs (-want +got):\n%s", diff)
	}
	if !strings.Contains(stdout.String(), "otc, JWT") {
		t.Errorf("report not printed:\n%s", stdout.String())
	}
	if code := Main([]string{"-from", filepath.Join(dir, "missing.json")}, &stdout, &stderr); code != exitFailure {
		t.Errorf("missing report: exit status %d, want %d", code, exitFailure)
	}
}

func TestFailures(t *testing.T) {
	r := sampleReport()
	r.Targets[1].Errors = 1
	r.Catalog = &CatalogResult{Failure: "no"}
	if diff := cmp.Diff([]string{tOTCJWT, tGoSDK, "catalog"}, r.failures()); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
}

func TestFmtUS(t *testing.T) {
	got := []string{fmtUS(0), fmtUS(12.4), fmtUS(1234), fmtUS(2.5e6)}
	if diff := cmp.Diff([]string{"-", "12µs", "1.23ms", "2.50s"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
