package engine

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/interp"
)

// Task is a task to run, with the execution it belongs to.
type Task struct {
	interp.RunTask
	ExecutionARN     string
	StateMachineARN  string
	StateMachineName string
	// TestCase names the mock test case the execution was started with
	// ("<stateMachineArn>#<TestCase>"); "" when none.
	TestCase string
	// Invocation counts the earlier runs of this state's task in this
	// execution, retries and loop passes included (0 for the first).
	Invocation int
}

// Invoker runs Task states' resources.
type Invoker interface {
	Invoke(ctx context.Context, task Task) (output any, err error)
}

// TaskError is a task failure with the error name and cause it reports.
// An Invoker returns one to fail a task with a specific error; any other
// error fails it as States.TaskFailed.
type TaskError struct {
	Name  string
	Cause string
}

func (e *TaskError) Error() string { return e.Name + ": " + e.Cause }

// Handlers is an Invoker backed by Go functions, keyed by resource ARN.
type Handlers map[string]func(ctx context.Context, input any) (any, error)

// Invoke runs the handler registered for the task's resource.
func (h Handlers) Invoke(ctx context.Context, task Task) (any, error) {
	fn, ok := h[task.Resource]
	if !ok {
		return nil, &TaskError{Name: "States.Runtime", Cause: fmt.Sprintf("Cairn has no integration for the resource '%s'", task.Resource)}
	}
	return fn(ctx, task.Input)
}

// RunOptions configure Run.
type RunOptions struct {
	Info interp.Info
	// Start is the execution's start time; zero means now.
	Start time.Time
	// WaitScale multiplies real waiting for Wait states, retries and
	// timeouts: 0 does not wait at all (time is virtual), 1 waits as long
	// as the definition says.
	WaitScale float64
	Invoker   Invoker // nil: every task fails with States.Runtime
	TestCase  string  // the mock test case, passed to the Invoker
}

// Result is how an execution ended, with its whole history.
type Result struct {
	Status   string
	Output   any
	Error    string
	Cause    string
	Start    time.Time
	Stop     time.Time
	Events   []interp.Event
	Finished bool // false when ctx ended the run first
}

// Run executes sm to its end in memory and returns its history.
func Run(ctx context.Context, sm *asl.StateMachine, opts RunOptions) (*Result, error) {
	now := opts.Start
	if now.IsZero() {
		now = time.Now().UTC().Truncate(time.Millisecond)
	}
	invoker := opts.Invoker
	if invoker == nil {
		invoker = Handlers(nil)
	}
	x := interp.New(sm, opts.Info)
	res := &Result{Start: now}
	var inputs []interp.Input
	timers := &timerQueue{}
	live := map[int64]bool{}
	invocations := map[string]int{}
	inputs = append(inputs, interp.Start{Time: now})
	for {
		for len(inputs) > 0 {
			in := inputs[0]
			inputs = inputs[1:]
			step := x.Apply(in)
			res.Events = append(res.Events, step.Events...)
			for _, c := range step.Commands {
				switch c := c.(type) {
				case interp.RunTask:
					task := Task{RunTask: c, ExecutionARN: opts.Info.ExecutionArn, StateMachineARN: opts.Info.StateMachineArn,
						StateMachineName: opts.Info.StateMachineName, TestCase: opts.TestCase, Invocation: invocations[c.StateName]}
					invocations[c.StateName]++
					out, err := invoker.Invoke(ctx, task)
					if m, ok := out.(Mocked); ok {
						out = m.Output
					} else if err == nil && c.Token != "" {
						// Waits for SendTask*, which no one can send here.
						err = &TaskError{Name: "States.Runtime", Cause: fmt.Sprintf("The task of state '%s' waits for a task token callback, which `cairn run` cannot receive; mock it or use cairn serve", c.StateName)}
					}
					if err != nil {
						var te *TaskError
						if !errors.As(err, &te) {
							te = &TaskError{Name: "States.TaskFailed", Cause: err.Error()}
						}
						inputs = append(inputs, interp.TaskFailed{Time: now, TaskID: c.TaskID, Error: te.Name, Cause: te.Cause})
					} else {
						inputs = append(inputs, interp.TaskSucceeded{Time: now, TaskID: c.TaskID, Output: out})
					}
				case interp.SetTimer:
					live[c.TimerID] = true
					heap.Push(timers, pendingTimer{id: c.TimerID, at: c.At})
				case interp.CancelTimer:
					delete(live, c.TimerID)
				}
			}
		}
		if x.Status() != interp.Running {
			break
		}
		// Nothing left to do now: move on to the next timer.
		var next pendingTimer
		found := false
		for timers.Len() > 0 {
			next = heap.Pop(timers).(pendingTimer)
			if live[next.id] {
				delete(live, next.id)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("execution is waiting on nothing (status %s)", x.Status())
		}
		if next.at.After(now) {
			if opts.WaitScale > 0 {
				d := time.Duration(float64(next.at.Sub(now)) * opts.WaitScale)
				select {
				case <-time.After(d):
				case <-ctx.Done():
					res.Status = x.Status()
					return res, nil
				}
			}
			now = next.at
		}
		if ctx.Err() != nil {
			res.Status = x.Status()
			return res, nil
		}
		inputs = append(inputs, interp.TimerFired{Time: now, TimerID: next.id})
	}
	res.Finished = true
	res.Status, res.Output, res.Error, res.Cause = x.Status(), x.Output(), x.Error(), x.Cause()
	res.Stop = now
	return res, nil
}

type pendingTimer struct {
	id int64
	at time.Time
}

// timerQueue orders timers by due time, then by the order they were set.
type timerQueue []pendingTimer

func (q timerQueue) Len() int { return len(q) }
func (q timerQueue) Less(i, j int) bool {
	if q[i].at.Equal(q[j].at) {
		return q[i].id < q[j].id
	}
	return q[i].at.Before(q[j].at)
}
func (q timerQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *timerQueue) Push(v any)   { *q = append(*q, v.(pendingTimer)) }
func (q *timerQueue) Pop() any {
	old := *q
	v := old[len(old)-1]
	*q = old[:len(old)-1]
	return v
}
