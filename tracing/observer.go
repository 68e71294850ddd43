package tracing

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/store"
)

// Attribute keys of execution, state and task spans.
const (
	AttrExecutionARN    = attribute.Key("aws.stepfunctions.execution.arn")
	AttrStateMachineARN = attribute.Key("aws.stepfunctions.state_machine.arn")
	AttrStatus          = attribute.Key("aws.stepfunctions.execution.status")
	AttrStateName       = attribute.Key("aws.stepfunctions.state.name")
	AttrStateType       = attribute.Key("aws.stepfunctions.state.type")
	AttrOutcome         = attribute.Key("aws.stepfunctions.state.outcome")
	AttrAttempts        = attribute.Key("aws.stepfunctions.state.attempts")
	AttrResource        = attribute.Key("aws.stepfunctions.resource")
	AttrResourceType    = attribute.Key("aws.stepfunctions.resource_type")
	AttrAttempt         = attribute.Key("aws.stepfunctions.task.attempt")
	AttrError           = attribute.Key("error.type")
	AttrCause           = attribute.Key("aws.stepfunctions.cause")
)

// Outcomes of a state run (AttrOutcome).
const (
	OutcomeSucceeded = "Succeeded" // exited normally
	OutcomeCaught    = "Caught"    // exited through a Catch after an error
	OutcomeFailed    = "Failed"    // the execution failed in it
	OutcomeAborted   = "Aborted"   // the execution was stopped in it
	OutcomeTimedOut  = "TimedOut"  // the execution timed out in it
)

// HistorySource is what the observer reads when it meets an execution
// whose earlier steps it did not see; the store satisfies it.
type HistorySource interface {
	GetExecution(ctx context.Context, arn string) (store.Execution, error)
	History(ctx context.Context, arn string, after int64, limit int, reverse bool) ([]store.Event, error)
}

// observer derives execution, state and task spans from committed steps.
type observer struct {
	t      *Tracer
	source HistorySource

	now  func() time.Time
	mu   sync.Mutex
	runs map[string]*execution
	// swept is when runs was last rid of idle executions.
	swept time.Time
}

// idleAfter is how long an execution's state is kept without a step.
// One that moved to another node, or waits long, is forgotten; a later
// step here reads its history again, so forgetting never loses spans.
const idleAfter = 10 * time.Minute

var _ engine.Observer = (*observer)(nil)

// execution is what the observer knows of a running execution.
type execution struct {
	mu       sync.Mutex
	lastSeen time.Time // under observer.mu
	arn      string
	smARN    string
	start    time.Time
	traceID  trace.TraceID
	parent   trace.SpanContext // from the trace header; may be invalid
	link     trace.SpanContext // the StartExecution request's span, when seen here
	// after maps an event id to the state open after it (its StateEntered
	// event id; 0: none, the execution itself).
	after map[int64]int64
	open  map[int64]*state
}

type state struct {
	name, typ string
	start     time.Time
	parent    int64
	attempts  int
	errName   string // the last error recorded in the state, "" after a success
	cause     string
	task      *task // the invocation under way
	aborted   bool
	enteredID int64
}

type task struct {
	id                     int64
	resource, resourceType string
	start                  time.Time
	attempt                int
}

// event is a history event as recorded; details holds the members of its
// …EventDetails object this package uses.
type event struct {
	ID      int64
	Prev    int64
	Type    string
	Time    time.Time
	Details details
}

type details struct {
	Name         string `json:"name"`
	Error        string `json:"error"`
	Cause        string `json:"cause"`
	Resource     string `json:"resource"`
	ResourceType string `json:"resourceType"`
}

// decodeEvent reads a recorded event (catching up from the store).
func decodeEvent(b []byte) (event, bool) {
	var head struct {
		Timestamp float64 `json:"timestamp"`
		Type      string  `json:"type"`
		ID        int64   `json:"id"`
		Prev      int64   `json:"previousEventId"`
	}
	if json.Unmarshal(b, &head) != nil || head.Type == "" {
		return event{}, false
	}
	ev := event{ID: head.ID, Prev: head.Prev, Type: head.Type, Time: time.UnixMilli(int64(math.Round(head.Timestamp * 1000))).UTC()}
	if needsDetails(ev.Type) {
		ev.Details = detailsOf(ev.Type, b)
	}
	return ev, true
}

// needsDetails tells the events whose details spans use: names, resources
// and errors. The others (outputs above all) are not decoded.
func needsDetails(typ string) bool {
	return strings.HasSuffix(typ, "StateEntered") || strings.HasSuffix(typ, "StateExited") || invocationStart[typ] ||
		strings.HasSuffix(typ, "Failed") || strings.HasSuffix(typ, "TimedOut") || strings.HasSuffix(typ, "Aborted")
}

// detailsOf decodes the details object of a recorded event. Events are
// written with their details last (interp.Event.AppendJSON), after members
// that cannot contain the key, so only that object is decoded.
func detailsOf(typ string, b []byte) details {
	var d details
	key := interp.DetailsKey(typ)
	if key == "" {
		return d
	}
	i := bytes.Index(b, []byte(`"`+key+`":`))
	if i < 0 || len(b) == 0 || b[len(b)-1] != '}' {
		return d
	}
	if json.Unmarshal(b[i+len(key)+3:len(b)-1], &d) != nil {
		// Not laid out as expected: decode the whole event.
		var whole map[string]json.RawMessage
		if json.Unmarshal(b, &whole) == nil {
			json.Unmarshal(whole[key], &d)
		}
	}
	return d
}

// stepEvents reads a committed step's events, from the interpreter's
// events when the engine passed them (no JSON to decode but details).
func stepEvents(cs engine.CommittedStep) []event {
	out := make([]event, 0, len(cs.Step.Events))
	if len(cs.Events) != len(cs.Step.Events) {
		for _, se := range cs.Step.Events {
			if ev, ok := decodeEvent(se.JSON); ok {
				out = append(out, ev)
			}
		}
		return out
	}
	for i := range cs.Events {
		ie := &cs.Events[i]
		ev := event{ID: ie.ID, Prev: ie.PreviousEventID, Type: ie.Type, Time: ie.Timestamp.UTC().Truncate(time.Millisecond)}
		if needsDetails(ev.Type) {
			ev.Details = detailsOf(ev.Type, cs.Step.Events[i].JSON)
		}
		out = append(out, ev)
	}
	return out
}

// StepCommitted implements engine.Observer.
func (o *observer) StepCommitted(ctx context.Context, cs engine.CommittedStep) {
	arn := cs.Step.ExecutionARN
	now := o.now()
	o.mu.Lock()
	x := o.runs[arn]
	if x == nil {
		x = &execution{arn: arn, after: map[int64]int64{}, open: map[int64]*state{}}
		o.runs[arn] = x
		if now.Sub(o.swept) > idleAfter/10 {
			o.swept = now
			for k, other := range o.runs {
				if now.Sub(other.lastSeen) > idleAfter && other != x {
					delete(o.runs, k)
				}
			}
		}
	}
	x.lastSeen = now
	o.mu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	events := stepEvents(cs)
	switch {
	case cs.Execution != nil:
		x.init(*cs.Execution)
		if req := trace.SpanContextFromContext(ctx); req.IsValid() && !x.parent.IsValid() {
			x.link = req
			trace.SpanFromContext(ctx).AddLink(trace.Link{SpanContext: x.spanContext(spanID(arn, "execution", 0))})
		}
	case x.traceID == (trace.TraceID{}):
		o.catchUp(ctx, x, events)
	}
	ended := false
	for _, ev := range events {
		ended = x.apply(o.t, ev, true) || ended
	}
	if ended {
		o.mu.Lock()
		delete(o.runs, arn)
		o.mu.Unlock()
	}
}

// init sets what the execution's spans share.
func (x *execution) init(ex store.Execution) {
	x.smARN, x.start = ex.StateMachineARN, ex.StartDate.Truncate(time.Millisecond) // as events record it
	if sc, ok := ParseTraceHeader(ex.TraceHeader); ok {
		x.traceID = sc.TraceID
		x.parent = trace.NewSpanContext(sc)
	} else {
		x.traceID = derivedTraceID(ex.ARN)
	}
}

// catchUp learns, from the store, the execution and the states open before
// events: this node did not see its earlier steps. ctx is the engine's:
// the reads end when it stops, as they run under the execution's lock.
func (o *observer) catchUp(ctx context.Context, x *execution, events []event) {
	ex, err := o.source.GetExecution(ctx, x.arn)
	if err != nil {
		o.t.log.Warn("tracing: read execution", "arn", x.arn, "err", err)
		x.init(store.Execution{ARN: x.arn})
		return
	}
	x.init(ex)
	if len(events) == 0 {
		return
	}
	first := events[0].ID
	var after int64
	for {
		page, err := o.source.History(ctx, x.arn, after, 1000, false)
		if err != nil {
			o.t.log.Warn("tracing: read history", "arn", x.arn, "err", err)
			return
		}
		for _, se := range page {
			if se.ID >= first {
				return
			}
			if ev, ok := decodeEvent(se.JSON); ok {
				x.apply(o.t, ev, false)
			}
			after = se.ID
		}
		if len(page) < 1000 {
			return
		}
	}
}

func (x *execution) spanContext(id trace.SpanID) trace.SpanContext {
	flags := trace.FlagsSampled
	if x.parent.IsValid() {
		flags = x.parent.TraceFlags()
	}
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: x.traceID, SpanID: id, TraceFlags: flags, Remote: true})
}

// parentCtx is a context whose span is the execution's span, or the open
// state scope's.
func (x *execution) parentCtx(scope int64) context.Context {
	if scope == 0 {
		return trace.ContextWithRemoteSpanContext(context.Background(), x.spanContext(spanID(x.arn, "execution", 0)))
	}
	return trace.ContextWithRemoteSpanContext(context.Background(), x.spanContext(spanID(x.arn, "state", scope)))
}

var invocationStart = map[string]bool{"TaskScheduled": true, "LambdaFunctionScheduled": true, "ActivityScheduled": true}

var invocationEnd = map[string]bool{
	"TaskSucceeded": true, "TaskFailed": true, "TaskTimedOut": true, "TaskStartFailed": true, "TaskSubmitFailed": true,
	"LambdaFunctionSucceeded": true, "LambdaFunctionFailed": true, "LambdaFunctionTimedOut": true,
	"LambdaFunctionStartFailed": true, "LambdaFunctionScheduleFailed": true,
	"ActivitySucceeded": true, "ActivityFailed": true, "ActivityTimedOut": true, "ActivityScheduleFailed": true,
}

// apply folds an event into what the observer knows, emitting the spans
// it ends when emit is set. It reports whether the execution ended.
func (x *execution) apply(t *Tracer, ev event, emit bool) bool {
	scope := x.after[ev.Prev]
	s := x.open[scope]
	switch {
	case ev.Type == "ExecutionStarted":
		if x.start.IsZero() {
			x.start = ev.Time
		}
	case strings.HasSuffix(ev.Type, "StateEntered"):
		x.open[ev.ID] = &state{name: ev.Details.Name, typ: strings.TrimSuffix(ev.Type, "StateEntered"), start: ev.Time, parent: scope, enteredID: ev.ID}
		x.after[ev.ID] = ev.ID
		return false
	case strings.HasSuffix(ev.Type, "StateExited"):
		if s == nil || s.name != ev.Details.Name {
			scope, s = x.openNamed(ev.Details.Name)
		}
		if s == nil {
			break
		}
		outcome := OutcomeSucceeded
		if s.errName != "" {
			outcome = OutcomeCaught
		}
		if emit {
			x.emitState(t, s, ev.Time, outcome)
		}
		delete(x.open, scope)
		x.after[ev.ID] = s.parent
		return false
	case invocationStart[ev.Type]:
		if s != nil {
			s.attempts++
			s.task = &task{id: ev.ID, resource: ev.Details.Resource, resourceType: ev.Details.ResourceType, start: ev.Time, attempt: s.attempts}
		}
	case invocationEnd[ev.Type]:
		if s != nil {
			s.errName, s.cause = ev.Details.Error, ev.Details.Cause
			if s.task != nil && emit {
				x.emitTask(t, s, ev.Time)
			}
			s.task = nil
		}
	case strings.HasPrefix(ev.Type, "Execution"):
		status := strings.TrimPrefix(ev.Type, "Execution")
		switch status {
		case "Succeeded", "Failed", "Aborted", "TimedOut":
			if emit {
				x.end(t, ev, status)
			}
			return true
		}
	default:
		if s != nil && ev.Details.Error != "" {
			s.errName, s.cause = ev.Details.Error, ev.Details.Cause
		}
		if s != nil && strings.HasSuffix(ev.Type, "Aborted") {
			s.aborted = true
		}
	}
	x.after[ev.ID] = scope
	return false
}

// openNamed finds the latest open state called name.
func (x *execution) openNamed(name string) (int64, *state) {
	var id int64
	var found *state
	for k, s := range x.open {
		if s.name == name && k > id {
			id, found = k, s
		}
	}
	return id, found
}

// end emits what is still open when the execution ends, then its span.
func (x *execution) end(t *Tracer, ev event, status string) {
	outcome := map[string]string{"Failed": OutcomeFailed, "Aborted": OutcomeAborted, "TimedOut": OutcomeTimedOut}[status]
	for _, s := range x.open {
		if s.task != nil {
			if s.errName == "" {
				s.errName, s.cause = ev.Details.Error, ev.Details.Cause
			}
			x.emitTask(t, s, ev.Time)
		}
		if s.errName == "" {
			s.errName, s.cause = ev.Details.Error, ev.Details.Cause
		}
		x.emitState(t, s, ev.Time, outcome)
	}
	clear(x.open)
	ctx := withIDs(context.Background(), x.traceID, spanID(x.arn, "execution", 0))
	if x.parent.IsValid() {
		ctx = trace.ContextWithRemoteSpanContext(ctx, x.parent)
	}
	attrs := []attribute.KeyValue{AttrExecutionARN.String(x.arn), AttrStateMachineARN.String(x.smARN), AttrStatus.String(strings.ToUpper(status))}
	opts := []trace.SpanStartOption{trace.WithTimestamp(x.start), trace.WithSpanKind(trace.SpanKindInternal)}
	if x.link.IsValid() {
		opts = append(opts, trace.WithLinks(trace.Link{SpanContext: x.link}))
	}
	start := x.start
	if start.IsZero() {
		start = ev.Time
		opts[0] = trace.WithTimestamp(start)
	}
	_, span := t.tracer.Start(ctx, nameOf(x.smARN), opts...)
	span.SetAttributes(attrs...)
	if status != "Succeeded" {
		span.SetAttributes(AttrError.String(ev.Details.Error), AttrCause.String(ev.Details.Cause))
		span.SetStatus(codes.Error, ev.Details.Error)
	}
	span.End(trace.WithTimestamp(ev.Time))
}

func (x *execution) emitState(t *Tracer, s *state, end time.Time, outcome string) {
	ctx := withIDs(x.parentCtx(s.parent), x.traceID, spanID(x.arn, "state", s.enteredID))
	_, span := t.tracer.Start(ctx, s.name, trace.WithTimestamp(s.start), trace.WithSpanKind(trace.SpanKindInternal))
	span.SetAttributes(AttrExecutionARN.String(x.arn), AttrStateName.String(s.name), AttrStateType.String(s.typ), AttrOutcome.String(outcome))
	if s.attempts > 0 {
		span.SetAttributes(AttrAttempts.Int(s.attempts))
	}
	if s.errName != "" {
		span.SetAttributes(AttrError.String(s.errName), AttrCause.String(s.cause))
		if outcome != OutcomeCaught && outcome != OutcomeSucceeded {
			span.SetStatus(codes.Error, s.errName)
		}
	}
	span.End(trace.WithTimestamp(end))
}

func (x *execution) emitTask(t *Tracer, s *state, end time.Time) {
	k := s.task
	ctx := withIDs(x.parentCtx(s.enteredID), x.traceID, spanID(x.arn, "task", k.id))
	_, span := t.tracer.Start(ctx, k.resource, trace.WithTimestamp(k.start), trace.WithSpanKind(trace.SpanKindClient))
	span.SetAttributes(AttrExecutionARN.String(x.arn), AttrStateName.String(s.name), AttrResource.String(k.resource),
		AttrResourceType.String(k.resourceType), AttrAttempt.Int(k.attempt))
	if s.errName != "" {
		span.SetAttributes(AttrError.String(s.errName), AttrCause.String(s.cause))
		span.SetStatus(codes.Error, s.errName)
	}
	span.End(trace.WithTimestamp(end))
}

func nameOf(arn string) string {
	if i := strings.LastIndexByte(arn, ':'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}
