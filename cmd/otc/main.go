// Command otc is the Open Tool Calling 1.0 tool server, client and operator
// tool. See "otc --help".
package main

import (
	"os"

	"github.com/otc-dev/otc/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
