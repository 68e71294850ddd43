// Command cairn runs Amazon States Language state machines.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `usage: cairn <command> [arguments]

commands:
  serve     serve the AWS Step Functions API (durable, on SQLite)
  run       run one execution of a definition and print the result
  validate  check a definition and print every problem
  bench     measure throughput and latency (see bench/README.md)
`

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

// dispatch runs a subcommand and returns the process exit code.
func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serveCmd(args[1:], stdout, stderr)
	case "run":
		return runCmd(args[1:], stdout, stderr)
	case "validate":
		return validateCmd(args[1:], stdout, stderr)
	case "bench":
		return benchCmd(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "cairn: unknown command %q\n%s", args[0], usage)
	return 2
}
