package conformance_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cairn-sfn/cairn/internal/conformance"
)

// A test loads the recorded cases (conformance.Load(conformance.DefaultPath())),
// filters them, runs them through the engine and reports per level.
func ExampleRun() {
	errName := "States.Runtime"
	cases := []conformance.Case{
		{ID: "ok", Kind: "output_only", Expected: conformance.Expected{Status: "SUCCEEDED", Output: json.RawMessage(`{"n":1.0}`)}},
		{ID: "fails", Kind: "output_only", Expected: conformance.Expected{Status: "FAILED", Error: &errName}},
	}
	engine := func(_ context.Context, c *conformance.Case) (*conformance.Result, error) {
		return &conformance.Result{Status: "SUCCEEDED", Output: []byte(`{"n":1}`)}, nil
	}
	rep := conformance.Run(context.Background(), cases, engine, conformance.Env{Account: "123456789012", Region: "us-east-1"})
	fmt.Println(rep.Summary())
	for _, o := range rep.Failures("L1") {
		fmt.Printf("%s: %s\n", o.ID, o.Levels.Diff)
	}
	// Output:
	// L1 1/2 (50.0%) L2 1/2 (50.0%) L3 0/0 L4 0/0 errors 0
	// fails: L1: status: want FAILED, got SUCCEEDED
	// L1: error: want "States.Runtime", got ""
}
