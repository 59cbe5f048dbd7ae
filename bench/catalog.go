package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/otc-dev/otc/bench/internal/load"
	"github.com/otc-dev/otc/bench/internal/procfs"
)

// CatalogResult is the measurement of a server with a large catalog: how
// long it takes to start, how much memory it holds, and what GET /tools
// costs, in full and when the client already has the current catalog.
type CatalogResult struct {
	Tools int `json:"tools"`
	// StartupMS is the time from exec to the first 200 on /health.
	StartupMS float64 `json:"startup_ms"`
	// RSSStartBytes is VmRSS once ready; RSSServedBytes after the full
	// catalog has been served a few times.
	RSSStartBytes  int64 `json:"rss_start_bytes"`
	RSSServedBytes int64 `json:"rss_served_bytes"`
	// The full listing: status, body size, mean latency of one request
	// alone, and the server's CPU per listing.
	ListStatus    int     `json:"list_status"`
	ListBytes     int64   `json:"list_bytes"`
	ListLatencyUS float64 `json:"list_latency_us"`
	ListCPUUS     float64 `json:"list_cpu_us"`
	ETag          string  `json:"etag"`
	// The conditional listing (If-None-Match: the ETag) under the closed
	// loop load: status, body size, throughput, latency, server CPU each.
	NotModifiedStatus int     `json:"not_modified_status"`
	NotModifiedBytes  int     `json:"not_modified_bytes"`
	NotModifiedRPS    float64 `json:"not_modified_rps"`
	NotModifiedP99US  float64 `json:"not_modified_p99_us"`
	NotModifiedCPUUS  float64 `json:"not_modified_cpu_us"`
	// Failure says why the measurement could not be made.
	Failure string `json:"failure,omitempty"`
}

// roleCatalog serves a registry of generated tools through the otc server
// package.
const roleCatalog = "catalog"

// fullListings is how many full listings are timed: enough for the server's
// CPU time (counted in 10 ms ticks) to be measured to a few percent.
const fullListings = 50

// measureCatalog starts the catalog role with cfg.tools tools and measures it.
func (h *harness) measureCatalog(ctx context.Context) *CatalogResult {
	res := &CatalogResult{Tools: h.cfg.tools}
	fail := func(format string, args ...any) *CatalogResult {
		res.Failure = fmt.Sprintf(format, args...)
		return res
	}
	cfgPath, err := h.writeRoleConfig(roleCatalog, roleConfig{Tools: h.cfg.tools})
	if err != nil {
		return fail("%v", err)
	}
	args := []string{"-role", roleCatalog, "-role-config", cfgPath}
	if h.cfg.profileDir != "" {
		args = append(args, "-cpuprofile", h.cfg.profileDir+"/catalog.pprof")
	}
	p, err := startProcess(processSpec{name: roleCatalog, path: h.self, args: args, env: childEnv(), inherit: true, logDir: h.tmp})
	if err != nil {
		return fail("%v", err)
	}
	defer func() {
		if err := p.stop(); err != nil && res.Failure == "" {
			res.Failure = err.Error()
		}
	}()
	startup, err := p.waitReady(ctx, h.cfg.readyTimeout)
	if err != nil {
		return fail("%v", err)
	}
	res.StartupMS = float64(startup) / float64(time.Millisecond)
	res.RSSStartBytes, _ = procfs.RSS(p.pid())

	// The full listing, once to warm whatever the server caches, then timed.
	// Uncompressed: the representation every client can take, and the
	// one the conditional requests below name by its ETag.
	client := &http.Client{Timeout: h.cfg.timeout, Transport: &http.Transport{DisableCompression: true}}
	url := "http://" + p.addr + "/tools"
	if _, _, _, err := getFull(ctx, client, url); err != nil {
		return fail("%v", err)
	}
	cpu0, cpuErr := procfs.CPUTime(p.pid())
	var total time.Duration
	for range fullListings {
		start := time.Now()
		status, n, etag, err := getFull(ctx, client, url)
		if err != nil {
			return fail("%v", err)
		}
		total += time.Since(start)
		res.ListStatus, res.ListBytes, res.ETag = status, n, etag
	}
	if cpu1, err := procfs.CPUTime(p.pid()); err == nil && cpuErr == nil {
		res.ListCPUUS = us(cpu1-cpu0) / fullListings
	}
	res.ListLatencyUS = us(total) / fullListings
	res.RSSServedBytes, _ = procfs.RSS(p.pid())
	if res.ListStatus != http.StatusOK {
		return fail("GET /tools answered %d", res.ListStatus)
	}
	if res.ETag == "" {
		// Not a failure of the run: the rule reports it as a miss.
		res.NotModifiedStatus = res.ListStatus
		return res
	}

	// The conditional listing once, for what it answers...
	if res.NotModifiedStatus, res.NotModifiedBytes, err = getConditional(ctx, client, url, res.ETag); err != nil {
		return fail("%v", err)
	}
	if res.NotModifiedStatus != http.StatusNotModified {
		return res // the rule reports the miss
	}
	// ...then under load, for its throughput and its CPU.
	req := fmt.Appendf(nil, "GET /tools HTTP/1.1\r\nHost: %s\r\nIf-None-Match: %s\r\n\r\n", p.addr, res.ETag)
	cpu := newCPUWindow(p.pid())
	lr, err := load.Run(ctx, load.Options{
		Addr:        p.addr,
		Concurrency: h.cfg.concurrency,
		Warmup:      h.cfg.warmup / 2,
		Duration:    max(h.cfg.duration/4, 500*time.Millisecond),
		Timeout:     h.cfg.timeout,
		NewBuilder:  staticBuilder(req),
		Check: func(_ []byte, r *load.Response, _ bool) error {
			if r.Status != http.StatusNotModified || len(r.Body) != 0 {
				return fmt.Errorf("want 304 without a body, got %d bytes", len(r.Body))
			}
			return nil
		},
		Window: cpu.observe,
	})
	if err != nil {
		return fail("load: %v", err)
	}
	if lr.Errors > 0 {
		return fail("%d errors in conditional GET /tools: %q", lr.Errors, lr.ErrorSamples)
	}
	res.NotModifiedRPS = lr.RPS()
	res.NotModifiedP99US = us(lr.Latency.Quantile(0.99))
	res.NotModifiedCPUUS, _ = cpu.perRequest(ctx, lr.Requests)
	return res
}

// getFull GETs url and returns the status, the body's size and the ETag.
func getFull(ctx context.Context, client *http.Client, url string) (status int, n int64, etag string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, "", fmt.Errorf("GET /tools: %w", err)
	}
	defer resp.Body.Close()
	n, err = io.Copy(io.Discard, resp.Body)
	if err != nil {
		return 0, 0, "", fmt.Errorf("GET /tools: %w", err)
	}
	return resp.StatusCode, n, resp.Header.Get("ETag"), nil
}

// getConditional GETs url with If-None-Match: etag and returns the status
// and the body's size.
func getConditional(ctx context.Context, client *http.Client, url, etag string) (status, n int, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("If-None-Match", etag)
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, fmt.Errorf("conditional GET /tools: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0, fmt.Errorf("conditional GET /tools: %w", err)
	}
	return resp.StatusCode, len(b), nil
}
