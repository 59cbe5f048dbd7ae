package cli

import (
	"bytes"
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCertDev(t *testing.T) {
	main := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Main(args, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	dir := filepath.Join(t.TempDir(), "certs")
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    []string
		wantErrOut string
	}{
		{"writes a certificate", []string{"cert", "dev", "--dir", dir, "--host", "otc.test,192.0.2.9"}, ExitOK,
			[]string{filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"),
				"localhost, 127.0.0.1, ::1, otc.test, 192.0.2.9", "--tls-cert", "curl --cacert"}, ""},
		{"never overwrites", []string{"cert", "dev", "--dir", dir}, ExitFailure, nil, "already exists"},
		{"bad host is a usage error", []string{"cert", "dev", "--dir", t.TempDir(), "--host", "not a host"}, ExitUsage, nil, `--host "not a host"`},
		{"no arguments", []string{"cert", "dev", "extra"}, ExitUsage, nil, "unknown command"},
		{"default directory under the data directory", []string{"cert", "dev", "--data-dir", filepath.Join(dir, "data")}, ExitOK,
			[]string{filepath.Join(dir, "data", "tls", "cert.pem")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := main(tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if !strings.Contains(errOut, tt.wantErrOut) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErrOut, errOut)
			}
		})
	}
	if _, err := tls.LoadX509KeyPair(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")); err != nil {
		t.Errorf("the written files are not a key pair: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "key.pem")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key.pem: %v, mode %v", err, fi.Mode())
	}
}

func TestCertDevDataDirFromEnv(t *testing.T) {
	data := t.TempDir()
	t.Setenv("OTC_DATA_DIR", data)
	var out, errOut bytes.Buffer
	if code := Main([]string{"cert", "dev"}, &out, &errOut); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if _, err := os.Stat(filepath.Join(data, "tls", "cert.pem")); err != nil {
		t.Errorf("OTC_DATA_DIR not used for the default directory: %v", err)
	}
}
