package interp

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/value"
)

// Execution statuses.
const (
	Running   = "RUNNING"
	Succeeded = "SUCCEEDED"
	Failed    = "FAILED"
	TimedOut  = "TIMED_OUT"
	Aborted   = "ABORTED"
)

// AWS's limits.
const (
	DefaultMaxPayload = 262144 // bytes of state data, input or output
	DefaultMaxEvents  = 25000  // history events of one execution
)

// Info describes an execution to be run.
type Info struct {
	ExecutionArn     string
	Name             string
	StateMachineArn  string
	StateMachineName string
	RoleArn          string
	Input            any    // the execution input, decoded
	InputText        string // the input as the caller wrote it, recorded verbatim; "" to encode Input
	Seed             uint64 // the source of every random value the execution uses
	RedriveCount     int

	// Optional details recorded in ExecutionStarted.
	StateMachineAliasArn   string
	StateMachineVersionArn string

	MaxPayload int // 0: DefaultMaxPayload
	MaxEvents  int // 0: DefaultMaxEvents

	// For TestState: an Inspector watching the states, a context object
	// that stands for $$ whole, and the variables the execution starts
	// with. All nil for executions.
	Inspector Inspector
	Context   *value.Object
	Variables *value.Object
}

// Execution is the interpreter's state of one execution. It is advanced by
// Apply and does no I/O: time comes with each input, randomness from
// Info.Seed, and work to do leaves as commands.
type Execution struct {
	sm     *asl.StateMachine
	info   Info
	status string
	output any
	err    string
	cause  string

	start   time.Time
	now     time.Time
	nextID  int64
	rng     *rand.Rand // &rand below: both live in the Execution
	pcg     rand.PCG
	rand    rand.Rand
	ids     int64 // task and timer ids handed out
	out     *Step // &cur while Apply runs, else nil
	cur     Step
	root    *thread
	runq    []*thread // runnable threads, the next to run last
	tasks   map[int64]*thread
	timers  map[int64]timer
	execCtx *value.Object // $$.Execution, built on first use
	smCtx   *value.Object // $$.StateMachine, likewise

	overEventLimit bool
	eventHint      int // the capacity to give a step's events

	// Typed event details come from slabs; buf is scratch for encoding.
	states     slab[stateDetails]
	iterations slab[mapIteration]
	taskEvents slab[taskEvent]
	threads    slab[thread] // Map iterations'
	buf        []byte
	region     string // of the state machine's ARN, once needed
	mapRuns    []*mapRun
}

// slab hands out zeroed T's from chunks, to allocate event details in
// bulk. Handed-out T's stay reachable from their events.
type slab[T any] struct {
	free []T
	n    int
}

func (s *slab[T]) get() *T {
	if len(s.free) == 0 {
		s.n = min(max(2*s.n, 4), 64)
		s.free = make([]T, s.n)
	}
	p := &s.free[0]
	s.free = s.free[1:]
	return p
}

// encode writes v as JSON text.
func (x *Execution) encode(v any) string {
	x.buf = value.Append(x.buf[:0], v)
	s := string(x.buf)
	if cap(x.buf) > 64<<10 {
		x.buf = nil // keep no large scratch between states
	}
	return s
}

type timerKind uint8

const (
	timerWait timerKind = iota
	timerRetry
	timerTaskTimeout
	timerHeartbeat
	timerExecution
)

type timer struct {
	t    *thread
	kind timerKind
}

// New prepares an execution of sm. Nothing happens until Apply(Start{…}).
func New(sm *asl.StateMachine, info Info) *Execution {
	if info.MaxPayload == 0 {
		info.MaxPayload = DefaultMaxPayload
	}
	if info.MaxEvents == 0 {
		info.MaxEvents = DefaultMaxEvents
	}
	x := &Execution{
		sm:     sm,
		info:   info,
		status: Running,
		nextID: 1,
		// The first step runs at least up to the first wait: guess
		// that each state is entered and exited once.
		eventHint: min(2*len(sm.States)+2, 64),
	}
	// The maps are made on first use: most executions of a short
	// workflow never need them.
	// The first chunk of state details fits the first step's guess.
	x.states.n = x.eventHint / 2
	x.pcg.Seed(info.Seed, info.Seed^0x9e3779b97f4a7c15)
	x.rand = *rand.New(&x.pcg)
	x.rng = &x.rand
	return x
}

// Status returns RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED.
func (x *Execution) Status() string { return x.status }

// Output returns the execution's output once it SUCCEEDED.
func (x *Execution) Output() any { return x.output }

// Error and Cause describe how the execution failed, timed out or was
// aborted.
func (x *Execution) Error() string { return x.err }

// Cause is the failure's cause text.
func (x *Execution) Cause() string { return x.cause }

// Apply advances the execution by one input and returns the history events
// and commands it produced. Inputs for tasks or timers the execution no
// longer waits for are ignored, so a shell may deliver late or twice.
func (x *Execution) Apply(in Input) Step {
	// The step is built in x.cur, not on the heap by itself.
	x.cur = Step{}
	x.out = &x.cur
	x.now = in.inputTime()
	if _, ok := in.(Redrive); ok && x.status != Running {
		x.redrive()
		x.drain()
		step := x.cur
		x.cur, x.out = Step{}, nil
		return step
	}
	if x.status != Running {
		x.out = nil
		return Step{}
	}
	switch in := in.(type) {
	case Start:
		x.begin()
	case TaskStarted:
		if t, ok := x.tasks[in.TaskID]; ok {
			x.taskStarted(t, in.WorkerName)
		}
	case TaskSucceeded:
		if t, ok := x.tasks[in.TaskID]; ok {
			x.taskDone(t, in.TaskID, in.Output, nil)
		}
	case TaskFailed:
		if t, ok := x.tasks[in.TaskID]; ok {
			x.taskDone(t, in.TaskID, nil, asl.Fail(in.Error, in.Cause))
		}
	case TaskSubmitted:
		if t, ok := x.tasks[in.TaskID]; ok {
			x.taskSubmitted(t, in.Output)
		}
	case TaskHeartbeat:
		if t, ok := x.tasks[in.TaskID]; ok {
			x.heartbeat(t)
		}
	case TimerFired:
		if tm, ok := x.timers[in.TimerID]; ok {
			delete(x.timers, in.TimerID)
			x.timerFired(in.TimerID, tm)
		}
	case Stop:
		x.abort(in.Error, in.Cause)
	}
	x.drain()
	step := x.cur
	x.cur = Step{}
	x.out = nil
	// The next step likely has as many events as this one.
	x.eventHint = max(len(step.Events), 4)
	return step
}

func (x *Execution) begin() {
	x.start = x.now

	x.root = &thread{graph: &x.sm.Graph, vars: newScope(nil)}
	if x.info.Variables != nil {
		for k, v := range x.info.Variables.All() {
			x.root.vars.set(k, v)
		}
	}
	inputText := x.info.InputText
	encoded := ""
	if inputText == "" {
		inputText = x.encode(x.info.Input)
		encoded = inputText
	}
	x.emitPrev("ExecutionStarted", &executionStarted{input: inputText, roleArn: x.info.RoleArn,
		aliasArn: x.info.StateMachineAliasArn, versionArn: x.info.StateMachineVersionArn}, 0)
	if x.sm.TimeoutSeconds > 0 {
		x.setTimer(x.root, timerExecution, x.start.Add(time.Duration(x.sm.TimeoutSeconds)*time.Second))
	}
	size := len(encoded)
	if encoded == "" {
		size = value.Size(x.info.Input)
	}
	if size > x.info.MaxPayload {
		x.finish(Failed, nil, "States.DataLimitExceeded", fmt.Sprintf("The state/task 'Execution Input' returned a result with a size exceeding the maximum number of bytes service limit."))
		return
	}
	x.root.goTo(x.sm.StartAt, x.info.Input, encoded)
	x.runq = append(x.runq, x.root)
}

// drain runs every runnable thread until each waits or ends.
func (x *Execution) drain() {
	for len(x.runq) > 0 && x.status == Running {
		last := len(x.runq) - 1
		t := x.runq[last]
		x.runq[last] = nil
		x.runq = x.runq[:last]
		x.run(t)
	}
	if x.overEventLimit && x.status == Running {
		x.finish(Failed, nil, "States.Runtime", fmt.Sprintf("The execution reached the maximum number of history events (%d).", x.info.MaxEvents))
	}
}

// schedule makes threads runnable ahead of the others, in order, so that
// children run depth-first.
func (x *Execution) schedule(ts ...*thread) {
	x.runq = slices.Grow(x.runq, len(ts))
	for i := len(ts) - 1; i >= 0; i-- {
		x.runq = append(x.runq, ts[i])
	}
}

// emit appends an event to thread t's chain.
func (x *Execution) emit(t *thread, typ string, details Details) int64 {
	if t.silent {
		return t.last
	}
	id := x.emitPrev(typ, details, t.last)
	t.last = id
	return id
}

// emitFor appends an event of thread t that follows prev without moving
// t's chain. Events of silent threads are dropped.
func (x *Execution) emitFor(t *thread, typ string, details Details, prev int64) int64 {
	if t.silent {
		return prev
	}
	return x.emitPrev(typ, details, prev)
}

// emitPrev appends an event with an explicit previous event id.
func (x *Execution) emitPrev(typ string, details Details, prev int64) int64 {
	id := x.nextID
	x.nextID++
	if x.out.Events == nil {
		x.out.Events = make([]Event, 0, x.eventHint)
	}
	x.out.Events = append(x.out.Events, Event{ID: id, PreviousEventID: prev, Timestamp: x.now, Type: typ, Details: details})
	if id >= int64(x.info.MaxEvents)-1 {
		x.overEventLimit = true
	}
	return id
}

func (x *Execution) command(c Command) { x.out.Commands = append(x.out.Commands, c) }

// newID hands out task and timer ids; they are deterministic, so a replay
// of the same inputs names the same tasks and timers.
func (x *Execution) newID() int64 {
	x.ids++
	return x.ids
}

func (x *Execution) setTimer(t *thread, kind timerKind, at time.Time) int64 {
	id := x.newID()
	if x.timers == nil {
		x.timers = map[int64]timer{}
	}
	x.timers[id] = timer{t: t, kind: kind}
	x.command(SetTimer{TimerID: id, At: at})
	return id
}

func (x *Execution) cancelTimer(id int64) {
	if id == 0 {
		return
	}
	if _, ok := x.timers[id]; ok {
		delete(x.timers, id)
		x.command(CancelTimer{TimerID: id})
	}
}

// finish ends the execution with a terminal event.
func (x *Execution) finish(status string, output any, errName, cause string) {
	if x.status != Running {
		return
	}
	prev := int64(0)
	if x.root != nil {
		prev = x.root.last
	}
	switch status {
	case Succeeded:
		text := ""
		if x.root != nil {
			text = x.root.outputText
		}
		if text == "" {
			text = x.encode(output)
		}
		x.emitPrev("ExecutionSucceeded", &outputDetails{text}, prev)
	case Failed:
		x.emitPrev("ExecutionFailed", errorDetails(errName, cause), prev)
	case TimedOut:
		x.emitPrev("ExecutionTimedOut", errorDetails(errName, cause), prev)
	case Aborted:
		// A stop comes from outside the execution: the recorded histories
		// have it follow no event.
		x.emitPrev("ExecutionAborted", errorDetails(errName, cause), 0)
	}
	x.status, x.output, x.err, x.cause = status, output, errName, cause
	x.abortMapRuns()
	for id := range x.tasks {
		x.command(CancelTask{TaskID: id})
	}
	for id := range x.timers {
		x.command(CancelTimer{TimerID: id})
	}
	clear(x.tasks)
	clear(x.timers)
	x.runq = nil
}

func (x *Execution) abort(errName, cause string) {
	x.finish(Aborted, nil, errName, cause)
}

func errorDetails(errName, cause string) Details {
	o := value.NewObject(2)
	if errName != "" {
		o.Set("error", errName)
	}
	if cause != "" {
		o.Set("cause", cause)
	}
	return ObjectDetails{o}
}

// untruncatedDetails is shared by every event: values are immutable.
var untruncatedDetails = value.ObjectOf("truncated", false)

func untruncated() *value.Object { return untruncatedDetails }
