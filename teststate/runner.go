package teststate

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/api"
	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

// Config says where TestState pretends to run. The zero value is
// us-east-1, account 123456789012, the real clock and random names.
type Config struct {
	Region  string
	Account string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// NewID returns a fresh unique name for the execution and state
	// machine the state runs in; nil means random UUIDs. Both funcs are
	// called concurrently.
	NewID func() string
	// MaxSteps bounds the interpreter inputs one test may take (tasks
	// run and timers fired by unmocked states); 0 means 10,000.
	MaxSteps int
	// MaxDuration bounds the time an unmocked task may take, as AWS
	// bounds TestState at five minutes (the default); past it the state
	// fails with States.Timeout.
	MaxDuration time.Duration
}

// Runner answers TestState. It is safe for concurrent use.
type Runner struct {
	cfg     Config
	invoker engine.Invoker
}

var _ api.StateTester = (*Runner)(nil)

// New returns a Runner; invoker runs the tasks of states tested without a
// mock (nil: they fail with States.Runtime).
func New(cfg Config, invoker engine.Invoker) *Runner {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Account == "" {
		cfg.Account = "123456789012"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewID == nil {
		cfg.NewID = randomUUID
	}
	if cfg.MaxSteps <= 0 {
		cfg.MaxSteps = 10000
	}
	if cfg.MaxDuration <= 0 {
		cfg.MaxDuration = 5 * time.Minute
	}
	return &Runner{cfg: cfg, invoker: invoker}
}

// mock is the request's mock, decoded.
type mock struct {
	result  any
	failure *asl.Failure
}

// TestState runs the request's state. The api has checked the request's
// shape (enums, lengths, JSON texts).
func (r *Runner) TestState(ctx context.Context, in *api.TestStateInput) (*api.TestStateOutput, error) {
	tg, err := compile(in.Definition, in.StateName)
	if err != nil {
		return nil, err
	}
	s := tg.state
	m, err := decodeMock(in.Mock)
	if err != nil {
		return nil, err
	}
	if m == nil && needsMock(s) {
		return nil, api.Errorf(api.ValidationException, "TestState supports %s only with a mock", describe(s))
	}
	if in.Context != "" && m == nil {
		return nil, api.Errorf(api.ValidationException, "A context may be given only with a mock")
	}
	if c := in.StateConfiguration; c != nil && c.ErrorCausedByState != "" {
		if err := checkErrorCause(s, m, c.ErrorCausedByState); err != nil {
			return nil, err
		}
	}
	input, err := parseJSON(in.Input, "{}", "input")
	if err != nil {
		return nil, err
	}
	vars, err := parseObject(in.Variables, "variables")
	if err != nil {
		return nil, err
	}
	rec := &recorder{state: s, mock: m}
	if c := in.StateConfiguration; c != nil {
		if c.RetrierRetryCount != nil {
			rec.retried = int(*c.RetrierRetryCount)
		}
		if c.MapIterationFailureCount != nil {
			rec.failed = int(*c.MapIterationFailureCount)
		}
		if c.MapItemReaderData != "" {
			if rec.readerItems, err = parseJSON(c.MapItemReaderData, "", "mapItemReaderData"); err != nil {
				return nil, err
			}
		}
	}
	now := r.cfg.Now()
	machine, execution := r.cfg.NewID(), r.cfg.NewID()
	smArn := fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", r.cfg.Region, r.cfg.Account, machine)
	execArn := fmt.Sprintf("arn:aws:states:%s:%s:express:%s:%s", r.cfg.Region, r.cfg.Account, machine, execution)
	cobj, err := parseObject(in.Context, "context")
	if err != nil {
		return nil, err
	}
	if cobj == nil {
		cobj = defaultContext(s, execArn, execution, smArn, machine, in.RoleArn, input, now, rec.retried)
	}
	var seed [8]byte
	rand.Read(seed[:])
	x := interp.New(tg.sm, interp.Info{
		ExecutionArn: execArn, Name: execution, StateMachineArn: smArn, StateMachineName: machine,
		RoleArn: in.RoleArn, Input: input, Seed: binary.LittleEndian.Uint64(seed[:]),
		Inspector: rec, Context: cobj, Variables: vars,
	})
	base := engine.Task{ExecutionARN: execArn, StateMachineARN: smArn, StateMachineName: machine}
	if err := r.drive(ctx, x, rec, m, base, now); err != nil {
		return nil, err
	}
	return r.answer(in, x, rec, vars), nil
}

// drive applies inputs to x until the state under test has an outcome:
// tasks are answered by the mock or the invoker, timers fire at once (in
// virtual time), and a retry ends the run.
func (r *Runner) drive(ctx context.Context, x *interp.Execution, rec *recorder, m *mock, base engine.Task, now time.Time) error {
	// Tasks get until the deadline; ctx itself ends only if the caller
	// goes away.
	taskCtx, cancel := context.WithTimeout(ctx, r.cfg.MaxDuration)
	defer cancel()
	var tasks []interp.RunTask
	timers := map[int64]interp.SetTimer{}
	take := func(step interp.Step) {
		for _, c := range step.Commands {
			switch c := c.(type) {
			case interp.RunTask:
				tasks = append(tasks, c)
			case interp.SetTimer:
				timers[c.TimerID] = c
			case interp.CancelTimer:
				delete(timers, c.TimerID)
			case interp.CancelTask:
				for i, t := range tasks {
					if t.TaskID == c.TaskID {
						tasks = append(tasks[:i], tasks[i+1:]...)
						break
					}
				}
			}
		}
	}
	take(x.Apply(interp.Start{Time: now}))
	for steps := 0; !rec.done && x.Status() == interp.Running; steps++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if steps >= r.cfg.MaxSteps {
			return api.Errorf(api.ValidationException, "the state did not finish within %d steps", r.cfg.MaxSteps)
		}
		if len(tasks) > 0 {
			t := tasks[0]
			tasks = tasks[1:]
			base.RunTask = t
			take(x.Apply(r.runTask(taskCtx, rec, m, base, now)))
			continue
		}
		if len(timers) == 0 {
			break
		}
		var next interp.SetTimer
		for _, tm := range timers {
			if next.TimerID == 0 || tm.At.Before(next.At) || tm.At.Equal(next.At) && tm.TimerID < next.TimerID {
				next = tm
			}
		}
		delete(timers, next.TimerID)
		if next.At.After(now) {
			now = next.At
		}
		take(x.Apply(interp.TimerFired{TimerID: next.TimerID, Time: now}))
	}
	return nil
}

// runTask answers one task: the state under test's from the mock, any
// other (inside an unmocked Map or Parallel) from the invoker.
func (r *Runner) runTask(ctx context.Context, rec *recorder, m *mock, task engine.Task, now time.Time) interp.Input {
	t := task.RunTask
	if m != nil && rec.state.Type == asl.TypeTask {
		if m.failure != nil {
			return interp.TaskFailed{TaskID: t.TaskID, Error: m.failure.Name, Cause: m.failure.Cause, Time: now}
		}
		return interp.TaskSucceeded{TaskID: t.TaskID, Output: m.result, Time: now}
	}
	if r.invoker == nil {
		return interp.TaskFailed{TaskID: t.TaskID, Error: "States.Runtime", Cause: fmt.Sprintf("Cairn has no integration for the resource '%s'", t.Resource), Time: now}
	}
	if t.TimeoutSeconds > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(t.TimeoutSeconds)*time.Second)
		defer cancel()
	}
	out, err := r.invoker.Invoke(ctx, task)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return interp.TaskFailed{TaskID: t.TaskID, Error: "States.Timeout", Time: now}
	}
	if err != nil {
		var te *engine.TaskError
		if errors.As(err, &te) {
			return interp.TaskFailed{TaskID: t.TaskID, Error: te.Name, Cause: te.Cause, Time: now}
		}
		return interp.TaskFailed{TaskID: t.TaskID, Error: "States.TaskFailed", Cause: err.Error(), Time: now}
	}
	if mk, ok := out.(engine.Mocked); ok {
		out = mk.Output
	}
	return interp.TaskSucceeded{TaskID: t.TaskID, Output: out, Time: now}
}

// answer words the outcome as TestState's response.
func (r *Runner) answer(in *api.TestStateInput, x *interp.Execution, rec *recorder, vars *value.Object) *api.TestStateOutput {
	out := &api.TestStateOutput{}
	output, left := rec.value(interp.StageOutput)
	next, _ := rec.value(interp.StageNext)
	switch {
	case rec.routed && rec.route.Retry:
		out.Status = "RETRIABLE"
		out.Error, out.Cause = rec.failure.Name, bareCause(rec.failure.Cause)
	case rec.routed && rec.route.Catcher >= 0 && left:
		out.Status = "CAUGHT_ERROR"
		out.Error, out.Cause = rec.failure.Name, bareCause(rec.failure.Cause)
		out.Output = value.String(output)
		out.NextState, _ = next.(string)
	case rec.routed && rec.route.Catcher >= 0 && x.Status() == interp.Failed:
		// The catcher's own output failed (an Output expression, its
		// ResultPath).
		out.Status = "FAILED"
		out.Error, out.Cause = x.Error(), bareCause(x.Cause())
	case rec.routed:
		out.Status = "FAILED"
		out.Error, out.Cause = rec.failure.Name, bareCause(rec.failure.Cause)
	case left:
		out.Status = "SUCCEEDED"
		out.Output = value.String(output)
		out.NextState, _ = next.(string)
	case x.Status() == interp.Failed:
		out.Status = "FAILED"
		out.Error, out.Cause = x.Error(), bareCause(x.Cause())
	default:
		out.Status = "FAILED"
		out.Error, out.Cause = "States.Runtime", "The state did not finish."
	}
	if in.InspectionLevel == "DEBUG" || in.InspectionLevel == "TRACE" {
		after := vars
		if assigned, ok := rec.value(interp.StageAssigned); ok {
			if a, isObj := assigned.(*value.Object); isObj {
				if after == nil {
					after = value.NewObject(a.Len())
				} else {
					after = after.Clone()
				}
				for k, v := range a.All() {
					after.Set(k, v)
				}
			}
		}
		out.InspectionData = rec.inspectionData(after)
	}
	return out
}

// statePrefix is how the interpreter's runtime errors begin; TestState's
// causes go without it.
var statePrefix = regexp.MustCompile(`^An error occurred while executing the state '[^']*' \(entered at the event id #\d+\)\. `)

// bareCause drops the prefix, and writes a path into the context object
// in a Map's "must point to array" as AWS does: "$$.x" as "$.x".
func bareCause(cause string) string {
	cause = statePrefix.ReplaceAllString(cause, "")
	if rest, ok := strings.CutPrefix(cause, `Reference path "$$`); ok {
		cause = `Reference path "$` + rest
	}
	return cause
}

// checkErrorCause checks stateConfiguration.errorCausedByState: it names
// a state inside the Map or Parallel under test, whose mocked error it
// stands for.
func checkErrorCause(s *asl.State, m *mock, name string) error {
	if s.Type != asl.TypeMap && s.Type != asl.TypeParallel {
		return api.Errorf(api.ValidationException, "errorCausedByState applies only to Map and Parallel states")
	}
	if m == nil || m.failure == nil {
		return api.Errorf(api.ValidationException, "errorCausedByState needs a mocked errorOutput")
	}
	graphs := s.Branches
	if s.ItemProcessor != nil {
		graphs = append(graphs, s.ItemProcessor)
	}
	if !inGraphs(graphs, name, 0) {
		return api.Errorf(api.ValidationException, "errorCausedByState '%s' is not a state of the %s state", name, s.Type)
	}
	return nil
}

func inGraphs(graphs []*asl.Graph, name string, depth int) bool {
	if depth > 64 {
		return false
	}
	for _, g := range graphs {
		if _, ok := g.States[name]; ok {
			return true
		}
		for _, st := range g.States {
			inner := st.Branches
			if st.ItemProcessor != nil {
				inner = append(inner[:len(inner):len(inner)], st.ItemProcessor)
			}
			if inGraphs(inner, name, depth+1) {
				return true
			}
		}
	}
	return false
}

// needsMock reports whether AWS tests the state only with a mock:
// Parallel, Map, activities and the .sync and .waitForTaskToken patterns.
func needsMock(s *asl.State) bool {
	switch s.Type {
	case asl.TypeParallel, asl.TypeMap:
		return true
	case asl.TypeTask:
		return strings.Contains(s.Resource, ":activity:") || strings.HasSuffix(s.Resource, ".waitForTaskToken") ||
			strings.Contains(s.Resource, ".sync")
	}
	return false
}

func describe(s *asl.State) string {
	if s.Type == asl.TypeTask {
		return "the resource " + s.Resource
	}
	return s.Type + " states"
}

func decodeMock(in *api.MockInput) (*mock, error) {
	if in == nil {
		return nil, nil
	}
	switch {
	case in.ErrorOutput != nil && in.Result != "":
		return nil, api.Errorf(api.ValidationException, "A mock may have a result or an errorOutput, not both")
	case in.ErrorOutput != nil:
		return &mock{failure: asl.Fail(in.ErrorOutput.Error, in.ErrorOutput.Cause)}, nil
	case in.Result != "":
		v, err := parseJSON(in.Result, "", "mock result")
		if err != nil {
			return nil, err
		}
		return &mock{result: v}, nil
	}
	return nil, api.Errorf(api.ValidationException, "A mock needs a result or an errorOutput")
}

// parseJSON decodes a JSON text of the request; def stands for "".
func parseJSON(text, def, what string) (any, error) {
	if text == "" {
		text = def
	}
	v, err := value.ParseString(text)
	if err != nil {
		return nil, api.Errorf(api.ValidationException, "Invalid %s: %s", what, err.Error())
	}
	return v, nil
}

// parseObject decodes a JSON object text of the request; "" is nil.
func parseObject(text, what string) (*value.Object, error) {
	if text == "" {
		return nil, nil
	}
	v, err := parseJSON(text, "", what)
	if err != nil {
		return nil, err
	}
	o, ok := v.(*value.Object)
	if !ok {
		return nil, api.Errorf(api.ValidationException, "Invalid %s: not a JSON object", what)
	}
	return o, nil
}

// defaultContext is the context object AWS gives a state tested without
// one: an Express execution of a machine holding only the state, which
// AWS calls StateName whatever its name.
func defaultContext(s *asl.State, execArn, execName, smArn, smName, role string, input any, now time.Time, retries int) *value.Object {
	var roleArn any
	if role != "" {
		roleArn = role
	}
	at := interp.FormatTime(now)
	st := value.ObjectOf("Name", loneName, "EnteredTime", at)
	switch s.Type {
	case asl.TypeTask, asl.TypeMap, asl.TypeParallel:
		st.Set("RetryCount", value.Int(int64(retries)))
	}
	return value.ObjectOf(
		"Execution", value.ObjectOf("Id", execArn, "Input", input, "Name", execName, "RoleArn", roleArn, "StartTime", at),
		"StateMachine", value.ObjectOf("Id", smArn, "Name", smName),
		"State", st,
	)
}

func randomUUID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand contract since Go 1.24)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
