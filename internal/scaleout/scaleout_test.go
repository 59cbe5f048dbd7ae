//go:build integration

package scaleout

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// limitedKey has its own rate limit in the config file; testKey has none.
const limitedKey = "scaleout-limited-key-0123456789abcdef01234567"

func writeConfig(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "otc.yaml")
	conf := fmt.Sprintf(`api-keys:
  - name: scale
    key: %s
  - name: limited
    key: %s
    rate-limit: 2/s
    rate-burst: 10
`, testKey, limitedKey)
	if err := os.WriteFile(p, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestScaleOut proves, with three instances sharing Redis behind nginx, that
// a call_id runs once (CALL-6), that a client's rate limit is one limit
// across instances (AUTH-18), and that losing an instance loses no
// answered call.
func TestScaleOut(t *testing.T) {
	bin := buildOTC(t)
	redis := redisURL(t)
	conf := writeConfig(t)
	var instances []*instance
	for _, id := range []string{"inst-a", "inst-b", "inst-c"} {
		instances = append(instances, startInstance(t, bin, id, redis, t.TempDir(),
			"--config", conf, "--call-timeout", "3s", "--auth-fail-limit", "off"))
	}
	base := startNginx(t, instances)
	client := &http.Client{Timeout: 40 * time.Second}
	ctx := context.Background()

	t.Run("one call_id runs once across instances", func(t *testing.T) {
		const n = 30
		results := make([]*callResult, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = call(ctx, client, base, "Demo.Counter@1.0.0", "scaleout-counter-1", map[string]any{})
			}()
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("request %d: %v", i, errs[i])
			}
			if results[i].status != http.StatusOK || !results[i].result.Success {
				t.Fatalf("request %d: status %d body %s", i, results[i].status, results[i].body)
			}
			if !bytes.Equal(results[i].body, results[0].body) {
				t.Fatalf("request %d answered %s, request 0 answered %s: the tool ran more than once", i, results[i].body, results[0].body)
			}
		}
		var v struct {
			Count    int    `json:"count"`
			Instance string `json:"instance"`
		}
		if err := json.Unmarshal(results[0].result.Value, &v); err != nil || v.Count != 1 {
			t.Fatalf("counter value %s (%v): want count 1", results[0].result.Value, err)
		}
		t.Logf("all %d answers name instance %s, count %d", n, v.Instance, v.Count)
	})

	t.Run("rate limit holds across instances", func(t *testing.T) {
		start := time.Now()
		allowed, limited := 0, 0
		for i := range 60 {
			hr, _ := http.NewRequest(http.MethodGet, base+"/tools", nil)
			hr.Header.Set("OTC-API-Key", limitedKey)
			resp, err := client.Do(hr)
			if err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
			resp.Body.Close()
			switch resp.StatusCode {
			case http.StatusOK:
				allowed++
			case http.StatusTooManyRequests:
				limited++
				if resp.Header.Get("Retry-After") == "" {
					t.Errorf("429 without Retry-After")
				}
			default:
				t.Fatalf("request %d: status %d", i, resp.StatusCode)
			}
		}
		elapsed := time.Since(start).Seconds()
		// One shared bucket: burst 10 plus 2/s refill. Three separate
		// buckets would let about 30 through.
		maxAllowed := 10 + int(2*elapsed) + 1
		t.Logf("60 requests in %.2fs: %d allowed, %d limited (max %d)", elapsed, allowed, limited, maxAllowed)
		if allowed > maxAllowed || limited == 0 {
			t.Fatalf("%d allowed, %d limited in %.2fs: the limit is not shared (want at most %d allowed)", allowed, limited, elapsed, maxAllowed)
		}
	})

	t.Run("killing an instance loses no answered call", func(t *testing.T) {
		const workers = 4
		deadline := time.Now().Add(3 * time.Second)
		var mu sync.Mutex
		type answer struct {
			input map[string]any
			body  []byte
		}
		answered := map[string]answer{}
		var failures []string
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; time.Now().Before(deadline); i++ {
					id := fmt.Sprintf("kill-%d-%d", w, i)
					input := map[string]any{"a": i, "b": w}
					r, err := call(ctx, client, base, "Calculator.Add@1.0.0", id, input)
					mu.Lock()
					switch {
					case err != nil:
						failures = append(failures, fmt.Sprintf("%s: %v", id, err))
					case r.status != http.StatusOK:
						failures = append(failures, fmt.Sprintf("%s: status %d %s", id, r.status, r.body))
					default:
						answered[id] = answer{input, r.body}
					}
					mu.Unlock()
				}
			}()
		}
		time.Sleep(time.Second)
		instances[1].kill()
		wg.Wait()
		if len(failures) > 0 {
			t.Fatalf("%d calls failed while an instance died, e.g. %s", len(failures), failures[0])
		}
		if len(answered) < 50 {
			t.Fatalf("only %d calls answered in 3s", len(answered))
		}
		// Every answered call is kept: a retry with the same request gets
		// the same answer, from whichever instance nginx picks.
		for id, a := range answered {
			r, err := call(ctx, client, base, "Calculator.Add@1.0.0", id, a.input)
			if err != nil {
				t.Fatalf("repeat of %s: %v", id, err)
			}
			if !bytes.Equal(r.body, a.body) {
				t.Fatalf("repeat of %s answered %s, first answer %s", id, r.body, a.body)
			}
		}
		t.Logf("%d calls answered while inst-b was killed; none lost", len(answered))
	})
}

// TestScaleOutRestartKeepsRecords proves that the durable stores keep call
// records across a restart of a single instance (CALL-6): a clean stop
// (SIGTERM) and a crash (SIGKILL right after the answer, so that only what
// was on disk when the call was answered can survive).
func TestScaleOutRestartKeepsRecords(t *testing.T) {
	bin := buildOTC(t)
	conf := writeConfig(t)
	for _, tc := range []struct {
		store string
		crash bool
	}{
		{"journal", false},
		{"journal", true},
		{"bolt", false},
		{"bolt", true},
	} {
		name := tc.store + "/stop"
		if tc.crash {
			name = tc.store + "/crash"
		}
		t.Run(name, func(t *testing.T) {
			restartKeepsRecords(t, bin, conf, tc.store, tc.crash)
		})
	}
}

func restartKeepsRecords(t *testing.T, bin, conf, storeName string, crash bool) {
	dataDir := t.TempDir()
	client := &http.Client{Timeout: 10 * time.Second}
	ctx := context.Background()

	first := startInstance(t, bin, "solo", storeName, dataDir, "--config", conf)
	r1, err := call(ctx, client, "http://"+first.addr, "Demo.Counter@1.0.0", "restart-1", map[string]any{})
	if err != nil || r1.status != http.StatusOK {
		t.Fatalf("first call: %v %+v", err, r1)
	}
	// Calculator.Add is declared idempotent: the journal writes its record
	// once, with the result (no claim before it runs). That write must
	// survive as well.
	add := map[string]any{"a": 1, "b": 2}
	a1, err := call(ctx, client, "http://"+first.addr, "Calculator.Add@1.0.0", "restart-add", add)
	if err != nil || a1.status != http.StatusOK {
		t.Fatalf("first Calculator.Add: %v %+v", err, a1)
	}
	if crash {
		first.kill()
	} else {
		first.stop()
	}

	second := startInstance(t, bin, "solo", storeName, dataDir, "--config", conf)
	r2, err := call(ctx, client, "http://"+second.addr, "Demo.Counter@1.0.0", "restart-1", map[string]any{})
	if err != nil || r2.status != http.StatusOK {
		t.Fatalf("repeat after restart: %v %+v", err, r2)
	}
	if !bytes.Equal(r1.body, r2.body) {
		t.Fatalf("after restart the repeat answered %s, before %s", r2.body, r1.body)
	}
	a2, err := call(ctx, client, "http://"+second.addr, "Calculator.Add@1.0.0", "restart-add", add)
	if err != nil || a2.status != http.StatusOK || !bytes.Equal(a1.body, a2.body) {
		t.Fatalf("Calculator.Add repeated after restart: %v, answered %s, before %s", err, a2.body, a1.body)
	}
	// The new process's counter starts again at 1: the repeat did not run it.
	r3, err := call(ctx, client, "http://"+second.addr, "Demo.Counter@1.0.0", "restart-2", map[string]any{})
	if err != nil || r3.status != http.StatusOK {
		t.Fatalf("new call: %v %+v", err, r3)
	}
	var v struct {
		Count int `json:"count"`
	}
	if err := json.Unmarshal(r3.result.Value, &v); err != nil || v.Count != 1 {
		t.Fatalf("new call after restart: value %s, want count 1 (the repeat must not have run the tool)", r3.result.Value)
	}
}
