package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/internal/conformance"
)

var update = flag.Bool("update", false, "rewrite the conformance baselines in testdata/")

// runThroughCLI runs a case exactly as a user would with `cairn run`.
func runThroughCLI(dir string) conformance.Runner {
	return func(ctx context.Context, c *conformance.Case) (*conformance.Result, error) {
		def, err := c.DefinitionText()
		if err != nil {
			return nil, err
		}
		machine, execName := c.RecordedNames()
		caseDir, err := os.MkdirTemp(dir, "case")
		if err != nil {
			return nil, err
		}
		file := filepath.Join(caseDir, machine+".json")
		if err := os.WriteFile(file, []byte(def), 0o644); err != nil {
			return nil, err
		}
		args := []string{"run", file, "--history", "--input", c.InputText(), "--type", c.StateMachineType}
		if execName != "" {
			args = append(args, "--name", execName)
		}
		if c.StateMachineType == "" {
			args[len(args)-1] = "STANDARD"
		}
		var stdout, stderr bytes.Buffer
		code := dispatch(args, &stdout, &stderr)
		if code == 2 {
			return nil, fmt.Errorf("cairn run: %s", strings.TrimSpace(stderr.String()))
		}
		var out struct {
			Status string          `json:"status"`
			Output *string         `json:"output"`
			Error  string          `json:"error"`
			Cause  string          `json:"cause"`
			Events json.RawMessage `json:"events"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			return nil, fmt.Errorf("cairn run printed no JSON: %v", err)
		}
		if c.HistoryRequest != nil && c.HistoryRequest.ReverseOrder {
			out.Events, err = reversed(out.Events)
			if err != nil {
				return nil, err
			}
		}
		res := &conformance.Result{Status: out.Status, Error: out.Error, Cause: out.Cause, History: out.Events}
		if out.Output != nil {
			res.Output = []byte(*out.Output)
		}
		return res, nil
	}
}

// reversed returns a JSON array with its elements in reverse order, as
// GetExecutionHistory answers with reverseOrder.
func reversed(events json.RawMessage) (json.RawMessage, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(events, &list); err != nil {
		return nil, err
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return json.Marshal(list)
}

func cliEnv() conformance.Env {
	return conformance.Env{Account: defaultAccount, Region: defaultRegion, RoleArn: "arn:aws:iam::" + defaultAccount + ":role/cairn"}
}

// TestConformanceJSONPath runs the pure JSONPath cases recorded from AWS
// through `cairn run` and fails when a case that passed before fails now.
func TestConformanceJSONPath(t *testing.T) {
	runConformance(t, "conformance_jsonpath.txt", conformance.PureJSONPath)
}

// TestConformanceJSONata runs the pure cases that use JSONata or variables.
func TestConformanceJSONata(t *testing.T) {
	runConformance(t, "conformance_jsonata.txt", conformance.PureJSONataOrAssign)
}

func runConformance(t *testing.T, baselineFile string, keep func(*conformance.Case) bool) {
	t.Parallel()
	path := conformance.DefaultPath()
	if path == "" {
		t.Skip("../shared/conformance/cases.jsonl not found: the AWS recordings are not beside this checkout")
	}
	cases, err := conformance.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cases = conformance.Filter(cases, func(c *conformance.Case) bool {
		return conformance.ExecutionKinds(c) && keep(c)
	})
	rep := conformance.Run(t.Context(), cases, runThroughCLI(t.TempDir()), cliEnv())
	t.Logf("%s through cairn run: %s", baselineFile, rep.Summary())
	conformance.Verify(t, filepath.Join("testdata", baselineFile), rep, *update)
}
