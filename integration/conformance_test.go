package integration

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/internal/conformance"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

var update = flag.Bool("update", false, "rewrite the conformance baseline in testdata/")

const (
	testAccount  = "123456789012"
	testRegion   = "us-east-1"
	replayCase   = "Replay"
	baselineFile = "conformance_lambda_mock.txt"
)

// TestConformanceLambdaReplay replays the Lambda-only cases recorded from
// AWS without Lambda: each case's history gives a mock configuration (the
// n-th answer of each Task state becomes response "n"), and the execution
// runs through engine.Run with a Router serving those mocks. It fails when
// a case passes fewer levels than the baseline says.
func TestConformanceLambdaReplay(t *testing.T) {
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
		return c.Kind == "execution" && len(c.Services) == 1 && c.Services[0] == "lambda" && c.HasHistory()
	})
	if len(cases) == 0 {
		t.Fatal("no Lambda-only execution cases in the recordings")
	}
	env := conformance.Env{Account: testAccount, Region: testRegion, RoleArn: "arn:aws:iam::" + testAccount + ":role/cairn"}
	rep := conformance.Run(t.Context(), cases, replay, env)
	t.Logf("Lambda-only cases replayed from mocks: %s", rep.Summary())
	conformance.Verify(t, filepath.Join("testdata", baselineFile), rep, *update)
}

// replay runs one case against a mock configuration built from its
// recorded history.
func replay(ctx context.Context, c *conformance.Case) (*conformance.Result, error) {
	machine, _ := c.RecordedNames()
	mockJSON, err := mocksFromHistory(c.History, machine)
	if err != nil {
		return nil, err
	}
	cfg, err := ParseMocks(mockJSON)
	if err != nil {
		return nil, err
	}
	router, err := New(Config{Mocks: StaticMocks(cfg)})
	if err != nil {
		return nil, err
	}
	return runCase(ctx, c, router, testAccount, replayCase)
}

// runCase runs one case's execution through engine.Run with inv, in the
// given account, and returns what the conformance comparison needs.
func runCase(ctx context.Context, c *conformance.Case, inv engine.Invoker, account, testCase string) (*conformance.Result, error) {
	machine, execName := c.RecordedNames()
	def, err := c.DefinitionText()
	if err != nil {
		return nil, err
	}
	sm, err := asl.Parse([]byte(def))
	if err != nil {
		return nil, fmt.Errorf("parse definition: %w", err)
	}
	inText := c.InputText()
	in, err := value.ParseString(inText)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	if execName == "" {
		execName = "replay-execution"
	}
	prefix := "arn:aws:states:" + testRegion + ":" + account
	kind := "execution"
	if c.StateMachineType == "EXPRESS" {
		kind = "express"
	}
	info := interp.Info{
		ExecutionArn:     prefix + ":" + kind + ":" + machine + ":" + execName,
		Name:             execName,
		StateMachineArn:  prefix + ":stateMachine:" + machine,
		StateMachineName: machine,
		RoleArn:          "arn:aws:iam::" + account + ":role/cairn",
		Input:            in,
		InputText:        inText,
		Seed:             1,
	}
	res, err := engine.Run(ctx, sm, engine.RunOptions{Info: info, Invoker: inv, TestCase: testCase})
	if err != nil {
		return nil, err
	}
	history := interp.MarshalHistory(res.Events)
	if c.HistoryRequest != nil && c.HistoryRequest.ReverseOrder {
		var list []json.RawMessage
		if err := json.Unmarshal(history, &list); err != nil {
			return nil, err
		}
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
		if history, err = json.Marshal(list); err != nil {
			return nil, err
		}
	}
	out := &conformance.Result{Status: res.Status, Error: res.Error, Cause: res.Cause, History: history}
	if res.Status == interp.Succeeded {
		out.Output = value.Marshal(res.Output)
	}
	return out, nil
}

// taskOutcomes are the events that answer a task, with whether the answer
// came from a bare function ARN (whose mock is an Invoke response).
var taskOutcomes = map[string]struct{ failed, legacy bool }{
	"LambdaFunctionSucceeded":      {false, true},
	"TaskSucceeded":                {false, false},
	"LambdaFunctionFailed":         {true, true},
	"LambdaFunctionTimedOut":       {true, true},
	"LambdaFunctionStartFailed":    {true, true},
	"LambdaFunctionScheduleFailed": {true, true},
	"TaskFailed":                   {true, false},
	"TaskTimedOut":                 {true, false},
	"TaskStartFailed":              {true, false},
	"TaskSubmitFailed":             {true, false},
}

// mocksFromHistory writes a mock configuration with one test case,
// Replay, answering each Task state's invocations as the history records
// them.
func mocksFromHistory(history json.RawMessage, machine string) ([]byte, error) {
	doc, err := value.Parse(history)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	events, _ := doc.([]any)
	byID := map[string]*value.Object{}
	for _, e := range events {
		if o, ok := e.(*value.Object); ok {
			if id, ok := o.Get("id"); ok {
				if n, ok := id.(value.Number); ok {
					byID[string(n)] = o
				}
			}
		}
	}
	// stateOf follows previousEventId back to the TaskStateEntered the
	// answer belongs to; histories whose parallel parts were normalised
	// have no usable ids, so the latest entered Task state stands in.
	stateOf := func(o *value.Object, latest string) string {
		for range 10000 {
			prev, _ := o.Get("previousEventId")
			n, _ := prev.(value.Number)
			p := byID[string(n)]
			if p == nil || p == o {
				return latest
			}
			if typ, _ := p.Get("type"); typ == "TaskStateEntered" {
				d, _ := p.Get("stateEnteredEventDetails")
				name, _ := getString(asObject(d), "name")
				return name
			}
			o = p
		}
		return latest
	}
	states := value.NewObject(4)
	responses := value.NewObject(4)
	count := map[string]int{}
	latest := ""
	for _, e := range events {
		o, ok := e.(*value.Object)
		if !ok {
			continue
		}
		typ, _ := getString(o, "type")
		if typ == "TaskStateEntered" {
			d, _ := o.Get("stateEnteredEventDetails")
			latest, _ = getString(asObject(d), "name")
			continue
		}
		kind, ok := taskOutcomes[typ]
		if !ok {
			continue
		}
		state := stateOf(o, latest)
		var details *value.Object
		for _, v := range o.All() {
			if d, ok := v.(*value.Object); ok {
				details = d
			}
		}
		var answer *value.Object
		if kind.failed {
			name, _ := getString(details, "error")
			if name == "" && (typ == "LambdaFunctionTimedOut" || typ == "TaskTimedOut") {
				name = "States.Timeout"
			}
			th := value.ObjectOf("Error", name)
			if cause, ok := details.Get("cause"); ok {
				s, isText := cause.(string)
				switch {
				case isText:
				case kind.legacy:
					// A bare function's cause is the payload as the
					// Python runtime wrote it; the recording kept only
					// its parsed form.
					s = pythonJSON(cause)
				default:
					s = value.String(cause)
				}
				th.Set("Cause", s)
			}
			answer = value.ObjectOf("Throw", th)
		} else {
			out, _ := details.Get("output")
			if s, isText := out.(string); isText {
				if v, err := value.ParseString(s); err == nil {
					out = v
				}
			}
			if kind.legacy {
				out = value.ObjectOf("StatusCode", value.Int(200), "Payload", out)
			}
			answer = value.ObjectOf("Return", out)
		}
		resp := state + "Response"
		if !states.Has(state) {
			states.Set(state, resp)
			responses.Set(resp, value.NewObject(2))
		}
		r, _ := responses.Get(resp)
		r.(*value.Object).Set(fmt.Sprint(count[state]), answer)
		count[state]++
	}
	cfg := value.ObjectOf(
		"StateMachines", value.ObjectOf(machine, value.ObjectOf("TestCases", value.ObjectOf(replayCase, states))),
		"MockedResponses", responses)
	return value.Marshal(cfg), nil
}

func asObject(v any) *value.Object {
	o, _ := v.(*value.Object)
	return o
}

// pythonJSON writes v as Python's json.dumps does: ", " and ": "
// separators, non-ASCII escaped.
func pythonJSON(v any) string {
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case *value.Object:
			b.WriteByte('{')
			i := 0
			for k, e := range v.All() {
				if i > 0 {
					b.WriteString(", ")
				}
				i++
				walk(k)
				b.WriteString(": ")
				walk(e)
			}
			b.WriteByte('}')
		case []any:
			b.WriteByte('[')
			for i, e := range v {
				if i > 0 {
					b.WriteString(", ")
				}
				walk(e)
			}
			b.WriteByte(']')
		case string:
			for _, r := range string(value.Marshal(v)) {
				if r > 0x7e {
					for _, u := range utf16.Encode([]rune{r}) {
						fmt.Fprintf(&b, "\\u%04x", u)
					}
					continue
				}
				b.WriteRune(r)
			}
		default:
			b.Write(value.Marshal(v))
		}
	}
	walk(v)
	return b.String()
}
