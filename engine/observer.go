package engine

import (
	"context"

	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/store"
)

// Observer is told of every step a Standard execution commits, after the
// commit, in the order of the execution's steps on this node. It runs
// under the execution's lock, so it must be quick and must not call the
// engine back for that execution; an observer that needs the history
// (a node that did not see the earlier steps) reads the store.
//
// The engine knows nothing of what observers do with steps: tracing lives
// in package tracing. A nil Deps.Observer costs nothing.
type Observer interface {
	StepCommitted(ctx context.Context, step CommittedStep)
}

// CommittedStep is a step an execution committed.
type CommittedStep struct {
	// Execution is the execution as created; set on its first step only
	// (Step.Version 1), whose ctx is StartExecution's.
	Execution *store.Execution
	// Step holds the step's events as recorded (store.Event.JSON is the
	// event as GetExecutionHistory returns it) and, when the execution
	// ended with it, its status.
	Step store.Step
	// Events are the same events as the interpreter made them (their
	// Details are opaque: read them from Step's JSON).
	Events []interp.Event
}

// observe reports a committed step to the observer, if any.
func (e *Engine) observe(ctx context.Context, ex *store.Execution, st store.Step, events []interp.Event) {
	if e.deps.Observer != nil {
		e.deps.Observer.StepCommitted(ctx, CommittedStep{Execution: ex, Step: st, Events: events})
	}
}
