package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

// The harness runs every server under test in a process of its own, so that
// the load generator and the server do not share a Go scheduler, a heap or a
// garbage collector. Servers that are not the otc binary are this same
// program re-executed with a role; the role's listener is inherited as file
// descriptor 3, bound by the harness before the exec, so that the harness
// knows the address at once and a request sent before the server is ready
// waits in the accept queue instead of failing.
const (
	roleCeiling = "ceiling"
	roleGoSDK   = "go-sdk"
	roleMCPGo   = "mcp-go"
)

// roleConfig is what the harness tells a role process, as a JSON file.
type roleConfig struct {
	// Canned is the ceiling's answer.
	Canned *cannedResponse `json:"canned,omitempty"`
	// Tools is the number of generated tools of the catalog role.
	Tools int `json:"tools,omitempty"`
}

// listenerFD is the descriptor number of the inherited listener: the first
// of exec.Cmd.ExtraFiles.
const listenerFD = 3

// runRole serves role until SIGTERM or SIGINT. cpuProfile, when not empty,
// is where a CPU profile of the whole life of the process is written.
func runRole(role, configPath, cpuProfile string) error {
	var cfg roleConfig
	if configPath != "" {
		b, err := os.ReadFile(configPath)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &cfg); err != nil {
			return fmt.Errorf("role config %s: %w", configPath, err)
		}
	}
	mux := http.NewServeMux()
	var handler http.Handler = mux
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	switch role {
	case roleCeiling:
		if cfg.Canned == nil {
			return errors.New("ceiling: no canned response in the role config")
		}
		mux.Handle("POST /tools/call", newCeilingHandler(*cfg.Canned))
	case roleGoSDK:
		mux.Handle(mcpPath, newGoSDKHandler())
	case roleMCPGo:
		mux.Handle(mcpPath, newMCPGoHandler())
	case roleCatalog:
		// The otc server answers every route itself, /health included.
		h, err := newCatalogHandler(cfg.Tools)
		if err != nil {
			return err
		}
		handler = h
	default:
		return fmt.Errorf("unknown role %q", role)
	}

	ln, err := net.FileListener(os.NewFile(listenerFD, "listener"))
	if err != nil {
		return fmt.Errorf("inherited listener: %w", err)
	}
	stopProfile, err := startCPUProfile(cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()

	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-sig
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// startCPUProfile starts a CPU profile into path, unless path is empty, and
// returns the function that ends it, which also writes the allocation
// profile of the process's whole life beside it (path with ".allocs"
// before the extension): allocations per request are what the garbage
// collector's share of a profile comes from.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		writeAllocsProfile(strings.TrimSuffix(path, filepath.Ext(path)) + ".allocs" + filepath.Ext(path))
	}, nil
}

// writeAllocsProfile writes the "allocs" profile to path; a failure is
// reported on standard error and otherwise ignored, as the CPU profile is
// already written.
func writeAllocsProfile(path string) {
	f, err := os.Create(path)
	if err == nil {
		err = pprof.Lookup("allocs").WriteTo(f, 0)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: allocation profile:", err)
	}
}
