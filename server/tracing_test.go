package server_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/server"
	"github.com/cairn-sfn/cairn/tracing"
)

const tracedFlow = `{"StartAt":"Prep","States":{
	"Prep":{"Type":"Pass","Result":{"n":1},"Next":"Work"},
	"Work":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:flaky",
		"Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":1,"MaxAttempts":2}],"Next":"Check"},
	"Check":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericEquals":1,"Next":"Done"}],"Default":"Done"},
	"Done":{"Type":"Pass","End":true}}}`

// flaky fails its first call with Boom, then echoes its input.
func flaky() engine.Handlers {
	var calls atomic.Int32
	return engine.Handlers{"arn:aws:lambda:us-east-1:123456789012:function:flaky": func(_ context.Context, in any) (any, error) {
		if calls.Add(1) == 1 {
			return nil, &engine.TaskError{Name: "Boom", Cause: "first call"}
		}
		return in, nil
	}}
}

func attrOf(s tracetest.SpanStub, k attribute.Key) attribute.Value {
	for _, kv := range s.Attributes {
		if kv.Key == k {
			return kv.Value
		}
	}
	return attribute.Value{}
}

// waitSpan waits for a span called name in exp.
func waitSpan(t *testing.T, exp *tracetest.InMemoryExporter, name string) tracetest.SpanStub {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, s := range exp.GetSpans() {
			if s.Name == name {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no span %q", name)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestTracingExecutionSpans(t *testing.T) {
	t.Parallel()
	exp := tracetest.NewInMemoryExporter()
	_, c := startWith(t, t.TempDir(), server.Config{WaitScale: -1}, server.Deps{Invoker: flaky(), SpanExporter: exp})
	sm := create(t, c, "traced", tracedFlow, types.StateMachineTypeStandard)
	started, err := c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if done := waitDone(t, c, *started.ExecutionArn); done.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("status %s", done.Status)
	}
	x := waitSpan(t, exp, "traced")
	req := waitSpan(t, exp, "StepFunctions.StartExecution")

	if x.Parent.IsValid() {
		t.Errorf("execution span has a parent %v", x.Parent)
	}
	if x.SpanContext.TraceID() == req.SpanContext.TraceID() {
		t.Errorf("execution shares the request's trace without a trace header")
	}
	if len(x.Links) != 1 || x.Links[0].SpanContext.SpanID() != req.SpanContext.SpanID() {
		t.Errorf("execution links %v, want the request span %v", x.Links, req.SpanContext.SpanID())
	}
	if len(req.Links) != 1 || !req.Links[0].SpanContext.Equal(x.SpanContext.WithRemote(true)) && req.Links[0].SpanContext.SpanID() != x.SpanContext.SpanID() {
		t.Errorf("request links %v, want the execution span %v", req.Links, x.SpanContext)
	}
	if got := attrOf(x, tracing.AttrStatus).AsString(); got != "SUCCEEDED" {
		t.Errorf("execution status %q", got)
	}
	if got := attrOf(x, tracing.AttrExecutionARN).AsString(); got != *started.ExecutionArn {
		t.Errorf("execution arn %q", got)
	}

	states := []struct {
		name, typ string
		attempts  int64
	}{{"Prep", "Pass", 0}, {"Work", "Task", 2}, {"Check", "Choice", 0}, {"Done", "Pass", 0}}
	var prevEnd time.Time
	byName := map[string]tracetest.SpanStub{}
	for _, want := range states {
		s := waitSpan(t, exp, want.name)
		byName[want.name] = s
		if s.SpanContext.TraceID() != x.SpanContext.TraceID() || s.Parent.SpanID() != x.SpanContext.SpanID() {
			t.Errorf("%s: trace %v parent %v, want the execution span %v", want.name, s.SpanContext.TraceID(), s.Parent.SpanID(), x.SpanContext.SpanID())
		}
		if got := attrOf(s, tracing.AttrStateType).AsString(); got != want.typ {
			t.Errorf("%s: type %q, want %q", want.name, got, want.typ)
		}
		if got := attrOf(s, tracing.AttrOutcome).AsString(); got != tracing.OutcomeSucceeded {
			t.Errorf("%s: outcome %q", want.name, got)
		}
		if got := attrOf(s, tracing.AttrAttempts).AsInt64(); got != want.attempts {
			t.Errorf("%s: attempts %d, want %d", want.name, got, want.attempts)
		}
		if s.EndTime.Before(s.StartTime) || s.StartTime.Before(prevEnd) || s.StartTime.Before(x.StartTime) || s.EndTime.After(x.EndTime) {
			t.Errorf("%s: [%v, %v] out of order (previous ended %v, execution [%v, %v])", want.name, s.StartTime, s.EndTime, prevEnd, x.StartTime, x.EndTime)
		}
		prevEnd = s.EndTime
	}

	work := byName["Work"]
	var tasks []tracetest.SpanStub
	for _, s := range exp.GetSpans() {
		if s.Parent.SpanID() == work.SpanContext.SpanID() {
			tasks = append(tasks, s)
		}
	}
	if len(tasks) != 2 {
		t.Fatalf("%d task spans under Work, want 2", len(tasks))
	}
	if tasks[0].StartTime.After(tasks[1].StartTime) {
		tasks[0], tasks[1] = tasks[1], tasks[0]
	}
	for i, s := range tasks {
		if got := attrOf(s, tracing.AttrAttempt).AsInt64(); got != int64(i+1) {
			t.Errorf("task %d: attempt %d", i, got)
		}
		if got := attrOf(s, tracing.AttrResource).AsString(); got != "arn:aws:lambda:us-east-1:123456789012:function:flaky" {
			t.Errorf("task %d: resource %q", i, got)
		}
		if s.StartTime.Before(work.StartTime) || s.EndTime.After(work.EndTime) || s.EndTime.Before(s.StartTime) {
			t.Errorf("task %d: [%v, %v] outside Work [%v, %v]", i, s.StartTime, s.EndTime, work.StartTime, work.EndTime)
		}
	}
	if got := attrOf(tasks[0], tracing.AttrError).AsString(); got != "Boom" || tasks[0].Status.Code != codes.Error {
		t.Errorf("first attempt: error %q status %v, want Boom, Error", got, tasks[0].Status)
	}
	if got := attrOf(tasks[1], tracing.AttrError).AsString(); got != "" || tasks[1].Status.Code == codes.Error {
		t.Errorf("second attempt: error %q status %v, want none", got, tasks[1].Status)
	}
}

func TestTracingTraceHeader(t *testing.T) {
	t.Parallel()
	exp := tracetest.NewInMemoryExporter()
	_, c := startWith(t, t.TempDir(), server.Config{WaitScale: -1}, server.Deps{SpanExporter: exp})
	sm := create(t, c, "fails", `{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:missing","End":true}}}`, types.StateMachineTypeStandard)
	tests := []struct {
		name, header, trace, parent string
	}{
		{"xray", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", "5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8"},
		{"w3c", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"},
	}
	for _, tt := range tests {
		started, err := c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Name: aws.String(tt.name), TraceHeader: aws.String(tt.header)})
		if err != nil {
			t.Fatal(err)
		}
		waitDone(t, c, *started.ExecutionArn)
		var x, work tracetest.SpanStub
		deadline := time.Now().Add(10 * time.Second)
		for x.Name == "" || work.Name == "" {
			for _, s := range exp.GetSpans() {
				if attrOf(s, tracing.AttrExecutionARN).AsString() != *started.ExecutionArn {
					continue
				}
				switch s.Name {
				case "fails":
					x = s
				case "Work":
					work = s
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: no execution or Work span", tt.name)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if x.SpanContext.TraceID().String() != tt.trace || x.Parent.SpanID().String() != tt.parent {
			t.Errorf("%s: trace %v parent %v, want %s %s", tt.name, x.SpanContext.TraceID(), x.Parent.SpanID(), tt.trace, tt.parent)
		}
		if got := attrOf(x, tracing.AttrStatus).AsString(); got != "FAILED" || x.Status.Code != codes.Error {
			t.Errorf("%s: execution %q %v", tt.name, got, x.Status)
		}
		if got := attrOf(work, tracing.AttrOutcome).AsString(); got != tracing.OutcomeFailed || work.Parent.SpanID() != x.SpanContext.SpanID() {
			t.Errorf("%s: Work outcome %q parent %v", tt.name, got, work.Parent.SpanID())
		}
		if got := attrOf(work, tracing.AttrError).AsString(); got != "States.Runtime" {
			t.Errorf("%s: Work error %q", tt.name, got)
		}
	}
}

// spansOf waits until the spans of execution arn include the names given
// and returns them by name (the last of each name).
func spansOf(t *testing.T, exp *tracetest.InMemoryExporter, arn string, names ...string) map[string]tracetest.SpanStub {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := map[string]tracetest.SpanStub{}
		for _, s := range exp.GetSpans() {
			if attrOf(s, tracing.AttrExecutionARN).AsString() == arn {
				got[s.Name] = s
			}
		}
		missing := false
		for _, n := range names {
			if _, ok := got[n]; !ok {
				missing = true
			}
		}
		if !missing {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("spans of %s: have %d, missing some of %q", arn, len(got), names)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestTracingNestedStates(t *testing.T) {
	t.Parallel()
	exp := tracetest.NewInMemoryExporter()
	_, c := startWith(t, t.TempDir(), server.Config{WaitScale: -1}, server.Deps{SpanExporter: exp})
	sm := create(t, c, "nested", `{"StartAt":"Par","States":{
		"Par":{"Type":"Parallel","Branches":[
			{"StartAt":"L","States":{"L":{"Type":"Pass","End":true}}},
			{"StartAt":"R","States":{"R":{"Type":"Pass","Next":"R2"},"R2":{"Type":"Pass","End":true}}}],"Next":"Each"},
		"Each":{"Type":"Map","ItemsPath":"$[0].items","Iterator":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}`,
		types.StateMachineTypeStandard)
	started, err := c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(`{"items":[1]}`)})
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, c, *started.ExecutionArn)
	got := spansOf(t, exp, *started.ExecutionArn, "nested", "Par", "L", "R", "R2", "Each", "I")
	parents := map[string]string{"Par": "nested", "Each": "nested", "L": "Par", "R": "Par", "R2": "Par", "I": "Each"}
	for child, parent := range parents {
		if got[child].Parent.SpanID() != got[parent].SpanContext.SpanID() {
			t.Errorf("%s: parent %v, want %s's %v", child, got[child].Parent.SpanID(), parent, got[parent].SpanContext.SpanID())
		}
		if got[child].StartTime.Before(got[parent].StartTime) || got[child].EndTime.After(got[parent].EndTime) {
			t.Errorf("%s [%v, %v] outside %s [%v, %v]", child, got[child].StartTime, got[child].EndTime, parent, got[parent].StartTime, got[parent].EndTime)
		}
	}
	if got := attrOf(got["Each"], tracing.AttrStateType).AsString(); got != "Map" {
		t.Errorf("Each: type %q", got)
	}
}

// TestTracingAcrossRestart: spans of an execution that a second server
// finishes join the first server's trace, and the state open across the
// restart starts when it was entered.
func TestTracingAcrossRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	def := `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"W"},"W":{"Type":"Wait","Seconds":3600,"Next":"B"},"B":{"Type":"Pass","End":true}}}`
	first := tracetest.NewInMemoryExporter()
	srv1, c1 := startWith(t, dir, server.Config{}, server.Deps{SpanExporter: first})
	sm := create(t, c1, "restarted", def, types.StateMachineTypeStandard)
	started, err := c1.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(sm)})
	if err != nil {
		t.Fatal(err)
	}
	a := spansOf(t, first, *started.ExecutionArn, "A")["A"]
	if err := srv1.Stop(); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()

	second := tracetest.NewInMemoryExporter()
	_, c2 := startWith(t, dir, server.Config{WaitScale: -1}, server.Deps{SpanExporter: second})
	waitDone(t, c2, *started.ExecutionArn)
	got := spansOf(t, second, *started.ExecutionArn, "restarted", "W", "B")
	x := got["restarted"]
	for _, name := range []string{"W", "B", "restarted"} {
		if got[name].SpanContext.TraceID() != a.SpanContext.TraceID() {
			t.Errorf("%s: trace %v, want the first server's %v", name, got[name].SpanContext.TraceID(), a.SpanContext.TraceID())
		}
	}
	if a.Parent.SpanID() != x.SpanContext.SpanID() || got["W"].Parent.SpanID() != x.SpanContext.SpanID() {
		t.Errorf("parents A %v W %v, want the execution span %v", a.Parent.SpanID(), got["W"].Parent.SpanID(), x.SpanContext.SpanID())
	}
	if w := got["W"]; w.StartTime.After(stopped) || w.StartTime.Before(a.EndTime) || !w.EndTime.After(stopped) {
		t.Errorf("W [%v, %v]: want entered before the restart (%v), after A ended (%v), and exited after", w.StartTime, w.EndTime, stopped, a.EndTime)
	}
	if !x.StartTime.Equal(a.StartTime) && x.StartTime.After(a.StartTime) {
		t.Errorf("execution starts %v, after A %v", x.StartTime, a.StartTime)
	}
	if _, dup := spansOf(t, second, *started.ExecutionArn, "B")["A"]; dup {
		t.Error("the second server emitted A again")
	}
}
