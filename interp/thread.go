package interp

import (
	"time"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/value"
)

// thread runs one graph: the state machine, a Parallel branch or a Map
// iteration. Threads of one execution interleave only at points where they
// wait, so the order of events is a function of the inputs.
type thread struct {
	parent *thread
	graph  *asl.Graph
	index  int // branch or iteration index
	vars   *scope
	own    scope // vars of a Map iteration, held here to save an allocation
	silent bool  // a distributed Map's item: its events are not in this history

	state       *asl.State
	input       any    // the current state's raw input
	inputText   string // its JSON text once known, else ""
	enteredID   int64
	enteredTime time.Time
	last        int64 // the event the next one follows
	retries     []int // attempts so far, per retrier of the current state
	retryCount  int   // all retries of the current state

	// What the thread waits for.
	taskID       int64
	submitted    int64 // the task whose TaskSubmitted was recorded
	started      int64 // the task whose ActivityStarted was recorded
	taskToken    string
	taskParams   any
	fam          family // the running task's resource, classified
	rtype, rname string
	timeoutTimer int64
	beatTimer    int64
	waitTimer    int64
	fan          *fanout

	// A Wait state's output, known when it starts waiting.
	pendingOutput   any
	pendingAssigned *value.Object

	// Another value whose JSON text is known (a task's parameters, then
	// its result), so that a state passing it on encodes it once.
	known     any
	knownText string

	done       bool
	output     any
	outputText string // the output's JSON text, if it was recorded
	failure    *asl.Failure

	// For a redrive: where the thread starts again, and the progress of
	// the Parallel or Map it is in when that failed (redrive.go).
	redo    *redoPoint
	lastFan *fanSnapshot
}

// goTo moves t to state name with input, whose JSON text is text ("" if
// not known yet).
func (t *thread) goTo(name string, input any, text string) {
	t.state = t.graph.States[name]
	t.input, t.inputText = input, text
	t.known, t.knownText = nil, ""
	t.retries = nil
	t.retryCount = 0
	t.taskToken = "" // a token belongs to the state that asked for it
	t.lastFan = nil
}

// scope holds workflow variables. Inner scopes (Map iterations, Parallel
// branches) read the outer ones but assign only their own.
type scope struct {
	parent *scope
	vars   map[string]any
	getFn  func(string) (any, bool) // get, made once rather than per Env
	allFn  func() map[string]any    // all, likewise
}

func newScope(parent *scope) *scope { return &scope{parent: parent} }

func (s *scope) get(name string) (any, bool) {
	for ; s != nil; s = s.parent {
		if v, ok := s.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

// all returns every visible variable, inner scopes hiding outer ones.
func (s *scope) all() map[string]any {
	m := map[string]any{}
	var chain []*scope
	for ; s != nil; s = s.parent {
		chain = append(chain, s)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		for k, v := range chain[i].vars {
			m[k] = v
		}
	}
	return m
}

func (s *scope) set(name string, v any) {
	if s.vars == nil {
		s.vars = map[string]any{}
	}
	s.vars[name] = v
}

// env builds what a state's expressions read. In JSONPath states "$" is
// input; in JSONata states $states.input is the state's raw input and
// extra names more members of $states ("result", "errorOutput").
func (x *Execution) env(t *thread, input any, extra ...any) *asl.Env {
	e := &asl.Env{Rand: x.rng, Now: x.now}
	e.Input = input
	// $$ is built only for states that may read it.
	var ctx *value.Object
	if t.state == nil || t.state.ReadsContext {
		ctx = x.contextObject(t)
		e.Context = ctx
	}
	vars := t.vars
	if vars.getFn == nil {
		vars.getFn = vars.get
	}
	e.Vars = vars.getFn
	if isJSONata(t) {
		st := value.NewObject(2 + len(extra)/2)
		st.Set("input", t.input)
		st.Set("context", ctx)
		for i := 0; i+1 < len(extra); i += 2 {
			st.Set(extra[i].(string), extra[i+1])
		}
		e.States = st
		if vars.allFn == nil {
			vars.allFn = vars.all
		}
		e.Variables = vars.allFn
	}
	return e
}

// isJSONata reports whether t's current state uses JSONata.
func isJSONata(t *thread) bool { return t.state != nil && t.state.QueryLanguage == asl.JSONata }

// contextObject builds $$ for the thread's current state.
func (x *Execution) contextObject(t *thread) *value.Object {
	if x.info.Context != nil {
		ctx := x.info.Context.Clone() // callers may add members (Map)
		if t.taskToken != "" && !ctx.Has("Task") {
			ctx.Set("Task", value.ObjectOf("Token", t.taskToken))
		}
		return ctx
	}
	if x.execCtx == nil {
		x.execCtx = value.ObjectOf(
			"Id", x.info.ExecutionArn,
			"Input", x.info.Input,
			"StartTime", FormatTime(x.start),
			"Name", x.info.Name,
			"RoleArn", x.info.RoleArn,
			"RedriveCount", value.Int(int64(x.info.RedriveCount)),
		)
		x.smCtx = value.ObjectOf("Id", x.info.StateMachineArn, "Name", x.info.StateMachineName)
	}
	ctx := value.NewObject(4)
	ctx.Set("Execution", x.execCtx)
	ctx.Set("StateMachine", x.smCtx)
	if t.state != nil {
		st := value.NewObject(3)
		st.Set("EnteredTime", FormatTime(t.enteredTime))
		st.Set("Name", t.state.Name)
		if t.state.Type == asl.TypeTask {
			st.Set("RetryCount", value.Int(int64(t.retryCount)))
		}
		ctx.Set("State", st)
	}
	if t.taskToken != "" {
		ctx.Set("Task", value.ObjectOf("Token", t.taskToken))
	}
	return ctx
}

// run executes states of t until it waits or ends.
func (x *Execution) run(t *thread) {
	for !t.done && x.status == Running && t.state != nil && !t.waiting() && !x.overEventLimit {
		x.enter(t)
	}
}

func (t *thread) waiting() bool {
	return t.taskID != 0 || t.waitTimer != 0 || t.fan != nil
}

// enteredEvent and exitedEvent name a state's events, e.g.
// PassStateEntered, without building the string each time.
func enteredEvent(s *asl.State) string {
	switch s.Type {
	case asl.TypePass:
		return "PassStateEntered"
	case asl.TypeTask:
		return "TaskStateEntered"
	case asl.TypeChoice:
		return "ChoiceStateEntered"
	case asl.TypeWait:
		return "WaitStateEntered"
	case asl.TypeSucceed:
		return "SucceedStateEntered"
	case asl.TypeFail:
		return "FailStateEntered"
	case asl.TypeParallel:
		return "ParallelStateEntered"
	case asl.TypeMap:
		return "MapStateEntered"
	}
	return s.Type + "StateEntered"
}

func exitedEvent(s *asl.State) string {
	switch s.Type {
	case asl.TypePass:
		return "PassStateExited"
	case asl.TypeTask:
		return "TaskStateExited"
	case asl.TypeChoice:
		return "ChoiceStateExited"
	case asl.TypeWait:
		return "WaitStateExited"
	case asl.TypeSucceed:
		return "SucceedStateExited"
	case asl.TypeFail:
		return "FailStateExited"
	case asl.TypeParallel:
		return "ParallelStateExited"
	case asl.TypeMap:
		return "MapStateExited"
	}
	return s.Type + "StateExited"
}

// enter runs the current state from its beginning.
func (x *Execution) enter(t *thread) {
	s := t.state
	t.enteredTime = x.now
	if t.silent {
		t.enteredID = t.last
	} else {
		if t.inputText == "" {
			t.inputText = x.encode(t.input)
		}
		d := x.states.get()
		d.text, d.name = t.inputText, s.Name
		t.enteredID = x.emit(t, enteredEvent(s), (*stateEntered)(d))
	}
	x.inspect(t, StageInput, t.input)
	x.execute(t)
}

// execute runs the current state's work (again, on a retry).
func (x *Execution) execute(t *thread) {
	t.lastFan = nil // a retry starts the state over
	switch t.state.Type {
	case asl.TypePass:
		x.pass(t)
	case asl.TypeChoice:
		x.choice(t)
	case asl.TypeWait:
		x.wait(t)
	case asl.TypeSucceed:
		x.succeed(t)
	case asl.TypeFail:
		x.fail(t)
	case asl.TypeTask:
		x.task(t)
	case asl.TypeParallel:
		x.parallel(t)
	case asl.TypeMap:
		x.mapState(t)
	}
}

// exit leaves the current state with output, stores its variable
// assignments and moves to next (or ends the thread when next is "").
func (x *Execution) exit(t *thread, output any, next string, assigned *value.Object) {
	s := t.state
	// The output's JSON text is recorded, measured against the limit and
	// is the next state's input text: encoded once, if at all.
	text, size := "", 0
	if t.silent {
		size = value.Size(output)
	} else {
		text = x.textOf(t, output)
		size = len(text)
	}
	if size > x.info.MaxPayload {
		x.stateFailed(t, asl.Fail("States.DataLimitExceeded", "The state/task '"+s.Name+"' returned a result with a size exceeding the maximum number of bytes service limit."))
		return
	}
	var recorded *value.Object
	if assigned.Len() > 0 {
		recorded = value.NewObject(assigned.Len())
		for k, v := range assigned.All() {
			t.vars.set(k, v)
			recorded.Set(k, x.encode(v))
		}
	}
	if !t.silent {
		d := x.states.get()
		d.assigned, d.name, d.text = recorded, s.Name, text
		x.emit(t, exitedEvent(s), (*stateExited)(d))
	}
	if x.info.Inspector != nil {
		if assigned.Len() > 0 {
			x.inspect(t, StageAssigned, assigned)
		}
		x.inspect(t, StageOutput, output)
		x.inspect(t, StageNext, next)
	}
	if next == "" {
		t.outputText = text
		x.threadDone(t, output)
		return
	}
	t.goTo(next, output, text)
}

// textOf returns v's JSON text, reusing the text of t's input or of its
// known value when v is that same value (values are immutable).
func (x *Execution) textOf(t *thread, v any) string {
	if t.inputText != "" && sameValue(v, t.input) {
		return t.inputText
	}
	if t.knownText != "" && sameValue(v, t.known) {
		return t.knownText
	}
	return x.encode(v)
}

// sameValue reports whether a and b are the same value: equal scalars, or
// the same container. Different containers may be equal too; this only
// answers cheaply.
func sameValue(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case bool:
		bv, ok := b.(bool)
		return ok && a == bv
	case value.Number:
		bv, ok := b.(value.Number)
		return ok && a == bv
	case string:
		bv, ok := b.(string)
		return ok && a == bv
	case *value.Object:
		bv, ok := b.(*value.Object)
		return ok && a == bv
	case []any:
		bv, ok := b.([]any)
		return ok && len(a) == len(bv) && (len(a) == 0 || &a[0] == &bv[0])
	}
	return false
}

// threadDone ends t successfully.
func (x *Execution) threadDone(t *thread, output any) {
	t.done, t.output, t.state = true, output, nil
	if t.parent == nil {
		x.finish(Succeeded, output, "", "")
		return
	}
	x.childDone(t)
}

// threadFailed ends t with a failure nothing in it caught.
func (x *Execution) threadFailed(t *thread, f *asl.Failure) {
	t.markRedo(t.lastFan)
	t.done, t.failure, t.state = true, f, nil
	if t.parent == nil {
		x.finish(Failed, nil, f.Name, f.Cause)
		return
	}
	x.childFailed(t)
}
