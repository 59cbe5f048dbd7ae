package app

// Helpers shared by the end-to-end tests of "otc serve": a server built by
// build() from parsed flags and served by (*app).serve in the test
// process, a net/http client for it, and a reader for its metrics. The raw
// TCP client is in rawconn_test.go.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/otc-dev/otc/auth"
	"github.com/otc-dev/otc/internal/config"
)

// Credentials of the test servers: 32 bytes or more each (AUTH-7), and
// distinctive, so that a leak into a log, a metric or an error is found by
// a plain substring search.
const (
	keyAlice  = "alice-key-7Qm2xVw9Lr4Tz8Kp1Hn6Bd3Fs5Gj0Yc"
	keyBob    = "bob-key-Zt4Rw8Nq2Lm6Xv0Hp3Kc7Fd1Bs9Gj5Yq"
	jwtSecret = "jwt-secret-Pw3Nv8Qz1Lk5Rt9Xm2Hc6Bd0Fj4Gs7"
)

// defaultKeys is OTC_API_KEYS of a test server unless a test says otherwise.
var defaultKeys = "alice=" + keyAlice + ",bob=" + keyBob

// serveOptions describe one test server. The zero value serves the
// examples toolkit with API keys (alice, bob) and JWTs (jwtSecret).
type serveOptions struct {
	// args are flags after the base flags (loopback port 0, memory store,
	// the test's data directory, no drain grace), so they override them.
	args []string
	// apiKeys and jwtSecrets are OTC_API_KEYS and OTC_JWT_SECRETS. Empty
	// means defaultKeys and jwtSecret; "-" means unset.
	apiKeys, jwtSecrets string
	// configFile is given to config.ApplyFile after the flags, as the CLI
	// does with --config.
	configFile string
	// dataDir is the data directory. Empty means a new t.TempDir().
	dataDir string
}

// parseConfig builds the configuration the way "otc serve" does: flags
// through RegisterFlags (so that defaults apply), the config file, the
// secret environment, Validate.
func parseConfig(t testing.TB, o serveOptions) (*config.Serve, error) {
	t.Helper()
	if o.dataDir == "" {
		o.dataDir = t.TempDir()
	}
	var cfg config.Serve
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.RegisterFlags(fs)
	args := append([]string{
		"--addr", "127.0.0.1:0",
		"--store", "memory",
		"--data-dir", o.dataDir,
		"--drain-grace", "0s",
		"--shutdown-timeout", "2s",
		"--log-level", "debug",
	}, o.args...)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	if o.configFile != "" {
		if err := config.ApplyFile(o.configFile, fs, &cfg); err != nil {
			return nil, err
		}
	}
	switch o.apiKeys {
	case "":
		cfg.APIKeysEnv = defaultKeys
	case "-":
	default:
		cfg.APIKeysEnv = o.apiKeys
	}
	switch o.jwtSecrets {
	case "":
		cfg.JWTSecretsEnv = jwtSecret
	case "-":
	default:
		cfg.JWTSecretsEnv = o.jwtSecrets
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// testServer is one "otc serve" running in the test process.
type testServer struct {
	app    *app
	cfg    *config.Serve
	addr   string // the main listener's bound host:port
	url    string // http:// or https:// and addr
	stdout *syncBuffer
	stderr *syncBuffer // the process log, and audit records without --audit-log
	client *http.Client

	cancel   context.CancelFunc // ends serve, as SIGTERM does
	done     chan error         // serve's result
	stopOnce sync.Once
	stopErr  error
}

// buildApp runs build with captured output, as Run does.
func buildApp(t testing.TB, cfg *config.Serve) (*app, *syncBuffer, *syncBuffer, error) {
	t.Helper()
	stdout, stderr := new(syncBuffer), new(syncBuffer)
	a, err := build(context.Background(), cfg, stdout, stderr, newLogger(cfg, stderr))
	if err == nil {
		t.Cleanup(a.close)
	}
	return a, stdout, stderr, err
}

// startServer builds and serves a server for o, and stops it when the test
// ends. It fails the test when the configuration is refused.
func startServer(t *testing.T, o serveOptions) *testServer {
	t.Helper()
	cfg, err := parseConfig(t, o)
	if err != nil {
		t.Fatalf("configuration refused: %v", err)
	}
	return serveConfig(t, cfg)
}

// serveConfig builds and serves cfg.
func serveConfig(t *testing.T, cfg *config.Serve) *testServer {
	t.Helper()
	a, stdout, stderr, err := buildApp(t, cfg)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{
		app: a, cfg: cfg, addr: a.listeners[0].addr, stdout: stdout, stderr: stderr,
		cancel: cancel, done: make(chan error, 1),
		client: &http.Client{Transport: &http.Transport{}, Timeout: 20 * time.Second},
	}
	s.url = "http://" + s.addr
	if cfg.TLSCert != "" {
		s.url = "https://" + s.addr
	}
	go func() { s.done <- a.serve(ctx) }()
	// serve announces itself once its listeners serve.
	waitFor(t, 5*time.Second, "the start-up line", func() bool { return strings.Contains(s.stdout.String(), "otc: serving") })
	t.Cleanup(func() {
		s.client.CloseIdleConnections()
		if err := s.stop(t); err != nil {
			t.Errorf("serve returned %v, want nil after a clean drain", err)
		}
	})
	return s
}

// stop ends serve as SIGTERM does and returns its result. It fails the
// test when serve does not return within the drain settings and a margin.
func (s *testServer) stop(t *testing.T) error {
	t.Helper()
	s.stopOnce.Do(func() {
		s.cancel()
		limit := s.cfg.DrainGrace + s.cfg.ShutdownTimeout + 10*time.Second
		select {
		case s.stopErr = <-s.done:
		case <-time.After(limit):
			s.stopErr = errors.New("serve did not return")
			t.Errorf("serve did not return within %v of the cancellation", limit)
		}
	})
	return s.stopErr
}

// response is what a test reads of an HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
	proto  string
}

// json decodes the body into a map, failing the test when it is not a
// JSON object.
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("status %d body %q is not a JSON object: %v", r.status, r.body, err)
	}
	return m
}

// do sends one request with s.client. header is applied in pairs.
func (s *testServer) do(t *testing.T, method, path, body string, header ...string) response {
	t.Helper()
	return doWith(t, s.client, method, s.url+path, body, header...)
}

func doWith(t *testing.T, c *http.Client, method, url, body string, header ...string) response {
	t.Helper()
	resp, err := tryDo(c, method, url, body, header...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return resp
}

func tryDo(c *http.Client, method, url, body string, header ...string) (response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return response{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b, proto: resp.Proto}, nil
}

// callBody returns a POST /tools/call body for toolID with input (any JSON
// value, nil for none) and extra request fields such as call_id.
func callBody(t *testing.T, toolID string, input any, extra map[string]any) string {
	t.Helper()
	req := map[string]any{"tool_id": toolID}
	if input != nil {
		req["input"] = input
	}
	for k, v := range extra {
		req[k] = v
	}
	b, err := json.Marshal(map[string]any{"request": req})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// apiKey and bearer are request header pairs for do.
func apiKey(key string) []string   { return []string{"OTC-API-Key", key} }
func bearer(token string) []string { return []string{"Authorization", "Bearer " + token} }

// mintJWT returns a valid token for jwtSecret naming subject.
func mintJWT(t *testing.T, subject string) string {
	t.Helper()
	tok, err := auth.MintToken([]byte(jwtSecret), auth.MintOptions{Subject: subject})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// waitFor polls cond every few milliseconds until it holds, failing the
// test after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// metrics returns the text of GET /metrics at url.
func scrape(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	r := doWith(t, c, http.MethodGet, url+"/metrics", "")
	if r.status != http.StatusOK {
		t.Fatalf("GET /metrics: status %d, body %q", r.status, r.body)
	}
	return string(r.body)
}

// metricValue finds the sample of name whose labels include labels in the
// Prometheus text format, and reports whether there is one.
func metricValue(text, name string, labels map[string]string) (float64, bool) {
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "#") || !strings.HasPrefix(line, name) {
			continue
		}
		rest := line[len(name):]
		var labelText string
		switch {
		case strings.HasPrefix(rest, "{"):
			end := strings.LastIndex(rest, "}")
			if end < 0 {
				continue
			}
			labelText, rest = rest[1:end], rest[end+1:]
		case strings.HasPrefix(rest, " "):
		default:
			continue // a longer name with this prefix
		}
		ok := true
		for k, v := range labels {
			if !strings.Contains(","+labelText+",", ","+k+"="+strconv.Quote(v)+",") {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
		if err != nil {
			continue
		}
		return f, true
	}
	return 0, false
}

// inFlight reports the otc_tool_calls_in_flight gauge of toolID.
func (s *testServer) inFlight(t *testing.T, toolID string) float64 {
	t.Helper()
	v, _ := metricValue(scrape(t, s.client, s.url), "otc_tool_calls_in_flight", map[string]string{"tool": toolID})
	return v
}

// syncBuffer is a bytes.Buffer safe for the concurrent writers of a server
// (its logger, its audit log, the announcement).
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// writeFile writes a private file in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
