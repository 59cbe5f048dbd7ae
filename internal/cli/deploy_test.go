package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/otc-dev/otc/internal/config"
)

// TestDeployFilesNameRealFlags keeps the Dockerfile and the Kubernetes
// manifests, which cannot be run here, consistent with "otc serve": every
// --flag and OTC_* variable they name must exist.
func TestDeployFilesNameRealFlags(t *testing.T) {
	fs := newServeCmd().Flags()
	files, err := filepath.Glob(filepath.Join("..", "..", "deploy", "kubernetes", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join("..", "..", "Dockerfile"))
	if len(files) < 5 {
		t.Fatalf("found only %v: the deploy files moved?", files)
	}
	flagRE := regexp.MustCompile(`(?:^|[\s"\[,])--([a-z][a-z0-9-]+)`)
	envRE := regexp.MustCompile(`\bOTC_[A-Z0-9_]+`)
	known := map[string]bool{"OTC_API_KEYS": true, "OTC_JWT_SECRETS": true}
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				// Comments show other commands (otc keygen, kubectl ...).
				continue
			}
			if !namesOTCFlags(f, line) {
				continue
			}
			for _, m := range flagRE.FindAllStringSubmatch(line, -1) {
				seen++
				if fs.Lookup(m[1]) == nil {
					t.Errorf("%s names --%s, which otc serve does not have", f, m[1])
				}
			}
			for _, name := range envRE.FindAllString(line, -1) {
				seen++
				flag := strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(name, "OTC_")), "_", "-")
				if !known[name] && (fs.Lookup(flag) == nil || config.EnvName(flag) != name) {
					t.Errorf("%s names %s, which is no setting of otc serve", f, name)
				}
			}
		}
	}
	if seen < 10 {
		t.Fatalf("found only %d flags and variables in the deploy files: the pattern is broken", seen)
	}
}

// namesOTCFlags reports whether line passes flags to otc serve: the
// Dockerfile's CMD and ENTRYPOINT, and the otc Deployment (the Redis
// manifest passes flags to redis-server).
func namesOTCFlags(file, line string) bool {
	switch filepath.Base(file) {
	case "Dockerfile":
		t := strings.TrimSpace(line)
		return strings.HasPrefix(t, "CMD") || strings.HasPrefix(t, "ENTRYPOINT")
	case "redis.yaml":
		return false
	}
	return true
}
