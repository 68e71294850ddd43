package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cairn-sfn/cairn/asl"
)

// validateCmd checks a definition as CreateStateMachine would and prints
// every diagnostic, one a line, in AWS's wording. It exits 0 when the
// definition is valid, 1 when it is not and 2 on a usage or file error.
func validateCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	machineType := fs.String("type", "STANDARD", "state machine type: STANDARD or EXPRESS")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cairn validate [--type STANDARD|EXPRESS] DEFINITION_FILE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil || fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	typ := strings.ToUpper(*machineType)
	if typ != asl.Standard && typ != asl.Express {
		fmt.Fprintf(stderr, "cairn: --type must be STANDARD or EXPRESS, not %q\n", *machineType)
		return 2
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "cairn: %v\n", err)
		return 2
	}
	_, err = asl.ParseFor(data, typ)
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
