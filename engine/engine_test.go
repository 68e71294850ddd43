package engine

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/memory"
	"github.com/cairn-sfn/cairn/value"
)

// gatedStore is a memory store whose next CommitSteps can be made to wait
// for a gate and then fail (failNext) or go through (holdNext), to line up
// other inputs behind a commit in flight.
type gatedStore struct {
	*memory.Store
	failNext atomic.Bool
	holdNext atomic.Bool
	entered  chan struct{} // closed when the held commit has begun
	gate     chan struct{} // the held commit goes on once this is closed
	// holdCreate names an execution whose creation, once done, is held
	// before it returns; set it before the engine runs.
	holdCreate    string
	createEntered chan struct{}
	createGate    chan struct{}
}

func (s *gatedStore) CreateExecution(ctx context.Context, ex store.Execution, first store.Step) error {
	err := s.Store.CreateExecution(ctx, ex, first)
	if ex.ARN == s.holdCreate {
		close(s.createEntered)
		<-s.createGate
	}
	return err
}

func newGatedStore() *gatedStore {
	return &gatedStore{Store: memory.New(), entered: make(chan struct{}), gate: make(chan struct{}),
		createEntered: make(chan struct{}), createGate: make(chan struct{})}
}

func (s *gatedStore) CommitSteps(ctx context.Context, steps []store.Step) ([]error, error) {
	if s.failNext.CompareAndSwap(true, false) {
		close(s.entered)
		<-s.gate
		return nil, errors.New("disk on fire")
	}
	if s.holdNext.CompareAndSwap(true, false) {
		close(s.entered)
		<-s.gate
	}
	return s.Store.CommitSteps(ctx, steps)
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

const testMachineARN = "arn:aws:states:us-east-1:123456789012:stateMachine:m"

func createMachine(t *testing.T, st Store, def string) {
	t.Helper()
	sm := store.StateMachine{ARN: testMachineARN, Name: "m", Type: "STANDARD", Status: "ACTIVE", Definition: def}
	if err := st.CreateStateMachine(t.Context(), sm, nil); err != nil {
		t.Fatal(err)
	}
}

func startEngine(t *testing.T, cfg Config, deps Deps) *Engine {
	t.Helper()
	e, err := New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Stop)
	return e
}

// waitFor polls cond until it holds or a few seconds passed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// blockUntil is a task handler that answers once release is closed.
func blockUntil(release <-chan struct{}) func(context.Context, any) (any, error) {
	return func(ctx context.Context, in any) (any, error) {
		select {
		case <-release:
			return "done", nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

const (
	fnA = "arn:aws:lambda:us-east-1:123456789012:function:a"
	fnB = "arn:aws:lambda:us-east-1:123456789012:function:b"
)

const twoTasks = `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
 {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:a","End":true}}},
 {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:b","End":true}}}]}}}`

// A commit that fails must not let inputs already queued on the run apply
// to the forgotten in-memory state: that state includes the failed step,
// so their steps would be committed on top of a step the journal lacks,
// and replay would no longer rebuild the history.
func TestFailedCommitDropsQueuedInputs(t *testing.T) {
	st := newGatedStore()
	createMachine(t, st, twoTasks)
	releaseA, releaseB := make(chan struct{}), make(chan struct{})
	e := startEngine(t, Config{}, Deps{Store: st, Invoker: Handlers{fnA: blockUntil(releaseA), fnB: blockUntil(releaseB)}})
	ex, err := e.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	st.failNext.Store(true)
	close(releaseA)
	<-st.entered // task A's step is being committed, and will fail
	close(releaseB)
	time.Sleep(20 * time.Millisecond) // let task B queue on the run's lock
	close(st.gate)

	waitFor(t, "the execution to end", func() bool {
		got, err := st.GetExecution(t.Context(), ex.ARN)
		return err == nil && got.Status != interp.Running
	})
	got, _ := st.GetExecution(t.Context(), ex.ARN)
	if got.Status != interp.Succeeded {
		t.Errorf("status %s (%s: %s), want SUCCEEDED", got.Status, got.Error, got.Cause)
	}
	events, err := st.History(t.Context(), ex.ARN, 0, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range events {
		if ev.ID != int64(i+1) {
			t.Fatalf("event %d has id %d: the history has a gap where an uncommitted step's events were", i+1, ev.ID)
		}
	}
	// The journal still rebuilds the stored history.
	entries, _ := st.Journal(t.Context(), ex.ARN)
	journal := make([]interp.Input, len(entries))
	for i, b := range entries {
		if journal[i], err = interp.UnmarshalInput(b); err != nil {
			t.Fatal(err)
		}
	}
	sm, in, _ := (&Engine{}).parseStart(twoTasks, got.Input)
	_, replayed := interp.Replay(interp.New(sm, interpInfo(got, store.StateMachine{ARN: testMachineARN, Name: "m"}, in)), journal)
	if len(replayed) != len(events) {
		t.Errorf("replay gives %d events, history has %d", len(replayed), len(events))
	}
}

// A timer recovered under a wait scale fires when it would have without
// the restart: scaled from the step that set it, not from the last step.
func TestRecoveredTimerKeepsScaledDueTime(t *testing.T) {
	st := memory.New()
	createMachine(t, st, `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
	 {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}},
	 {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:b","End":true}}}]}}}`)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := &fakeClock{now: t0}
	release := make(chan struct{})
	cfg := Config{WaitScale: 0.01}
	deps := Deps{Store: st, Clock: clock.Now, Invoker: Handlers{fnB: blockUntil(release)}}
	e1, err := New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	if err := e1.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	ex, err := e1.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	want := t0.Add(time.Second) // 100 s at 1/100
	if got := e1.timers.byKey; len(got) != 1 {
		t.Fatalf("%d timers armed, want 1", len(got))
	}
	clock.Advance(900 * time.Millisecond)
	close(release)
	waitFor(t, "task B's step", func() bool {
		j, _ := st.Journal(t.Context(), ex.ARN)
		return len(j) == 2
	})
	e1.Stop()

	e2 := startEngine(t, cfg, deps)
	e2.timers.mu.Lock()
	defer e2.timers.mu.Unlock()
	if len(e2.timers.byKey) != 1 {
		t.Fatalf("%d timers re-armed, want 1", len(e2.timers.byKey))
	}
	for _, a := range e2.timers.byKey {
		if !a.due.Equal(want) {
			t.Errorf("recovered timer due at +%v, want +%v", a.due.Sub(t0), want.Sub(t0))
		}
	}
}

// Of two SendTaskSuccess calls racing with one token, one completes the
// task and the other finds it gone (TaskDoesNotExist), as on AWS; the
// second must not report success for an answer the execution ignored.
func TestSendTaskSuccessTwiceConcurrently(t *testing.T) {
	st := newGatedStore()
	const activity = "arn:aws:states:us-east-1:123456789012:activity:work"
	createMachine(t, st, `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"`+activity+`","Next":"W"},"W":{"Type":"Wait","Seconds":1000,"End":true}}}`)
	e := startEngine(t, Config{}, Deps{Store: st})
	if _, err := e.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "x"}); err != nil {
		t.Fatal(err)
	}
	token, _, err := e.GetActivityTask(t.Context(), activity, "w")
	if err != nil || token == "" {
		t.Fatalf("GetActivityTask: %q, %v", token, err)
	}
	st.holdNext.Store(true)
	errs := make(chan error, 2)
	go func() { errs <- e.SendTaskSuccess(t.Context(), token, `"first"`) }()
	<-st.entered
	go func() { errs <- e.SendTaskSuccess(t.Context(), token, `"second"`) }()
	time.Sleep(20 * time.Millisecond) // let the second call queue on the run
	close(st.gate)
	var ok, gone int
	for range 2 {
		switch err := <-errs; {
		case err == nil:
			ok++
		case errors.Is(err, ErrTaskDoesNotExist):
			gone++
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 || gone != 1 {
		t.Errorf("%d calls succeeded and %d found no task, want 1 and 1", ok, gone)
	}
}

// An engine that has stopped starts no more work: StartExecution fails
// and runs no task.
func TestStartExecutionAfterStop(t *testing.T) {
	st := memory.New()
	createMachine(t, st, `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"`+fnA+`","End":true}}}`)
	var calls atomic.Int32
	e := startEngine(t, Config{}, Deps{Store: st, Invoker: Handlers{fnA: func(context.Context, any) (any, error) {
		calls.Add(1)
		return nil, nil
	}}})
	e.Stop()
	_, err := e.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "late"})
	if !errors.Is(err, ErrStopped) {
		t.Errorf("StartExecution after Stop: %v, want ErrStopped", err)
	}
	time.Sleep(20 * time.Millisecond)
	if n := calls.Load(); n != 0 {
		t.Errorf("the task ran %d times after Stop", n)
	}
}

// Stopping a parent stops the .sync child it waits for, even when the stop
// comes while the child is being started (before the parent's task has
// registered that it watches the child).
func TestStopParentWhileStartingSyncChild(t *testing.T) {
	st := newGatedStore()
	const childMachine = "arn:aws:states:us-east-1:123456789012:stateMachine:child"
	child := store.StateMachine{ARN: childMachine, Name: "child", Type: "STANDARD", Status: "ACTIVE",
		Definition: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`}
	if err := st.CreateStateMachine(t.Context(), child, nil); err != nil {
		t.Fatal(err)
	}
	createMachine(t, st, `{"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
	 "Parameters":{"StateMachineArn":"`+childMachine+`","Name":"kid"},"End":true}}}`)
	childARN := "arn:aws:states:us-east-1:123456789012:execution:child:kid"
	st.holdCreate = childARN
	e := startEngine(t, Config{}, Deps{Store: st})
	parent, err := e.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "p"})
	if err != nil {
		t.Fatal(err)
	}
	<-st.createEntered // the child exists; the parent's task does not know yet
	if _, err := e.StopExecution(t.Context(), parent.ARN, "", ""); err != nil {
		t.Fatal(err)
	}
	close(st.createGate)
	waitFor(t, "the child to end", func() bool {
		ex, err := st.GetExecution(t.Context(), childARN)
		return err == nil && ex.Status != interp.Running
	})
	if ex, _ := st.GetExecution(t.Context(), childARN); ex.Status != interp.Aborted {
		t.Errorf("child %s, want ABORTED", ex.Status)
	}
}

// StartExecution on an Express machine answers with the ARN the execution
// runs under, "...:express:<machine>:<name>:<uuid>" as on AWS.
func TestExpressAsyncARN(t *testing.T) {
	st := memory.New()
	sm := store.StateMachine{ARN: testMachineARN, Name: "m", Type: "EXPRESS", Status: "ACTIVE",
		Definition: `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + fnA + `","Parameters":{"id.$":"$$.Execution.Id"},"End":true}}}`}
	if err := st.CreateStateMachine(t.Context(), sm, nil); err != nil {
		t.Fatal(err)
	}
	seen := make(chan any, 1)
	e := startEngine(t, Config{}, Deps{Store: st, Invoker: Handlers{fnA: func(_ context.Context, in any) (any, error) {
		seen <- in
		return nil, nil
	}}})
	ex, err := e.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "n"})
	if err != nil {
		t.Fatal(err)
	}
	prefix := "arn:aws:states:us-east-1:123456789012:express:m:n:"
	if !strings.HasPrefix(ex.ARN, prefix) || len(ex.ARN) != len(prefix)+36 {
		t.Errorf("ARN %s, want %s<uuid>", ex.ARN, prefix)
	}
	select {
	case in := <-seen:
		if id := value.String(in); id != `{"id":"`+ex.ARN+`"}` {
			t.Errorf("the execution ran as %s, StartExecution answered %s", id, ex.ARN)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the task never ran")
	}
}

// lostReplyStore commits CreateExecution and then reports an error, as a
// database whose answer was lost does.
type lostReplyStore struct{ *memory.Store }

func (s lostReplyStore) CreateExecution(ctx context.Context, ex store.Execution, first store.Step) error {
	if err := s.Store.CreateExecution(ctx, ex, first); err != nil {
		return err
	}
	return errors.New("connection reset")
}

// An execution whose creation was committed although the store reported
// an error still runs: the engine reloads it, as after a failed commit,
// and a retried StartExecution finds it.
func TestCreateCommittedDespiteError(t *testing.T) {
	st := lostReplyStore{memory.New()}
	createMachine(t, st, `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"`+fnA+`","End":true}}}`)
	e := startEngine(t, Config{}, Deps{Store: st, Invoker: Handlers{fnA: func(context.Context, any) (any, error) {
		return "ok", nil
	}}})
	_, err := e.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "x"})
	if err == nil {
		t.Fatal("StartExecution hid the store's error")
	}
	arn := "arn:aws:states:us-east-1:123456789012:execution:m:x"
	waitFor(t, "the execution to end", func() bool {
		ex, err := st.GetExecution(t.Context(), arn)
		return err == nil && ex.Status == interp.Succeeded
	})
}

// Stop ends sync Express executions still running: they fail with
// ErrStopped rather than run on after the engine (or report a timeout).
func TestStopEndsSyncExpress(t *testing.T) {
	st := memory.New()
	sm := store.StateMachine{ARN: testMachineARN, Name: "m", Type: "EXPRESS", Status: "ACTIVE",
		Definition: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}`}
	if err := st.CreateStateMachine(t.Context(), sm, nil); err != nil {
		t.Fatal(err)
	}
	e := startEngine(t, Config{WaitScale: 1}, Deps{Store: st})
	done := make(chan error, 1)
	go func() {
		_, err := e.StartSyncExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
		done <- err
	}()
	time.Sleep(20 * time.Millisecond) // let it start waiting
	e.Stop()
	select {
	case err := <-done:
		if !errors.Is(err, ErrStopped) {
			t.Errorf("StartSyncExecution cut off by Stop: %v, want ErrStopped", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("StartSyncExecution ran on after Stop")
	}
}

// A nested start whose child name is taken by an execution this task did
// not start (here: the retry of a task naming its child) fails with
// ExecutionAlreadyExists, as on AWS, instead of adopting the old child.
// Only a task resumed after a restart adopts the child it started.
func TestNestedNameTakenOnRetry(t *testing.T) {
	st := memory.New()
	const childMachine = "arn:aws:states:us-east-1:123456789012:stateMachine:child"
	child := store.StateMachine{ARN: childMachine, Name: "child", Type: "STANDARD", Status: "ACTIVE",
		Definition: `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Boom","Cause":"child failed"}}}`}
	if err := st.CreateStateMachine(t.Context(), child, nil); err != nil {
		t.Fatal(err)
	}
	createMachine(t, st, `{"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
	 "Parameters":{"StateMachineArn":"`+childMachine+`","Name":"kid"},
	 "Retry":[{"ErrorEquals":["States.TaskFailed"],"IntervalSeconds":1,"MaxAttempts":1}],"End":true}}}`)
	e := startEngine(t, Config{WaitScale: -1}, Deps{Store: st})
	parent, err := e.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "p"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the parent to end", func() bool {
		ex, err := st.GetExecution(t.Context(), parent.ARN)
		return err == nil && ex.Status != interp.Running
	})
	ex, _ := st.GetExecution(t.Context(), parent.ARN)
	if ex.Status != interp.Failed || ex.Error != "StepFunctions.ExecutionAlreadyExistsException" {
		t.Errorf("parent %s with %s (%s), want FAILED with StepFunctions.ExecutionAlreadyExistsException", ex.Status, ex.Error, ex.Cause)
	}
}

// After a restart a .sync parent adopts the child its task started, still
// running or ended meanwhile (a crash between the child's last step and
// the parent's), and hears how it ended.
func TestRecoveredParentAdoptsSyncChild(t *testing.T) {
	for _, endedWhileDown := range []bool{false, true} {
		t.Run(map[bool]string{false: "running", true: "ended"}[endedWhileDown], func(t *testing.T) {
			testRecoveredParentAdoptsSyncChild(t, endedWhileDown)
		})
	}
}

func testRecoveredParentAdoptsSyncChild(t *testing.T, endedWhileDown bool) {
	st := memory.New()
	const childMachine = "arn:aws:states:us-east-1:123456789012:stateMachine:child"
	child := store.StateMachine{ARN: childMachine, Name: "child", Type: "STANDARD", Status: "ACTIVE",
		Definition: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`}
	if err := st.CreateStateMachine(t.Context(), child, nil); err != nil {
		t.Fatal(err)
	}
	createMachine(t, st, `{"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync",
	 "Parameters":{"StateMachineArn":"`+childMachine+`","Name":"kid"},"End":true}}}`)
	e1, err := New(Config{}, Deps{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if err := e1.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	parent, err := e1.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "p"})
	if err != nil {
		t.Fatal(err)
	}
	childARN := "arn:aws:states:us-east-1:123456789012:execution:child:kid"
	waitFor(t, "the parent's TaskSubmitted", func() bool {
		j, _ := st.Journal(t.Context(), parent.ARN)
		return len(j) == 2
	})
	e1.Stop()
	if endedWhileDown {
		ex, _ := st.GetExecution(t.Context(), childARN)
		end := store.Step{ExecutionARN: childARN, Version: ex.Version + 1, Status: interp.Aborted, StopDate: time.Now()}
		if errs, err := st.CommitSteps(t.Context(), []store.Step{end}); err != nil || errs[0] != nil {
			t.Fatal(err, errs)
		}
	}
	e2 := startEngine(t, Config{}, Deps{Store: st})
	if !endedWhileDown {
		waitFor(t, "the parent to watch its child again", func() bool {
			e2.mu.Lock()
			defer e2.mu.Unlock()
			return len(e2.watchers[childARN]) > 0
		})
		if _, err := e2.StopExecution(t.Context(), childARN, "Halt", "by test"); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the parent to end", func() bool {
		ex, err := st.GetExecution(t.Context(), parent.ARN)
		return err == nil && ex.Status != interp.Running
	})
	if ex, _ := st.GetExecution(t.Context(), parent.ARN); ex.Status != interp.Failed || ex.Error != "States.TaskFailed" {
		t.Errorf("parent %s with %s, want FAILED with States.TaskFailed", ex.Status, ex.Error)
	}
}

// barrierStore holds each CommitSteps until want callers are inside at
// once, or gives up after a while and records that they never were.
type barrierStore struct {
	*memory.Store
	want    int
	mu      sync.Mutex
	inside  int
	release chan struct{}
	alone   atomic.Bool
}

func (s *barrierStore) CommitSteps(ctx context.Context, steps []store.Step) ([]error, error) {
	s.mu.Lock()
	s.inside++
	if s.inside == s.want {
		close(s.release)
	}
	s.mu.Unlock()
	select {
	case <-s.release:
	case <-time.After(2 * time.Second):
		s.alone.Store(true)
	}
	return s.Store.CommitSteps(ctx, steps)
}

// TestDueTimersFireTogether: timers due at once are delivered at once, so
// their commits can share one group commit instead of queuing behind each
// other's fsync.
func TestDueTimersFireTogether(t *testing.T) {
	t.Parallel()
	st := &barrierStore{Store: memory.New(), want: 3, release: make(chan struct{})}
	createMachine(t, st, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"End":true}}}`)
	e := startEngine(t, Config{WaitScale: 1}, Deps{Store: st})
	var arns []string
	for i := 0; i < 3; i++ {
		ex, err := e.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "w" + string(rune('0'+i))})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, ex.ARN)
	}
	// Make the three Wait timers (each execution's first timer) due now.
	for _, arn := range arns {
		e.timers.add(arn, 1, time.Now())
	}
	waitFor(t, "the executions to end", func() bool { return e.Active() == 0 })
	if st.alone.Load() {
		t.Fatal("due timers were delivered one at a time")
	}
}

// TestRetentionPurgesEndedExecutions: with a retention period, ended
// executions older than it are deleted; running and recent ones stay.
func TestRetentionPurgesEndedExecutions(t *testing.T) {
	t.Parallel()
	st := memory.New()
	createMachine(t, st, `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e, err := New(Config{}, Deps{Store: st, Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	old, err := e.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "old"})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(48 * time.Hour)
	recent, err := e.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "recent"})
	if err != nil {
		t.Fatal(err)
	}
	// A second engine over the same store, with a day of retention.
	purger := startEngine(t, Config{Retention: 24 * time.Hour}, Deps{Store: st, Clock: clock.Now})
	waitFor(t, "the old execution to be purged", func() bool {
		_, err := purger.DescribeExecution(t.Context(), old.ARN)
		return errors.Is(err, ErrExecutionNotFound)
	})
	if _, err := purger.DescribeExecution(t.Context(), recent.ARN); err != nil {
		t.Fatalf("the recent execution was purged too: %v", err)
	}
}

// Stop does not hang on a task whose Invoker ignores cancellation: it
// waits StopGrace, and the task's late answer is not applied.
func TestStopAbandonsTaskIgnoringCancellation(t *testing.T) {
	st := memory.New()
	createMachine(t, st, `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"`+fnA+`","End":true}}}`)
	release := make(chan struct{})
	entered := make(chan struct{})
	inv := Handlers{fnA: func(context.Context, any) (any, error) {
		close(entered)
		<-release // ignores ctx
		return "late", nil
	}}
	e := startEngine(t, Config{StopGrace: 50 * time.Millisecond}, Deps{Store: st, Invoker: inv})
	ex, err := e.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	<-entered
	stopped := make(chan struct{})
	go func() {
		e.Stop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop waited for a task that ignores cancellation")
	}
	close(release)
	time.Sleep(20 * time.Millisecond)
	if got, _ := st.GetExecution(t.Context(), ex.ARN); got.Status != interp.Running || got.Version != 1 {
		t.Fatalf("after Stop the late answer applied: %s v%d", got.Status, got.Version)
	}
}
