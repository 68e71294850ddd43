package teststate

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/api"
	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/value"
)

func newRunner(inv engine.Invoker) *Runner {
	var n atomic.Int64
	return New(Config{
		Now:   func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		NewID: func() string { return fmt.Sprintf("id%d", n.Add(1)) },
	}, inv)
}

func i32(n int32) *int32 { return &n }

func TestTestState(t *testing.T) {
	t.Parallel()
	inv := engine.Handlers{
		"arn:aws:lambda:us-east-1:123456789012:function:double": func(_ context.Context, in any) (any, error) {
			return value.ObjectOf("doubled", true), nil
		},
		"arn:aws:lambda:us-east-1:123456789012:function:broken": func(context.Context, any) (any, error) {
			return nil, &engine.TaskError{Name: "Boom", Cause: "it broke"}
		},
	}
	tests := []struct {
		name string
		in   api.TestStateInput
		want api.TestStateOutput // InspectionData compared member by member when set
	}{
		{"pass debug",
			api.TestStateInput{Definition: `{"Type":"Pass","InputPath":"$.a","Parameters":{"x.$":"$.b"},"ResultPath":"$.r","Next":"N"}`,
				Input: `{"a":{"b":1}}`, InspectionLevel: "DEBUG"},
			api.TestStateOutput{Status: "SUCCEEDED", Output: `{"a":{"b":1},"r":{"x":1}}`, NextState: "N", InspectionData: &api.InspectionData{
				Input: `{"a":{"b":1}}`, AfterInputPath: `{"b":1}`, AfterParameters: `{"x":1}`,
				AfterResultSelector: `{"x":1}`, AfterResultPath: `{"a":{"b":1},"r":{"x":1}}`}}},
		{"pass with result reports no input processing",
			api.TestStateInput{Definition: `{"Type":"Pass","Result":7,"End":true}`, Input: `{}`, InspectionLevel: "TRACE"},
			api.TestStateOutput{Status: "SUCCEEDED", Output: `7`, InspectionData: &api.InspectionData{
				Input: `{}`, Result: `7`, AfterResultSelector: `7`, AfterResultPath: `7`}}},
		{"info has no inspection data",
			api.TestStateInput{Definition: `{"Type":"Succeed"}`, Input: `[1]`, InspectionLevel: "INFO"},
			api.TestStateOutput{Status: "SUCCEEDED", Output: `[1]`}},
		{"choice",
			api.TestStateInput{Definition: `{"Type":"Choice","Choices":[{"Variable":"$.v","NumericGreaterThan":1,"Next":"Big"}],"Default":"Small"}`, Input: `{"v":2}`},
			api.TestStateOutput{Status: "SUCCEEDED", Output: `{"v":2}`, NextState: "Big"}},
		{"fail",
			api.TestStateInput{Definition: `{"Type":"Fail","Error":"E","Cause":"C"}`, Input: `{"k":1}`, InspectionLevel: "DEBUG"},
			api.TestStateOutput{Status: "FAILED", Error: "E", Cause: "C", InspectionData: &api.InspectionData{Input: `{"k":1}`, AfterInputPath: `{"k":1}`}}},
		{"mocked error, retrier not exhausted",
			api.TestStateInput{Definition: `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["E"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":4}],"End":true}`,
				Input: `{}`, InspectionLevel: "DEBUG", Mock: &api.MockInput{ErrorOutput: &api.MockErrorOutput{Error: "E", Cause: "why"}},
				StateConfiguration: &api.TestStateConfiguration{RetrierRetryCount: i32(2)}},
			api.TestStateOutput{Status: "RETRIABLE", Error: "E", Cause: "why", InspectionData: &api.InspectionData{
				Input: `{}`, AfterInputPath: `{}`, AfterParameters: `{}`,
				ErrorDetails: &api.InspectionErrorDetails{RetryIndex: i32(0), RetryBackoffIntervalSeconds: i32(18)}}}},
		{"mocked error, retrier exhausted, caught",
			api.TestStateInput{Definition: `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["E"],"MaxAttempts":1}],"Catch":[{"ErrorEquals":["X"],"Next":"A"},{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"B"}],"End":true}`,
				Input: `{"k":1}`, InspectionLevel: "DEBUG", Mock: &api.MockInput{ErrorOutput: &api.MockErrorOutput{Error: "E", Cause: "why"}},
				StateConfiguration: &api.TestStateConfiguration{RetrierRetryCount: i32(1)}},
			api.TestStateOutput{Status: "CAUGHT_ERROR", Error: "E", Cause: "why", NextState: "B", Output: `{"k":1,"err":{"Error":"E","Cause":"why"}}`,
				InspectionData: &api.InspectionData{Input: `{"k":1}`, AfterInputPath: `{"k":1}`, AfterParameters: `{"k":1}`,
					ErrorDetails: &api.InspectionErrorDetails{RetryIndex: i32(0), CatchIndex: i32(1)}}}},
		{"jsonata task with mock result",
			api.TestStateInput{Definition: `{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"n":"{% $states.input.n + 1 %}"},"Output":"{% $states.result.r %}","End":true}`,
				Input: `{"n":1}`, InspectionLevel: "TRACE", Mock: &api.MockInput{Result: `{"r":"ok"}`}},
			api.TestStateOutput{Status: "SUCCEEDED", Output: `"ok"`, InspectionData: &api.InspectionData{
				Input: `{"n":1}`, AfterArguments: `{"n":2}`, Result: `{"r":"ok"}`}}},
		{"map over tolerance",
			api.TestStateInput{Definition: `{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"ToleratedFailureCount":1,"End":true}`,
				Input: `[1,2,3]`, InspectionLevel: "DEBUG", Mock: &api.MockInput{Result: `[1,2,3]`},
				StateConfiguration: &api.TestStateConfiguration{MapIterationFailureCount: i32(2)}},
			api.TestStateOutput{Status: "FAILED", Error: "States.ExceedToleratedFailureThreshold", Cause: "The specified tolerated failure threshold was exceeded",
				InspectionData: &api.InspectionData{Input: `[1,2,3]`, AfterInputPath: `[1,2,3]`, AfterItemsPath: `[1,2,3]`, MaxConcurrency: i32(0), ToleratedFailureCount: i32(1)}}},
		{"state of a machine by name, inside a map",
			api.TestStateInput{Definition: `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"In","States":{"In":{"Type":"Pass","Result":"x","Next":"Out"},"Out":{"Type":"Succeed"}}},"End":true}}}`,
				StateName: "In", Input: `{}`},
			api.TestStateOutput{Status: "SUCCEEDED", Output: `"x"`, NextState: "Out"}},
		{"variables",
			api.TestStateInput{Definition: `{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $a %}","Assign":{"b":2},"End":true}`,
				Input: `{}`, Variables: `{"a":1}`, InspectionLevel: "TRACE"},
			api.TestStateOutput{Status: "SUCCEEDED", Output: `1`, InspectionData: &api.InspectionData{Input: `{}`, Variables: `{"a":1,"b":2}`}}},
		{"unmocked task runs through the invoker",
			api.TestStateInput{Definition: `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:double","ResultSelector":{"d.$":"$.doubled"},"End":true}`, Input: `{}`},
			api.TestStateOutput{Status: "SUCCEEDED", Output: `{"d":true}`}},
		{"unmocked task failure",
			api.TestStateInput{Definition: `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:broken","End":true}`, Input: `{}`},
			api.TestStateOutput{Status: "FAILED", Error: "Boom", Cause: "it broke"}},
		{"error caused by an inner state",
			api.TestStateInput{Definition: mapDef, Input: `[1]`, Mock: &api.MockInput{ErrorOutput: &api.MockErrorOutput{Error: "E", Cause: "C"}},
				StateConfiguration: &api.TestStateConfiguration{ErrorCausedByState: "P"}},
			api.TestStateOutput{Status: "FAILED", Error: "E", Cause: "C"}},
		{"catcher output fails",
			api.TestStateInput{Definition: `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.a.b","Next":"H"}],"End":true}`,
				Input: `{"a":"s"}`, Mock: &api.MockInput{ErrorOutput: &api.MockErrorOutput{Error: "E", Cause: "C"}}},
			api.TestStateOutput{Status: "FAILED", Error: "States.ResultPathMatchFailure", Cause: `Unable to apply ReturnPath '$.a.b' to input '{"a":"s"}'`}},
		{"runtime errors lose the interpreter's prefix",
			api.TestStateInput{Definition: `{"Type":"Map","ItemsPath":"$.nope","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`,
				Input: `{"nope":1}`, Mock: &api.MockInput{Result: `[]`}},
			api.TestStateOutput{Status: "FAILED", Error: "States.Runtime", Cause: `Reference path "$.nope" must point to array.`}},
	}
	r := newRunner(inv)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := r.TestState(t.Context(), &tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.want.Status || got.Error != tt.want.Error || got.Cause != tt.want.Cause || got.NextState != tt.want.NextState {
				t.Errorf("got %s %q %q next %q, want %s %q %q next %q", got.Status, got.Error, got.Cause, got.NextState,
					tt.want.Status, tt.want.Error, tt.want.Cause, tt.want.NextState)
			}
			if !jsonEqual(got.Output, tt.want.Output) {
				t.Errorf("output %s, want %s", got.Output, tt.want.Output)
			}
			if (got.InspectionData == nil) != (tt.want.InspectionData == nil) {
				t.Fatalf("inspection data %+v, want %+v", got.InspectionData, tt.want.InspectionData)
			}
			if tt.want.InspectionData != nil {
				g, w := value.MustParse(marshalInspection(got.InspectionData)), value.MustParse(marshalInspection(tt.want.InspectionData))
				if !value.Equal(g, w) {
					t.Errorf("inspection data\n got %s\nwant %s", value.String(g), value.String(w))
				}
			}
		})
	}
}

const mapDef = `{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`

// TestTestStateTimeout: an unmocked task that outlives the run's bound
// (AWS's five minutes, here a few milliseconds) fails with States.Timeout,
// which the state's Retry and Catch see.
func TestTestStateTimeout(t *testing.T) {
	t.Parallel()
	const slow = "arn:aws:lambda:us-east-1:123456789012:function:slow"
	inv := engine.Handlers{slow: func(ctx context.Context, _ any) (any, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	r := New(Config{MaxDuration: 5 * time.Millisecond}, inv)
	out, err := r.TestState(t.Context(), &api.TestStateInput{Input: `{}`,
		Definition: `{"Type":"Task","Resource":"` + slow + `","Catch":[{"ErrorEquals":["States.Timeout"],"Next":"Late"}],"End":true}`})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != "CAUGHT_ERROR" || out.Error != "States.Timeout" || out.NextState != "Late" {
		t.Fatalf("got %s %s next %q, want CAUGHT_ERROR States.Timeout next Late", out.Status, out.Error, out.NextState)
	}
}

func TestTestStateRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   api.TestStateInput
		want api.ErrorType
	}{
		{"not JSON", api.TestStateInput{Definition: `{`}, api.InvalidDefinition},
		{"no type", api.TestStateInput{Definition: `{"Next":"A"}`}, api.InvalidDefinition},
		{"invalid state", api.TestStateInput{Definition: `{"Type":"Pass","Bogus":1,"End":true}`}, api.InvalidDefinition},
		{"unknown state name", api.TestStateInput{Definition: `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`, StateName: "B"}, api.ValidationException},
		{"parallel without mock", api.TestStateInput{Definition: `{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}],"End":true}`}, api.ValidationException},
		{"mock with both", api.TestStateInput{Definition: `{"Type":"Pass","End":true}`, Mock: &api.MockInput{Result: `1`, ErrorOutput: &api.MockErrorOutput{Error: "E"}}}, api.ValidationException},
		{"context not an object", api.TestStateInput{Definition: `{"Type":"Pass","End":true}`, Context: `[]`, Mock: &api.MockInput{Result: `1`}}, api.ValidationException},
		{"context without mock", api.TestStateInput{Definition: `{"Type":"Pass","End":true}`, Context: `{}`}, api.ValidationException},
		{"errorCausedByState on a Task", api.TestStateInput{Definition: `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}`,
			Mock: &api.MockInput{ErrorOutput: &api.MockErrorOutput{Error: "E"}}, StateConfiguration: &api.TestStateConfiguration{ErrorCausedByState: "X"}}, api.ValidationException},
		{"errorCausedByState not inside", api.TestStateInput{Definition: mapDef,
			Mock: &api.MockInput{ErrorOutput: &api.MockErrorOutput{Error: "E"}}, StateConfiguration: &api.TestStateConfiguration{ErrorCausedByState: "X"}}, api.ValidationException},
	}
	r := newRunner(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := r.TestState(t.Context(), &tt.in)
			var ae *api.Error
			if !errors.As(err, &ae) || ae.Type != tt.want {
				t.Fatalf("error %v, want %s", err, tt.want)
			}
		})
	}
}

// FuzzTestState feeds arbitrary definitions, state names and inputs to the
// request path: it may refuse them, never panic.
func FuzzTestState(f *testing.F) {
	f.Add(`{"Type":"Pass","End":true}`, "", `{}`, "")
	f.Add(`{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"A"}],"Default":"B"},"B":{"Type":"Succeed"}}}`, "A", `{"a":1}`, "")
	f.Add(`{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{}},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`, "", `{}`, `[1]`)
	f.Add(`{"Type":"Wait","Seconds":5,"Next":"X"}`, "", `1`, "")
	f.Add(`{"Type":"Pass","Next":"Self"}`, "Self", `{}`, "")
	r := newRunner(nil)
	f.Fuzz(func(t *testing.T, def, name, input, mockResult string) {
		in := &api.TestStateInput{Definition: def, StateName: name, Input: input, InspectionLevel: "TRACE"}
		if mockResult != "" {
			in.Mock = &api.MockInput{Result: mockResult}
		}
		out, err := r.TestState(t.Context(), in)
		if err == nil && out.Status == "" {
			t.Fatal("an answer without a status")
		}
	})
}

func jsonEqual(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	va, errA := value.ParseString(a)
	vb, errB := value.ParseString(b)
	return errA == nil && errB == nil && value.Equal(va, vb)
}

// marshalInspection writes inspection data with its JSON texts decoded.
func marshalInspection(d *api.InspectionData) string {
	o := value.NewObject(8)
	for _, f := range []struct{ k, v string }{
		{"input", d.Input}, {"afterArguments", d.AfterArguments}, {"afterInputPath", d.AfterInputPath},
		{"afterParameters", d.AfterParameters}, {"afterItemsPath", d.AfterItemsPath}, {"result", d.Result},
		{"afterResultSelector", d.AfterResultSelector}, {"afterResultPath", d.AfterResultPath}, {"variables", d.Variables},
	} {
		if f.v != "" {
			o.Set(f.k, value.MustParse(f.v))
		}
	}
	num := func(k string, p *int32) {
		if p != nil {
			o.Set(k, value.Int(int64(*p)))
		}
	}
	num("maxConcurrency", d.MaxConcurrency)
	num("toleratedFailureCount", d.ToleratedFailureCount)
	if e := d.ErrorDetails; e != nil {
		num("retryIndex", e.RetryIndex)
		num("catchIndex", e.CatchIndex)
		num("retryBackoffIntervalSeconds", e.RetryBackoffIntervalSeconds)
	}
	return value.String(o)
}
