package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// apiKeyName names the harness's API key in OTC_API_KEYS.
const apiKeyName = "bench"

// otcServeArgs returns the flags of "otc serve" for a target: loopback,
// quiet logs, its own data directory, and no drain grace period, so that
// stopping a server between targets takes no time.
func otcServeArgs(addr, auth, store, dataDir string) []string {
	return []string{
		"--addr", addr,
		"--auth", auth,
		"--data-dir", dataDir,
		"--store", store,
		"--log-level", "error",
		"--allow-unauthenticated",
		"--drain-grace", "0s",
		"--shutdown-timeout", "2s",
	}
}

// newSecret returns n random bytes, hex-encoded: 2n characters of a
// credential with n bytes of entropy (AUTH-7 asks for at least 32).
func newSecret(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// buildOTC builds the otc command into dir and returns its path. It runs
// the go command of the current toolchain in the module's root directory.
func buildOTC(ctx context.Context, dir string) (string, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "otc")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/otc")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/otc: %w\n%s", err, b)
	}
	return out, nil
}

// moduleRoot returns the directory of the main module's go.mod.
func moduleRoot(ctx context.Context) (string, error) {
	b, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(b))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("not inside the otc module: run the harness from the repository (go run ./bench)")
	}
	return filepath.Dir(gomod), nil
}

// probeOTC sends the benchmark's call once to the otc server at addr and
// returns its answer as the ceiling's canned response: same headers (but
// those net/http sets per response) and the same body bytes.
func probeOTC(ctx context.Context, addr string) (cannedResponse, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/tools/call", strings.NewReader(otcCallBody))
	if err != nil {
		return cannedResponse{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return cannedResponse{}, fmt.Errorf("probe otc: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return cannedResponse{}, fmt.Errorf("probe otc: %w", err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"success":true`)) {
		return cannedResponse{}, fmt.Errorf("probe otc: status %d: %s", resp.StatusCode, snippet(body))
	}
	h := resp.Header.Clone()
	for _, k := range []string{"Date", "Content-Length", "Connection", "Keep-Alive", "Transfer-Encoding"} {
		h.Del(k)
	}
	return cannedResponse{Header: h, Body: body}, nil
}
