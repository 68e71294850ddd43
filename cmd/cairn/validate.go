package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/cairn-sfn/cairn/asl"
)

func validateCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: cairn validate DEFINITION_FILE") }
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "cairn: %v\n", err)
		return 2
	}
	_, err = asl.Parse(data)
	var ve *asl.ValidationError
	if errors.As(err, &ve) {
		for _, d := range ve.Diagnostics {
			fmt.Fprintln(stdout, d.String())
		}
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "cairn: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "OK")
	return 0
}
