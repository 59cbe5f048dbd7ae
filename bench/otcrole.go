package main

import (
	"fmt"
	"os"

	"github.com/otc-dev/otc/internal/cli"
)

// roleOTC runs otc's own command line inside this program. It exists for
// -profile: the code path is the otc binary's (cli.Main is all its main
// does), and this process can wrap it in a CPU profile.
const roleOTC = "otc"

// runOTCRole runs "otc args..." and writes a CPU profile to cpuProfile.
func runOTCRole(args []string, cpuProfile string) error {
	stop, err := startCPUProfile(cpuProfile)
	if err != nil {
		return err
	}
	code := cli.Main(args, os.Stdout, os.Stderr)
	stop()
	if code != cli.ExitOK {
		return fmt.Errorf("otc exited with status %d", code)
	}
	return nil
}
