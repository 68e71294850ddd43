package integration

import (
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

const testMachine = "Machine"

// runDefinition runs a whole execution in memory through inv.
func runDefinition(t *testing.T, def, input, testCase string, inv engine.Invoker) *engine.Result {
	t.Helper()
	sm, err := asl.Parse([]byte(def))
	if err != nil {
		t.Fatalf("parse definition: %v", err)
	}
	in, err := value.ParseString(input)
	if err != nil {
		t.Fatal(err)
	}
	prefix := "arn:aws:states:" + testRegion + ":" + testAccount
	info := interp.Info{
		ExecutionArn:     prefix + ":execution:" + testMachine + ":run",
		Name:             "run",
		StateMachineArn:  prefix + ":stateMachine:" + testMachine,
		StateMachineName: testMachine,
		RoleArn:          "arn:aws:iam::" + testAccount + ":role/cairn",
		Input:            in,
		Seed:             7,
	}
	res, err := engine.Run(t.Context(), sm, engine.RunOptions{Info: info, Invoker: inv, TestCase: testCase})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return res
}

// eventTypes lists the history's event types.
func eventTypes(res *engine.Result) []string {
	var out []string
	for _, e := range res.Events {
		out = append(out, e.Type)
	}
	return out
}

// eventsOf returns the details of every event of type typ, as JSON text.
func eventsOf(t *testing.T, res *engine.Result, typ string) []string {
	t.Helper()
	doc, err := value.Parse(interp.MarshalHistory(res.Events))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range doc.([]any) {
		o := e.(*value.Object)
		if ty, _ := o.Get("type"); ty != typ {
			continue
		}
		for k, v := range o.All() {
			if strings.HasSuffix(k, "EventDetails") {
				out = append(out, value.String(v))
			}
		}
	}
	return out
}

func mustRouter(t *testing.T, cfg Config) *Router {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
