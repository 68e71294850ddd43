package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/value"
)

// run is a running Standard execution held in memory. Its inputs are
// applied one at a time under mu, each step committed before its commands
// are carried out.
type run struct {
	arn         string
	machineName string
	testCase    string
	mu          sync.Mutex
	x           *interp.Execution
	version     int64
	tasks       map[int64]context.CancelFunc
	tokens      map[int64]string // task id -> token, for tasks parked on one
	invocations map[string]int   // task runs so far, by state name
	resumed     map[int64]bool   // tasks run again after a replay
	// fence is the execution's lease fence in a cluster (0 alone): steps
	// carry it, so they do not commit once another node took over.
	fence int64
	// leasedAt is when this node got the lease; a renewal that began
	// before it cannot tell whether the lease is still held.
	leasedAt time.Time
	// inbox serialises applying the execution's messages (cluster.go).
	inbox sync.Mutex
	// answered holds, while a claimed execution resumes, the tokens whose
	// answer is already queued: they are not recorded in the store again,
	// where a worker could take the task a second time.
	answered map[string]bool
	// gone is set under mu when the run is dropped from memory: inputs
	// that queued on mu meanwhile must not apply to it (after a failed
	// commit its state is ahead of the journal).
	gone bool
	// held is set while an execution claimed from another node has not
	// yet applied the messages queued for it: its timers (heldTimers, by
	// due time) and tasks (heldTasks, in order, while heldTask[id] says
	// they still wait) are resumed only then, so that an overdue timer or
	// a task's new answer does not overtake what came while its node was
	// down (see drain).
	held       bool
	heldTimers map[int64]time.Time
	heldTasks  []interp.RunTask
	heldTask   map[int64]bool
}

func newRun(arn, machineName string, x *interp.Execution) *run {
	return &run{arn: arn, machineName: machineName, x: x, tasks: map[int64]context.CancelFunc{},
		tokens: map[int64]string{}, invocations: map[string]int{}, resumed: map[int64]bool{}}
}

// finishTask forgets a task that ended, here and, in a cluster, in the
// store.
func (e *Engine) finishTask(r *run, id int64) {
	delete(r.heldTask, id)
	token := r.tokens[id]
	e.endTask(r, id)
	if token != "" {
		e.dropTokens([]string{token})
	}
}

// finishAll forgets the tokens of an execution that ended.
func (e *Engine) finishAll(r *run) {
	var tokens []string
	for _, token := range r.tokens {
		tokens = append(tokens, token)
	}
	e.dropTokens(tokens)
}

// endTask forgets a task's goroutine and token in this node's memory.
func (e *Engine) endTask(r *run, id int64) {
	if cancel, ok := r.tasks[id]; ok {
		cancel()
		delete(r.tasks, id)
	}
	if token, ok := r.tokens[id]; ok {
		e.calls.release(token)
		delete(r.tokens, id)
	}
}

// StartExecution starts an execution. Standard executions are durable once
// it returns; the first step (which may run the whole execution) is
// committed with the execution.
func (e *Engine) StartExecution(ctx context.Context, req StartRequest) (store.Execution, error) {
	t, err := e.resolve(ctx, req.StateMachineARN)
	if err != nil {
		return store.Execution{}, err
	}
	if e.isStopped() {
		return store.Execution{}, ErrStopped
	}
	if t.machine.Type == "EXPRESS" {
		return e.startExpressAsync(ctx, t, req)
	}
	sm, in, err := e.parseStart(t.definition, req.Input)
	if err != nil {
		return store.Execution{}, err
	}
	name := req.Name
	if name == "" {
		name = newUUID(e.deps.Seed)
	}
	input := req.Input
	if input == "" {
		input = "{}"
	}
	now := e.clock().UTC()
	ex := store.Execution{
		ARN: e.executionARN(t.machine, name), StateMachineARN: t.machine.ARN, VersionARN: t.versionARN, AliasARN: t.aliasARN,
		Name: name, Status: interp.Running, Definition: t.definition, RoleARN: t.machine.RoleARN, Input: input,
		TraceHeader: req.TraceHeader, Seed: e.deps.Seed(), StartDate: now,
	}
	r := newRun(ex.ARN, t.machine.Name, interp.New(sm, interpInfo(ex, t.machine, in)))
	r.testCase = t.testCase
	if e.deps.Cluster != nil {
		ex.Lease = store.Lease{Node: e.cfg.Node, Fence: 1}
		r.fence = 1
	}
	start := interp.Start{Time: now}
	r.mu.Lock()
	defer r.mu.Unlock()
	step := r.x.Apply(start)
	first := e.storeStep(r, start, step)
	if err := e.deps.Store.CreateExecution(ctx, ex, first); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			return e.sameExecution(ctx, ex)
		}
		// The store may have committed before failing (a lost reply): if
		// so, run what it holds.
		e.goTracked(func() { e.reload(ex.ARN, r.fence) })
		return store.Execution{}, fmt.Errorf("create execution: %w", err)
	}
	r.version = 1
	e.observe(ctx, &ex, first, step.Events)
	// Leased once created: a renewal that read the node's executions
	// before then must not judge this one by that list.
	r.leasedAt = time.Now()
	if r.x.Status() == interp.Running {
		e.mu.Lock()
		claimed := e.active[r.arn] != nil
		if !claimed {
			e.active[r.arn] = r
		}
		e.mu.Unlock()
		if claimed {
			// This node's lease had lapsed and its own claim took the
			// execution meanwhile: that copy resumed it, with the new
			// fence, and this one would only be refused.
			r.gone = true
			return ex, nil
		}
	}
	e.dispatch(r, now, step.Commands)
	return ex, nil
}

// sameExecution answers a start whose name is taken: idempotent for a
// running execution with the same input, ExecutionAlreadyExists otherwise.
func (e *Engine) sameExecution(ctx context.Context, want store.Execution) (store.Execution, error) {
	got, err := e.deps.Store.GetExecution(ctx, want.ARN)
	if err != nil {
		return store.Execution{}, err
	}
	if got.Status == interp.Running && got.Input == want.Input && got.StateMachineARN == want.StateMachineARN {
		return got, nil
	}
	return store.Execution{}, fmt.Errorf("%w: %s", ErrExecutionExists, want.ARN)
}

// storeStep turns an interpreter step into the store's form.
func (e *Engine) storeStep(r *run, in interp.Input, step interp.Step) store.Step {
	st := store.Step{ExecutionARN: r.arn, Version: r.version + 1, Fence: r.fence, Input: interp.MarshalInput(in), Status: r.x.Status()}
	st.Events = make([]store.Event, len(step.Events))
	var buf []byte
	for i := range step.Events {
		buf = step.Events[i].AppendJSON(buf[:0])
		st.Events[i] = store.Event{ID: step.Events[i].ID, JSON: append([]byte(nil), buf...)}
	}
	if st.Status != interp.Running {
		if st.Status == interp.Succeeded {
			st.Output = value.String(r.x.Output())
		}
		st.Error, st.Cause = r.x.Error(), r.x.Cause()
		st.StopDate = interp.InputTime(in).UTC()
	}
	return st
}

// deliver applies an input to a running execution, commits the step and
// carries out its commands.
func (e *Engine) deliver(arn string, in interp.Input) error {
	return e.deliverIf(arn, in, nil)
}

// deliverToken is deliver for an answer sent with a task token: the token
// must still name a task the execution waits for when the input is
// applied, or the caller learns the task is gone (an answer racing
// another one for the same token is otherwise silently ignored).
func (e *Engine) deliverToken(token string, p parked, in interp.Input) error {
	err := e.deliverIf(p.execution, in, func(r *run) bool { return r.tokens[p.taskID] == token })
	if err != nil {
		return fmt.Errorf("%w: %v", ErrTaskDoesNotExist, err)
	}
	return nil
}

// errTaskGone: an input for a task that no longer runs (deliverIf's
// valid did not hold).
var errTaskGone = errors.New("the task is no longer running")

// deliverIf is deliver when valid, checked under the run's lock, holds.
func (e *Engine) deliverIf(arn string, in interp.Input, valid func(*run) bool) error {
	e.mu.Lock()
	r := e.active[arn]
	stopped := e.stopped
	e.mu.Unlock()
	if stopped {
		return ErrStopped
	}
	if r == nil {
		return fmt.Errorf("%w: %s", ErrNotRunning, arn)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gone || r.x.Status() != interp.Running {
		return fmt.Errorf("%w: %s", ErrNotRunning, arn)
	}
	if valid != nil && !valid(r) {
		return fmt.Errorf("%w in %s", errTaskGone, arn)
	}
	step := r.x.Apply(in)
	if len(step.Events) == 0 && len(step.Commands) == 0 {
		return nil // an input the execution no longer waited for
	}
	st := e.storeStep(r, in, step)
	errs, err := e.deps.Store.CommitSteps(e.ctx, []store.Step{st})
	if err == nil && errs[0] != nil {
		err = errs[0]
	}
	if err != nil {
		// The in-memory state is ahead of storage: forget it and rebuild
		// from what was committed.
		e.log.Error("commit step", "arn", arn, "err", err)
		e.forget(r)
		fence := r.fence
		e.goTracked(func() { e.reload(arn, fence) })
		return err
	}
	r.version++
	e.observe(e.ctx, nil, st, step.Events)
	switch in := in.(type) {
	case interp.TaskSucceeded:
		e.finishTask(r, in.TaskID)
	case interp.TaskFailed:
		e.finishTask(r, in.TaskID)
	}
	if r.x.Status() != interp.Running {
		e.finishAll(r)
		e.forget(r)
		e.goTracked(func() { e.childEnded(r.arn) })
	}
	e.dispatch(r, interp.InputTime(in), step.Commands)
	return nil
}

// forget drops a run from memory with its timers and tasks. The caller
// holds r.mu.
func (e *Engine) forget(r *run) {
	r.gone = true
	e.mu.Lock()
	if e.active[r.arn] == r {
		delete(e.active, r.arn)
	}
	e.mu.Unlock()
	e.timers.removeAll(r.arn)
	for id := range r.tasks {
		e.endTask(r, id)
	}
	for id := range r.tokens {
		e.endTask(r, id)
	}
}

// reload rebuilds an execution from the store after a failed commit. In a
// cluster it does so only while this node still holds the lease it had
// (fence): a stale step usually means another node took over. It tries
// again while the store cannot be read (an outage is what usually fails a
// commit): given up, the execution would stay with this node, which
// renews its lease, and nobody would work it.
func (e *Engine) reload(arn string, fence int64) {
	for delay := reloadBackoff; ; delay = min(2*delay, reloadMaxBackoff) {
		err := e.reloadOnce(arn, fence)
		if err == nil || e.ctx.Err() != nil {
			return
		}
		e.log.Error("reload execution", "arn", arn, "err", err, "retry", delay)
		select {
		case <-e.ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}

// Reloads back off from reloadBackoff, doubling, to reloadMaxBackoff.
const (
	reloadBackoff    = 50 * time.Millisecond
	reloadMaxBackoff = 5 * time.Second
)

func (e *Engine) reloadOnce(arn string, fence int64) error {
	ex, err := e.deps.Store.GetExecution(e.ctx, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil // never created (a start that failed)
	}
	if err != nil {
		return err
	}
	if ex.Status != interp.Running {
		return nil
	}
	if e.deps.Cluster == nil {
		return e.recover(e.ctx, ex, false)
	}
	if ex.Lease.Node != e.cfg.Node || ex.Lease.Fence != fence {
		return nil
	}
	// Messages may have queued meanwhile: they go first, as after a claim.
	if err := e.recover(e.ctx, ex, true); err != nil {
		return err
	}
	e.drain(arn)
	return nil
}

// due turns a timer's time into when it should really fire, under the
// wait scale, counting from the step that set it.
func (e *Engine) due(setAt, at time.Time) time.Time {
	switch {
	case e.cfg.WaitScale < 0:
		return e.clock()
	case e.cfg.WaitScale == 1:
		return at
	}
	return setAt.Add(time.Duration(float64(at.Sub(setAt)) * e.cfg.WaitScale))
}

// dispatch carries out a committed step's commands.
func (e *Engine) dispatch(r *run, stepTime time.Time, cmds []interp.Command) {
	for _, c := range cmds {
		switch c := c.(type) {
		case interp.RunTask:
			e.runTask(r, c)
		case interp.CancelTask:
			e.finishTask(r, c.TaskID)
			e.stopChildren(r.arn, c.TaskID)
		case interp.SetTimer:
			e.timers.add(r.arn, c.TimerID, e.due(stepTime, c.At))
		case interp.CancelTimer:
			delete(r.heldTimers, c.TimerID)
			e.timers.remove(r.arn, c.TimerID)
		}
	}
}

// runTask starts a task. Activity tasks wait for a worker; tasks with a
// token (.waitForTaskToken) wait for SendTask* after their resource is
// called; other tasks end with their resource's answer. Resources run in
// the background; the answer is the execution's next input.
func (e *Engine) runTask(r *run, rt interp.RunTask) {
	// record, when not nil, records the token the store missed; the
	// token must not leave before.
	var record func(context.Context)
	if rt.Token != "" {
		p := parked{execution: r.arn, taskID: rt.TaskID}
		if isActivity(rt.Resource) {
			p.activity, p.input = rt.Resource, value.String(rt.Input)
		}
		r.tokens[rt.TaskID] = rt.Token
		if p.activity != "" && r.testCase == "" {
			if record := e.parkTask(rt.Token, p, !r.answered[rt.Token]); record != nil {
				e.goTracked(func() { record(e.ctx) })
			}
			r.invocations[rt.StateName]++
			return
		}
		if p.activity == "" {
			record = e.parkTask(rt.Token, p, !r.answered[rt.Token])
		}
	}
	ctx, cancel := context.WithCancel(e.ctx)
	r.tasks[rt.TaskID] = cancel
	arn := r.arn
	task := Task{RunTask: rt, ExecutionARN: r.arn, StateMachineARN: stateMachineOf(r.arn), StateMachineName: r.machineName,
		TestCase: r.testCase, Invocation: r.invocations[rt.StateName]}
	r.invocations[rt.StateName]++
	// When the engine is stopping the task does not run; replay redoes it.
	if strings.HasPrefix(rt.Resource, nestedPrefix) && r.testCase == "" {
		resumed := r.resumed[rt.TaskID]
		e.goTracked(func() {
			defer cancel()
			if record != nil {
				if record(ctx); ctx.Err() != nil {
					return
				}
			}
			e.startNested(ctx, arn, task, resumed)
		})
		return
	}
	e.goTracked(func() {
		defer cancel()
		if record != nil {
			if record(ctx); ctx.Err() != nil {
				return
			}
		}
		out, err := e.deps.Invoker.Invoke(ctx, task)
		if ctx.Err() != nil {
			return // cancelled, or the engine is stopping: replay will redo it
		}
		mocked, isMock := out.(Mocked)
		if isMock {
			out = mocked.Output
		}
		if task.Token != "" && !isMock {
			if isActivity(task.Resource) {
				// Not mocked after all: hand it to the workers.
				if record := e.parkTask(task.Token, parked{execution: arn, taskID: task.TaskID, activity: task.Resource, input: value.String(task.Input)}, true); record != nil {
					record(ctx)
				}
				return
			}
			if err == nil {
				return // the answer comes with SendTaskSuccess or SendTaskFailure
			}
		}
		var in interp.Input
		if err != nil {
			var te *TaskError
			if !errors.As(err, &te) {
				te = &TaskError{Name: "States.TaskFailed", Cause: err.Error()}
			}
			in = interp.TaskFailed{Time: e.clock().UTC(), TaskID: task.TaskID, Error: te.Name, Cause: te.Cause}
		} else {
			in = interp.TaskSucceeded{Time: e.clock().UTC(), TaskID: task.TaskID, Output: out}
		}
		e.deliver(arn, in)
	})
}

// fireTimer delivers an execution's due timers in the background: each
// delivery waits for its step's commit, and timers of different executions
// due together should share a group commit rather than queue behind each
// other's fsync. One execution's timers are delivered one after another,
// in the order they were due.
func (e *Engine) fireTimer(arn string, ids []int64) {
	e.goTracked(func() {
		for _, id := range ids {
			e.deliver(arn, interp.TimerFired{Time: e.clock().UTC(), TimerID: id})
		}
	})
}

// recover rebuilds a running execution from its journal and resumes what
// it waits for: timers are armed again and unanswered tasks run again (a
// task runs at least once, as on AWS). When claimed is set (the execution
// comes from another node), they are held until the next drain has
// applied the messages queued for it.
func (e *Engine) recover(ctx context.Context, ex store.Execution, claimed bool) error {
	sm, err := e.deps.Store.GetStateMachine(ctx, ex.StateMachineARN)
	if err != nil {
		// The machine was deleted; the execution still runs its snapshot.
		sm = store.StateMachine{ARN: ex.StateMachineARN, Name: nameOf(ex.StateMachineARN)}
	}
	def, err := asl.Parse([]byte(ex.Definition))
	if err != nil {
		return fmt.Errorf("definition: %w", err)
	}
	in, err := value.ParseString(ex.Input)
	if err != nil {
		return fmt.Errorf("input: %w", err)
	}
	entries, err := e.deps.Store.Journal(ctx, ex.ARN)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	journal := make([]interp.Input, len(entries))
	for i, b := range entries {
		if journal[i], err = interp.UnmarshalInput(b); err != nil {
			return err
		}
	}
	r := newRun(ex.ARN, sm.Name, interp.New(def, interpInfo(ex, sm, in)))
	r.version, r.fence = ex.Version, ex.Lease.Fence
	out, _ := interp.Replay(r.x, journal)
	for name, n := range out.Invocations {
		r.invocations[name] = n
	}
	if r.x.Status() != interp.Running {
		return nil
	}
	stepTime := e.clock()
	if len(journal) > 0 {
		stepTime = interp.InputTime(journal[len(journal)-1])
	}
	// Locked before it is visible, so no input applies before its
	// outstanding work is resumed (that work was computed without it).
	r.mu.Lock()
	defer r.mu.Unlock()
	r.leasedAt = time.Now()
	e.mu.Lock()
	old := e.active[r.arn]
	if old != nil && old.fence > r.fence {
		// A later claim of it (this node's lease had lapsed) is already
		// here; this copy's steps would be refused.
		e.mu.Unlock()
		return nil
	}
	e.active[r.arn] = r
	e.mu.Unlock()
	if old != nil {
		// This node lost the lease and took it back: the old run's
		// timers and tasks belong to a stale copy.
		old.mu.Lock()
		old.gone = true
		e.timers.removeAll(r.arn)
		for id := range old.tasks {
			e.endTask(old, id)
		}
		for id := range old.tokens {
			e.endTask(old, id)
		}
		old.mu.Unlock()
	}
	var setAt map[int64]time.Time
	if len(out.Timers) > 0 && e.cfg.WaitScale > 0 && e.cfg.WaitScale != 1 {
		setAt = timersSetAt(ex.Definition, interpInfo(ex, sm, in), journal)
	}
	due := make(map[int64]time.Time, len(out.Timers))
	for _, t := range out.Timers {
		from, ok := setAt[t.TimerID]
		if !ok {
			from = stepTime
		}
		due[t.TimerID] = e.due(from, t.At)
	}
	if claimed {
		r.held, r.heldTimers, r.heldTasks, r.heldTask = true, due, out.Tasks, map[int64]bool{}
		for _, t := range out.Tasks {
			r.heldTask[t.TaskID] = true
			if t.Token != "" {
				r.tokens[t.TaskID] = t.Token // so that queued answers find it
			}
		}
		return nil
	}
	// Armed together: timers already overdue then fire in their order.
	e.timers.addAll(r.arn, due)
	if e.deps.Cluster != nil && len(out.Tasks) > 0 {
		r.answered = e.queuedAnswers(ctx, r.arn)
		defer func() { r.answered = nil }()
	}
	for _, t := range out.Tasks {
		r.invocations[t.StateName]-- // it is run again, not anew
		r.resumed[t.TaskID] = true
		e.runTask(r, t)
	}
	return nil
}

// timersSetAt replays a journal on a fresh copy of an execution to learn
// when each timer was set: a scaled wait counts from there, and the last
// step may be much later (another branch ran on meanwhile).
func timersSetAt(definition string, info interp.Info, journal []interp.Input) map[int64]time.Time {
	def, err := asl.Parse([]byte(definition))
	if err != nil {
		return nil
	}
	x := interp.New(def, info)
	at := map[int64]time.Time{}
	for _, in := range journal {
		for _, c := range x.Apply(in).Commands {
			if st, ok := c.(interp.SetTimer); ok {
				at[st.TimerID] = interp.InputTime(in)
			}
		}
	}
	return at
}

// stopChildren stops the .sync child executions a cancelled task waits
// for: stopping a parent stops its children.
func (e *Engine) stopChildren(parent string, taskID int64) {
	e.mu.Lock()
	var children []string
	for child, ws := range e.watchers {
		for _, w := range ws {
			if w.parent == parent && w.taskID == taskID {
				children = append(children, child)
			}
		}
	}
	e.mu.Unlock()
	for _, child := range children {
		e.goTracked(func() {
			e.StopExecution(e.ctx, child, "States.Aborted", "The parent execution stopped")
		})
	}
}

// stateMachineOf returns the state machine ARN of an execution ARN.
func stateMachineOf(executionARN string) string {
	parts := strings.Split(executionARN, ":")
	if len(parts) < 8 {
		return ""
	}
	return strings.Join(parts[:5], ":") + ":stateMachine:" + parts[6]
}

func nameOf(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == ':' {
			return arn[i+1:]
		}
	}
	return arn
}

// StopExecution aborts a running execution.
func (e *Engine) StopExecution(ctx context.Context, arn, errName, cause string) (time.Time, error) {
	now := e.clock().UTC()
	stop := interp.Stop{Time: now, Error: errName, Cause: cause}
	if e.deps.Cluster != nil {
		if !e.isLocal(arn) {
			return e.stopRemote(ctx, arn, stop)
		}
		e.drain(arn) // what was sent through other nodes before comes first
	}
	err := e.deliver(arn, stop)
	if err == nil {
		return now, nil
	}
	ex, gerr := e.deps.Store.GetExecution(ctx, arn)
	if gerr != nil {
		return time.Time{}, fmt.Errorf("%w: %s", ErrExecutionNotFound, arn)
	}
	if ex.Status != interp.Running {
		return ex.StopDate, nil
	}
	if e.deps.Cluster != nil {
		// This node's copy was stale (another node claimed the execution
		// while this one's lease had lapsed) or is being dropped: the
		// holder stops it.
		return e.stopRemote(ctx, arn, stop)
	}
	return time.Time{}, err
}

// DescribeExecution returns an execution's summary.
func (e *Engine) DescribeExecution(ctx context.Context, arn string) (store.Execution, error) {
	ex, err := e.deps.Store.GetExecution(ctx, arn)
	if err != nil {
		return store.Execution{}, fmt.Errorf("%w: %s", ErrExecutionNotFound, arn)
	}
	return ex, nil
}

// ListExecutions lists executions of a state machine.
func (e *Engine) ListExecutions(ctx context.Context, f store.ExecutionFilter, p store.Page) ([]store.Execution, string, error) {
	return e.deps.Store.ListExecutions(ctx, f, p)
}

// History returns an execution's events as stored.
func (e *Engine) History(ctx context.Context, arn string, after int64, limit int, reverse bool) ([]store.Event, error) {
	if _, err := e.deps.Store.GetExecution(ctx, arn); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrExecutionNotFound, arn)
	}
	return e.deps.Store.History(ctx, arn, after, limit, reverse)
}

// Active returns how many Standard executions are running in memory.
func (e *Engine) Active() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.active)
}
