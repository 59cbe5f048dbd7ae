package procfs

import (
	"errors"
	"os"
	"runtime"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Duration
	}{
		{
			name: "plain",
			in:   "1234 (otc) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 12345 123456 789",
			want: 3 * time.Second,
		},
		{
			name: "command with spaces and parentheses",
			in:   "42 (a) b (c)) R 1 1 1 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 1 1 1",
			want: 100 * time.Millisecond,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStatCPU([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		parse func([]byte) error
		in    string
	}{
		{"stat without name", statErr, "1234 S 1 2 3"},
		{"stat too short", statErr, "1 (x) S 1 2 3"},
		{"stat utime not a number", statErr, "1 (x) S 1 1 1 0 -1 0 0 0 0 0 x 3 0"},
		{"stat negative stime", statErr, "1 (x) S 1 1 1 0 -1 0 0 0 0 0 1 -3 0"},
		{"stat huge", statErr, "1 (x) S 1 1 1 0 -1 0 0 0 0 0 4611686018427387903 1 0"},
		{"status without VmRSS", rssErr, "Name:\totc\nVmSize:\t 100 kB\n"},
		{"VmRSS in MB", rssErr, "VmRSS:\t 100 MB\n"},
		{"VmRSS not a number", rssErr, "VmRSS:\t lots kB\n"},
		{"cpuinfo without model", modelErr, "processor\t: 0\n"},
		{"loadavg too short", loadErr, "0.5 0.6\n"},
		{"loadavg not numbers", loadErr, "a b c 1/2 3\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.parse([]byte(tt.in)); !errors.Is(err, ErrFormat) {
				t.Errorf("err = %v, want ErrFormat", err)
			}
		})
	}
}

func statErr(b []byte) error  { _, err := ParseStatCPU(b); return err }
func rssErr(b []byte) error   { _, err := ParseVmRSS(b); return err }
func modelErr(b []byte) error { _, err := ParseCPUModel(b); return err }
func loadErr(b []byte) error  { _, err := ParseLoadAverage(b); return err }

func TestParseLoadAverage(t *testing.T) {
	got, err := ParseLoadAverage([]byte("2.62 8.44 7.38 1/101 3990\n"))
	if err != nil || got != "2.62 8.44 7.38" {
		t.Errorf("ParseLoadAverage = %q, %v", got, err)
	}
}

func TestParseVmRSS(t *testing.T) {
	in := "Name:\totc\nVmPeak:\t  900 kB\nVmRSS:\t   20480 kB\nThreads:\t9\n"
	got, err := ParseVmRSS([]byte(in))
	if err != nil || got != 20<<20 {
		t.Errorf("ParseVmRSS = %d, %v; want %d", got, err, 20<<20)
	}
}

func TestParseCPUModel(t *testing.T) {
	in := "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\nmodel name\t: other\n"
	got, err := ParseCPUModel([]byte(in))
	if err != nil || got != "AMD EPYC 7B13" {
		t.Errorf("ParseCPUModel = %q, %v", got, err)
	}
}

func TestSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	// Burn CPU until a tick is accounted (CPU time is sampled in ticks).
	var cpu time.Duration
	var err error
	for deadline := time.Now().Add(5 * time.Second); cpu == 0 && err == nil && time.Now().Before(deadline); {
		cpu, err = CPUTime(os.Getpid())
	}
	if err != nil || cpu <= 0 {
		t.Errorf("CPUTime(self) = %v, %v; want a positive time", cpu, err)
	}
	rss, err := RSS(os.Getpid())
	if err != nil || rss < 1<<20 {
		t.Errorf("RSS(self) = %d, %v; want at least 1 MiB", rss, err)
	}
	if _, err := LoadAverage(); err != nil {
		t.Errorf("LoadAverage: %v", err)
	}
	if _, err := CPUModel(); err != nil {
		t.Logf("CPUModel: %v (some virtual machines hide it)", err)
	}
}

func FuzzParseStatCPU(f *testing.F) {
	f.Add([]byte("1234 (otc) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 12345"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if d, err := ParseStatCPU(b); err == nil && d < 0 {
			t.Fatalf("negative CPU time %v", d)
		}
	})
}

func FuzzParseVmRSS(f *testing.F) {
	f.Add([]byte("Name:\totc\nVmRSS:\t   20480 kB\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if n, err := ParseVmRSS(b); err == nil && n < 0 {
			t.Fatalf("negative size %d", n)
		}
	})
}
