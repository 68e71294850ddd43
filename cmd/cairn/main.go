// Command cairn runs Amazon States Language state machines.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

const usage = `usage: cairn <command> [arguments]

commands:
  serve     serve the AWS Step Functions API (durable: SQLite, or PostgreSQL shared by several servers)
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
		tuneGC(os.Getenv)
		return serveCmd(args[1:], stdout, stderr)
	case "run":
		return runCmd(args[1:], stdout, stderr)
	case "validate":
		return validateCmd(args[1:], stdout, stderr)
	case "bench":
		tuneGC(os.Getenv) // the server it measures runs as serve does
		return benchCmd(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "cairn: unknown command %q\n%s", args[0], usage)
	return 2
}

// serverGCPercent is the garbage collector's target for a server when GOGC
// is not set. A server's live heap is small and its garbage is request
// by request; at Go's default of 100, collection took about a fifth of the
// CPU of an execution start (cairn bench, CPU µs per execution: express
// 215 -> 150-177, standard 382 -> 306-332 at 400). GOMEMLIMIT bounds the
// heap when memory is tight.
const serverGCPercent = 400

// tuneGC raises the GC target unless the user chose one.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
}
