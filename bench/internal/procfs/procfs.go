// Package procfs reads the few process facts the benchmark harness reports
// from Linux's /proc: CPU time (utime+stime of /proc/PID/stat), resident
// memory (VmRSS of /proc/PID/status) and the CPU model (/proc/cpuinfo).
// Elsewhere, or when /proc is not mounted, the readers return an error and
// the harness leaves the numbers out.
package procfs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"
)

// ticksPerSecond is USER_HZ, the unit of utime and stime. Linux fixes it at
// 100 in its user-space ABI on every architecture Go supports, which is why
// it can be a constant here rather than sysconf(_SC_CLK_TCK), which would
// need cgo.
const ticksPerSecond = 100

// CPUTime returns the user plus system CPU time that process pid (all its
// threads) has used so far. Its resolution is 10 ms.
func CPUTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return ParseStatCPU(b)
}

// RSS returns the resident set size of process pid in bytes.
func RSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return ParseVmRSS(b)
}

// CPUModel returns the "model name" of the first processor in /proc/cpuinfo.
func CPUModel() (string, error) {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "", err
	}
	return ParseCPUModel(b)
}

// ErrFormat is wrapped by every parse error.
var ErrFormat = errors.New("procfs: unexpected format")

// ParseStatCPU returns utime+stime from the contents of /proc/PID/stat.
// The second field, the command name, is in parentheses and may itself
// contain spaces and parentheses, so fields are counted from the last ')'.
func ParseStatCPU(b []byte) (time.Duration, error) {
	end := bytes.LastIndexByte(b, ')')
	if end < 0 {
		return 0, fmt.Errorf("%w: stat has no command name", ErrFormat)
	}
	// After ")": state is field 3; utime and stime are fields 14 and 15.
	fields := bytes.Fields(b[end+1:])
	const utime, stime = 14 - 3, 15 - 3
	if len(fields) <= stime {
		return 0, fmt.Errorf("%w: stat has %d fields after the command name", ErrFormat, len(fields))
	}
	var total uint64
	for _, i := range []int{utime, stime} {
		n, err := strconv.ParseUint(string(fields[i]), 10, 63)
		if err != nil {
			return 0, fmt.Errorf("%w: stat field %d is not a count of ticks", ErrFormat, i+3)
		}
		total += n
	}
	if total > uint64(1<<62)/uint64(time.Second/ticksPerSecond) {
		return 0, fmt.Errorf("%w: stat CPU time out of range", ErrFormat)
	}
	return time.Duration(total) * (time.Second / ticksPerSecond), nil
}

// ParseVmRSS returns the VmRSS line of /proc/PID/status in bytes.
func ParseVmRSS(b []byte) (int64, error) {
	v, ok := field(b, "VmRSS", ':')
	if !ok {
		return 0, fmt.Errorf("%w: status has no VmRSS", ErrFormat)
	}
	num, unit, _ := bytes.Cut(bytes.TrimSpace(v), []byte(" "))
	n, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil || n < 0 || string(bytes.TrimSpace(unit)) != "kB" || n > 1<<50 {
		return 0, fmt.Errorf("%w: VmRSS is not a size in kB", ErrFormat)
	}
	return n << 10, nil
}

// ParseCPUModel returns the first "model name" of /proc/cpuinfo contents.
func ParseCPUModel(b []byte) (string, error) {
	v, ok := field(b, "model name", ':')
	if !ok {
		return "", fmt.Errorf("%w: cpuinfo has no model name", ErrFormat)
	}
	return string(bytes.TrimSpace(v)), nil
}

// field returns the value after sep on the first line whose key, with
// surrounding blanks removed, is name.
func field(b []byte, name string, sep byte) ([]byte, bool) {
	for line := range bytes.Lines(b) {
		k, v, ok := bytes.Cut(line, []byte{sep})
		if ok && string(bytes.TrimSpace(k)) == name {
			return v, true
		}
	}
	return nil, false
}

// LoadAverage returns the 1, 5 and 15 minute load averages of
// /proc/loadavg, as the kernel writes them ("0.52 0.58 0.59").
func LoadAverage() (string, error) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "", err
	}
	return ParseLoadAverage(b)
}

// ParseLoadAverage returns the first three fields of /proc/loadavg contents,
// each checked to be a decimal number.
func ParseLoadAverage(b []byte) (string, error) {
	f := bytes.Fields(b)
	if len(f) < 3 {
		return "", fmt.Errorf("%w: loadavg has %d fields", ErrFormat, len(f))
	}
	for _, v := range f[:3] {
		if _, err := strconv.ParseFloat(string(v), 64); err != nil || len(v) > 12 {
			return "", fmt.Errorf("%w: loadavg field is not a number", ErrFormat)
		}
	}
	return string(bytes.Join(f[:3], []byte(" "))), nil
}
