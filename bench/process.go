package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// serverProcess is a server under test running as a child process.
type serverProcess struct {
	name    string
	cmd     *exec.Cmd
	addr    string // host:port it serves on
	logPath string // its stdout and stderr
	started time.Time
	exited  chan struct{} // closed when the process has exited
	waitErr error         // valid once exited is closed
}

// processSpec says how to start a server process.
type processSpec struct {
	name string
	path string
	args []string
	env  []string
	// inherit, when true, binds a loopback listener here and hands it to
	// the child as descriptor 3 (a role of this program); otherwise a free
	// port is chosen and the child is expected to listen on addr, which
	// args must contain as the placeholder addrPlaceholder.
	inherit bool
	// logDir is where the process's output goes.
	logDir string
}

// addrPlaceholder in processSpec.args is replaced by the chosen address.
const addrPlaceholder = "{addr}"

// startProcess starts spec's process. It does not wait for it to be ready.
func startProcess(spec processSpec) (*serverProcess, error) {
	logPath := fmt.Sprintf("%s/%s.log", spec.logDir, spec.name)
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child keeps its own descriptor

	var addr string
	var lnFile *os.File
	if spec.inherit {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		addr = ln.Addr().String()
		lnFile, err = ln.(*net.TCPListener).File()
		ln.Close() // lnFile is a duplicate that stays open
		if err != nil {
			return nil, err
		}
		defer lnFile.Close()
	} else {
		if addr, err = freeAddr(); err != nil {
			return nil, err
		}
	}
	args := make([]string, len(spec.args))
	for i, a := range spec.args {
		args[i] = strings.ReplaceAll(a, addrPlaceholder, addr)
	}

	cmd := exec.Command(spec.path, args...)
	cmd.Env = spec.env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if lnFile != nil {
		cmd.ExtraFiles = []*os.File{lnFile}
	}
	// Its own process group, so that a Ctrl-C meant for the harness reaches
	// the harness, which then stops its children in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &serverProcess{name: spec.name, cmd: cmd, addr: addr, logPath: logPath, exited: make(chan struct{})}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.name, err)
	}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// freeAddr returns a loopback address with a port that was free a moment
// ago. Another process could take it before the server binds it; the server
// then fails to start, which the harness reports.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// pid returns the process id.
func (p *serverProcess) pid() int { return p.cmd.Process.Pid }

// waitReady polls GET /health until it answers 200 and returns the time
// from the start of the process to that answer.
func (p *serverProcess) waitReady(ctx context.Context, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
	url := "http://" + p.addr + "/health"
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(p.started), nil
			}
		}
		select {
		case <-p.exited:
			return 0, fmt.Errorf("%s exited before it was ready (%v); its log:\n%s", p.name, p.waitErr, p.logTail())
		case <-ctx.Done():
			return 0, fmt.Errorf("%s not ready after %v: %w; its log:\n%s", p.name, timeout, ctx.Err(), p.logTail())
		case <-time.After(time.Millisecond):
		}
	}
}

// stop asks the process to terminate and kills it if it has not within a
// few seconds. It returns an error if the process had already died.
func (p *serverProcess) stop() error {
	select {
	case <-p.exited:
		return fmt.Errorf("%s died during the run (%v); its log:\n%s", p.name, p.waitErr, p.logTail())
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
	return nil
}

// logTail returns the end of the process's output, for error messages.
func (p *serverProcess) logTail() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	const keep = 2000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(b)
}

// childEnv returns the environment for a server process: this process's,
// without GOMAXPROCS (the harness sets its own, for the generator; a server
// gets the Go default, all cores) and without OTC_* variables (so that the
// user's configuration does not change what is measured), plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GOMAXPROCS=") || strings.HasPrefix(kv, "OTC_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}
