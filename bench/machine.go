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
	// LoadBefore and LoadAfter are the 1, 5 and 15 minute load averages
	// when the run started and when its targets were done: a load well
	// above zero before means something else was running, and the numbers
	// are lower than the machine can do.
	LoadBefore string `json:"load_before,omitempty"`
	LoadAfter  string `json:"load_after,omitempty"`
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
	m.LoadBefore = loadAverage()
	return m
}

// loadAverage returns the three load averages of /proc/loadavg, or "?".
func loadAverage() string {
	l, err := procfs.LoadAverage()
	if err != nil {
		return "?"
	}
	return l
}
