package tlsconfig_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/otc-dev/otc/internal/tlsconfig"
)

func ExampleServerConfig() {
	dir, _ := os.MkdirTemp("", "otc-example")
	defer os.RemoveAll(dir)
	dc, err := tlsconfig.GenerateDevCert(dir, []string{"otc.internal"}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	fmt.Println(filepath.Base(dc.CertFile), filepath.Base(dc.KeyFile), dc.Hosts, dc.NotAfter.Format(time.DateOnly))

	cfg, reloader, err := tlsconfig.ServerConfig(tlsconfig.Options{CertFile: dc.CertFile, KeyFile: dc.KeyFile})
	if err != nil {
		panic(err)
	}
	fmt.Println(cfg.NextProtos, reloader.Certificate().Leaf.Subject.CommonName)
	// On SIGHUP: if err := reloader.Reload(); err != nil { log it; the old certificate stays }
	// Output:
	// cert.pem key.pem [localhost 127.0.0.1 ::1 otc.internal] 2026-04-01
	// [h2 http/1.1] otc development certificate
}
