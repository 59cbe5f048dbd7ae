//go:build integration

package scaleout

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testKey is the API key every instance accepts in these tests.
const testKey = "scaleout-test-key-0123456789abcdef0123456789"

// buildOTC compiles the otc binary once per test run.
func buildOTC(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "otc")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/otc-dev/otc/cmd/otc")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("building otc: %v", err)
	}
	return bin
}

// redisURL returns the Redis to use, flushed. Outside CI a missing Redis
// skips the test; in CI it fails it.
func redisURL(t *testing.T) string {
	t.Helper()
	raw := os.Getenv("OTC_TEST_REDIS_URL")
	if raw == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("OTC_TEST_REDIS_URL is not set in CI")
		}
		t.Skip("OTC_TEST_REDIS_URL is not set: start redis-server and set it to run the scale-out test")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("OTC_TEST_REDIS_URL: %v", err)
	}
	u.Path = "/15"
	host := u.Host
	if out, err := exec.Command("redis-cli", "-h", strings.Split(host, ":")[0], "-p", u.Port(), "-n", "15", "flushdb").CombinedOutput(); err != nil {
		t.Fatalf("flushing redis db 15: %v: %s", err, out)
	}
	return u.String()
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// instance is one running otc serve.
type instance struct {
	id     string
	addr   string
	cmd    *exec.Cmd
	log    *bytes.Buffer
	exited chan struct{} // closed when the process has been waited for
}

func startInstance(t *testing.T, bin, id, store, dataDir string, extra ...string) *instance {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	args := append([]string{"serve", "--addr", addr, "--instance-id", id, "--store", store,
		"--data-dir", dataDir, "--auth", "api_key", "--log-level", "warn", "--drain-grace", "0s"}, extra...)
	cmd := exec.Command(bin, args...)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", id, err)
	}
	in := &instance{id: id, addr: addr, cmd: cmd, log: &log, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(in.exited) }()
	t.Cleanup(func() {
		in.stop()
		if t.Failed() {
			t.Logf("log of %s:\n%s", id, log.String())
		}
	})
	waitHealthy(t, "http://"+addr, in.exited)
	return in
}

func (in *instance) stop() {
	select {
	case <-in.exited:
		return
	default:
	}
	_ = in.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-in.exited:
	case <-time.After(15 * time.Second):
		_ = in.cmd.Process.Kill()
		<-in.exited
	}
}

func (in *instance) kill() {
	_ = in.cmd.Process.Kill()
	<-in.exited
}

// waitHealthy polls /health until 200, failing at once if the process
// exits (nil exited for processes the caller watches otherwise).
func waitHealthy(t *testing.T, base string, exited <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			t.Fatalf("the server for %s exited before it became healthy", base)
		default:
		}
		resp, err := http.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not become healthy", base)
}

// startNginx runs nginx in the foreground as a round-robin load balancer
// in front of the instances and returns its base URL.
func startNginx(t *testing.T, backends []*instance) string {
	t.Helper()
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		for _, p := range []string{"/usr/sbin/nginx", "/usr/local/sbin/nginx"} {
			if _, e := os.Stat(p); e == nil {
				nginx, err = p, nil
			}
		}
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("nginx is not installed in CI")
		}
		t.Skip("nginx is not installed: apt-get install nginx to run the scale-out test")
	}
	dir := t.TempDir()
	port := freePort(t)
	var servers strings.Builder
	for _, b := range backends {
		// max_fails=0: never take a backend out on its own; a killed one
		// fails fast and the request goes to the next (call_id makes the
		// retry of a POST safe, hence non_idempotent).
		fmt.Fprintf(&servers, "    server %s max_fails=0;\n", b.addr)
	}
	conf := fmt.Sprintf(`worker_processes 1;
daemon off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  upstream otc {
%[2]s    keepalive 32;
  }
  server {
    listen 127.0.0.1:%[3]d;
    location / {
      proxy_pass http://otc;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout non_idempotent;
      proxy_connect_timeout 2s;
      proxy_read_timeout 30s;
    }
  }
}
`, dir, servers.String(), port)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nginx, "-p", dir, "-c", confPath)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting nginx: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		_ = cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx:\n%s%s", log.String(), b)
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitHealthy(t, base, nil)
	return base
}

// callResult is the part of a call response the tests look at.
type callResult struct {
	status int
	body   []byte
	result struct {
		CallID  string          `json:"call_id"`
		Success bool            `json:"success"`
		Value   json.RawMessage `json:"value"`
	}
}

func call(ctx context.Context, client *http.Client, base, toolID, callID string, input any) (*callResult, error) {
	req := map[string]any{"tool_id": toolID, "input": input}
	if callID != "" {
		req["call_id"] = callID
	}
	body, _ := json.Marshal(map[string]any{"request": req})
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/tools/call", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("OTC-API-Key", testKey)
	resp, err := client.Do(hr)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := &callResult{status: resp.StatusCode}
	if out.body, err = io.ReadAll(resp.Body); err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusOK {
		var env struct {
			Result json.RawMessage `json:"result"`
		}
		if err := json.Unmarshal(out.body, &env); err != nil {
			return nil, fmt.Errorf("decoding %s: %w", out.body, err)
		}
		if err := json.Unmarshal(env.Result, &out.result); err != nil {
			return nil, err
		}
		out.body = env.Result
	}
	return out, nil
}
