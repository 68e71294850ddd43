package tracing

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/store"
)

// fakeSource holds one execution and its history.
type fakeSource struct {
	ex     store.Execution
	events []store.Event
	reads  int
}

func (f *fakeSource) GetExecution(_ context.Context, arn string) (store.Execution, error) {
	if arn != f.ex.ARN {
		return store.Execution{}, store.ErrNotFound
	}
	return f.ex, nil
}

func (f *fakeSource) History(_ context.Context, arn string, after int64, limit int, _ bool) ([]store.Event, error) {
	f.reads++
	var out []store.Event
	for _, e := range f.events {
		if e.ID > after && (limit <= 0 || len(out) < limit) {
			out = append(out, e)
		}
	}
	return out, nil
}

func recorded(id, prev int64, ms int64, typ, details string) store.Event {
	js := fmt.Sprintf(`{"timestamp":%d.%03d,"type":%q,"id":%d,"previousEventId":%d`, ms/1000, ms%1000, typ, id, prev)
	if details != "" {
		js += "," + details
	}
	return store.Event{ID: id, JSON: []byte(js + "}")}
}

// TestForgottenExecutionCatchesUp: an execution forgotten while idle (or
// first seen after a restart) gets its open state's start from history.
func TestForgottenExecutionCatchesUp(t *testing.T) {
	t.Parallel()
	exp := tracetest.NewInMemoryExporter()
	tr, err := New(t.Context(), Config{Exporter: exp, Sync: true})
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:states:us-east-1:123456789012:execution:m:x"
	t0 := int64(1_700_000_000_000)
	src := &fakeSource{
		ex: store.Execution{ARN: arn, StateMachineARN: "arn:aws:states:us-east-1:123456789012:stateMachine:m", StartDate: time.UnixMilli(t0)},
		events: []store.Event{
			recorded(1, 0, t0, "ExecutionStarted", `"executionStartedEventDetails":{"input":"{}"}`),
			recorded(2, 1, t0+5, "WaitStateEntered", `"stateEnteredEventDetails":{"input":"{\"name\":\"no\"}","name":"W"}`),
			recorded(3, 2, t0+60_000, "WaitStateExited", `"stateExitedEventDetails":{"name":"W","output":"{}"}`),
			recorded(4, 3, t0+60_001, "ExecutionSucceeded", `"executionSucceededEventDetails":{"output":"{}"}`),
		},
	}
	now := time.UnixMilli(t0)
	o := tr.Observer(src).(*observer)
	o.now = func() time.Time { return now }
	o.StepCommitted(t.Context(), engine.CommittedStep{Execution: &src.ex, Step: store.Step{ExecutionARN: arn, Events: src.events[:2]}})
	now = now.Add(idleAfter + time.Minute)
	o.StepCommitted(t.Context(), engine.CommittedStep{Step: store.Step{ExecutionARN: arn + "-other", Events: nil}})
	if _, kept := o.runs[arn]; kept {
		t.Fatal("an idle execution was not forgotten")
	}
	o.StepCommitted(t.Context(), engine.CommittedStep{Step: store.Step{ExecutionARN: arn, Events: src.events[2:]}})
	if src.reads != 1 {
		t.Errorf("history read %d times, want 1", src.reads)
	}
	spans := exp.GetSpans()
	if len(spans) != 2 {
		t.Fatalf("%d spans, want W and the execution", len(spans))
	}
	w, x := spans[0], spans[1]
	if w.Name != "W" || x.Name != "m" {
		t.Fatalf("spans %q %q", w.Name, x.Name)
	}
	if !w.StartTime.Equal(time.UnixMilli(t0+5)) || !w.EndTime.Equal(time.UnixMilli(t0+60_000)) {
		t.Errorf("W [%v, %v]", w.StartTime, w.EndTime)
	}
	if w.Parent.SpanID() != x.SpanContext.SpanID() || w.SpanContext.TraceID() != derivedTraceID(arn) || x.SpanContext.TraceID() != derivedTraceID(arn) {
		t.Errorf("W parent %v trace %v; execution %v trace %v", w.Parent.SpanID(), w.SpanContext.TraceID(), x.SpanContext.SpanID(), x.SpanContext.TraceID())
	}
	if !x.StartTime.Equal(time.UnixMilli(t0)) {
		t.Errorf("execution starts %v", x.StartTime)
	}
}

func TestDetailsOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ, json string
		want      details
	}{
		{"PassStateEntered", `{"timestamp":1,"type":"PassStateEntered","id":2,"previousEventId":1,"stateEnteredEventDetails":{"input":"{\"name\":\"decoy\"}","name":"P"}}`, details{Name: "P"}},
		{"TaskFailed", `{"timestamp":1,"type":"TaskFailed","id":5,"previousEventId":4,"taskFailedEventDetails":{"resourceType":"lambda","resource":"invoke","error":"Boom","cause":"c"}}`, details{Error: "Boom", Cause: "c", Resource: "invoke", ResourceType: "lambda"}},
		{"ExecutionFailed", `{"executionFailedEventDetails":{"error":"E"},"type":"ExecutionFailed"}`, details{Error: "E"}},
		{"TaskStateAborted", `{"type":"TaskStateAborted"}`, details{}},
		{"PassStateEntered", `not json`, details{}},
	}
	for _, tt := range tests {
		if got := detailsOf(tt.typ, []byte(tt.json)); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.json, got, tt.want)
		}
	}
}

func FuzzDecodeEvent(f *testing.F) {
	for _, s := range []string{
		`{"timestamp":1.5,"type":"PassStateEntered","id":2,"previousEventId":1,"stateEnteredEventDetails":{"input":"{}","name":"P"}}`,
		`{"timestamp":1,"type":"TaskFailed","id":5,"previousEventId":4,"taskFailedEventDetails":{"error":"Boom"}}`,
		`{"type":"TaskFailed","taskFailedEventDetails":}`, `{"type":"TaskFailed","taskFailedEventDetails":`, `{}`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, ok := decodeEvent(b)
		if ok && ev.Type == "" {
			t.Fatalf("%q: accepted without a type", b)
		}
	})
}
