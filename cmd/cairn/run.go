package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

// Where `cairn run` pretends to be: the API's defaults.
const (
	defaultRegion  = "us-east-1"
	defaultAccount = "123456789012"
)

func runCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	input := fs.String("input", "", "execution input as JSON text (default {})")
	inputFile := fs.String("input-file", "", "read the execution input from `FILE`")
	history := fs.Bool("history", false, "include the execution history (events)")
	typ := fs.String("type", "STANDARD", "state machine type: STANDARD or EXPRESS")
	name := fs.String("name", "", "execution name (default: a random UUID)")
	waitScale := fs.Float64("wait-scale", 0, "scale real waiting for Wait states and retries (0: do not wait)")
	testCase := fs.String("test-case", "", "mock test case `NAME` in the mock configuration (as <stateMachineArn>#NAME)")
	tasks := addIntegrationFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cairn run DEFINITION_FILE [--input JSON | --input-file FILE] [--history] [--type STANDARD|EXPRESS] [--wait-scale N] [--mock-config FILE --test-case NAME]")
		fs.PrintDefaults()
	}
	// Accept flags after the file name too.
	var files []string
	rest := args
	for len(rest) > 0 {
		if err := fs.Parse(rest); errors.Is(err, flag.ErrHelp) {
			return 0
		} else if err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 1 {
		fs.Usage()
		return 2
	}
	if *input != "" && *inputFile != "" {
		fmt.Fprintln(stderr, "cairn: give --input or --input-file, not both")
		return 2
	}
	if *typ != "STANDARD" && *typ != "EXPRESS" {
		fmt.Fprintln(stderr, "cairn: --type must be STANDARD or EXPRESS")
		return 2
	}
	def, err := os.ReadFile(files[0])
	if err != nil {
		fmt.Fprintf(stderr, "cairn: %v\n", err)
		return 2
	}
	sm, err := asl.Parse(def)
	if err != nil {
		fmt.Fprintf(stderr, "cairn: %s: %v\n", files[0], err)
		return 2
	}
	inText := []byte(*input)
	if *inputFile != "" {
		if inText, err = os.ReadFile(*inputFile); err != nil {
			fmt.Fprintf(stderr, "cairn: %v\n", err)
			return 2
		}
	}
	if len(strings.TrimSpace(string(inText))) == 0 {
		inText = []byte("{}")
	}
	in, err := value.Parse(inText)
	if err != nil {
		fmt.Fprintf(stderr, "cairn: input: %v\n", err)
		return 2
	}
	info := executionInfo(files[0], *name, *typ)
	info.Input = in
	info.InputText = string(inText)
	router, err := tasks.router(os.Getenv, defaultRegion)
	if err != nil {
		fmt.Fprintf(stderr, "cairn: %v\n", err)
		return 2
	}
	if *testCase != "" && tasks.mockConfig == "" && os.Getenv("SFN_MOCK_CONFIG") == "" {
		fmt.Fprintln(stderr, "cairn: --test-case needs --mock-config FILE or SFN_MOCK_CONFIG")
		return 2
	}
	res, err := engine.Run(context.Background(), sm, engine.RunOptions{Info: info, WaitScale: *waitScale, Invoker: router, TestCase: *testCase})
	if err != nil {
		fmt.Fprintf(stderr, "cairn: %v\n", err)
		return 2
	}
	stdout.Write(describe(info, res, inText, *history))
	fmt.Fprintln(stdout)
	if res.Status != interp.Succeeded {
		return 1
	}
	return 0
}

// executionInfo names the execution as the API would.
func executionInfo(file, name, typ string) interp.Info {
	machine := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	machine = strings.TrimSuffix(machine, ".asl")
	machine = sanitizeName(machine)
	if name == "" {
		name = newUUID()
	}
	prefix := "arn:aws:states:" + defaultRegion + ":" + defaultAccount
	kind := "execution"
	if typ == "EXPRESS" {
		kind = "express"
	}
	var seed [8]byte
	rand.Read(seed[:])
	return interp.Info{
		ExecutionArn:     prefix + ":" + kind + ":" + machine + ":" + name,
		Name:             name,
		StateMachineArn:  prefix + ":stateMachine:" + machine,
		StateMachineName: machine,
		RoleArn:          "arn:aws:iam::" + defaultAccount + ":role/cairn",
		Seed:             binary.LittleEndian.Uint64(seed[:]),
	}
}

func sanitizeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '-' || r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	if b.Len() == 0 {
		return "StateMachine"
	}
	return b.String()
}

func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// describe prints the result as DescribeExecution's response, plus events.
func describe(info interp.Info, res *engine.Result, input []byte, history bool) []byte {
	o := value.NewObject(14)
	o.Set("executionArn", info.ExecutionArn)
	o.Set("stateMachineArn", info.StateMachineArn)
	o.Set("name", info.Name)
	o.Set("status", res.Status)
	o.Set("startDate", timestamp(res.Start))
	if res.Status != interp.Running {
		o.Set("stopDate", timestamp(res.Stop))
	}
	o.Set("input", info.InputText)
	o.Set("inputDetails", value.ObjectOf("included", true))
	if res.Status == interp.Succeeded {
		o.Set("output", value.String(res.Output))
		o.Set("outputDetails", value.ObjectOf("included", true))
	}
	if res.Error != "" {
		o.Set("error", res.Error)
	}
	if res.Cause != "" {
		o.Set("cause", res.Cause)
	}
	o.Set("redriveCount", value.Int(0))
	buf := value.Marshal(o)
	if history {
		buf = buf[:len(buf)-1]
		buf = append(buf, `,"events":`...)
		buf = append(buf, interp.MarshalHistory(res.Events)...)
		buf = append(buf, '}')
	}
	return buf
}

func timestamp(t time.Time) value.Number {
	return value.Number(interp.AppendTimestamp(nil, t))
}
