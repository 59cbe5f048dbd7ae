package main

import (
	"os"
	"runtime"
	"strings"

	"github.com/otc-dev/otc/bench/internal/procfs"
)

// Machine describes where a run ran; numbers from different machines are
// not comparable, so every report carries it.
type Machine struct {
	// NumCPU is what nproc prints: the CPUs this process may run on.
	NumCPU    int    `json:"nproc"`
	CPUModel  string `json:"cpu_model"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	Kernel    string `json:"kernel,omitempty"`
}

func currentMachine() Machine {
	m := Machine{
		NumCPU:    runtime.NumCPU(),
		GoVersion: runtime.Version(),
		OS:        runtime.GOOS,
		Arch:      runtime.GOARCH,
		CPUModel:  "unknown",
	}
	if model, err := procfs.CPUModel(); err == nil {
		m.CPUModel = model
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}
