package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/value"
)

// ErrNotRedrivable: RedriveExecution refused; the error's text ends with
// AWS's reason.
var ErrNotRedrivable = errors.New("execution cannot be redriven")

// AWS's redrive limits: an execution may be redriven up to RedrivePeriod
// after it stopped, and not once it is older than MaxExecutionAge.
const (
	RedrivePeriod   = 14 * 24 * time.Hour
	MaxExecutionAge = 365 * 24 * time.Hour
)

// Redrive statuses, as DescribeExecution reports them.
const (
	Redrivable    = "REDRIVABLE"
	NotRedrivable = "NOT_REDRIVABLE"
)

// RedriveInfo is what DescribeExecution says about redriving an execution.
type RedriveInfo struct {
	Status string // Redrivable or NotRedrivable
	Reason string // why not, when NotRedrivable
	Date   time.Time
}

// eventLimitCause starts the cause of a failure at the history limit
// (interp's drain), which AWS does not redrive.
const eventLimitCause = "The execution reached the maximum number of history events"

// redriveRefusal returns why ex may not be redriven at now, or "".
func redriveRefusal(ex store.Execution, now time.Time) string {
	switch ex.Status {
	case interp.Failed, interp.TimedOut, interp.Aborted:
	default:
		return "Execution is " + ex.Status + " and cannot be redriven"
	}
	switch {
	case ex.Error == "States.Runtime" && strings.HasPrefix(ex.Cause, eventLimitCause):
		return "Execution history event limit exceeded."
	case now.Sub(ex.StartDate) > MaxExecutionAge:
		return "Execution has exceeded the max execution time."
	case now.Sub(ex.StopDate) > RedrivePeriod:
		return "Execution redrivable period exceeded."
	}
	return ""
}

// RedriveState tells whether ex may be redriven now and when it last was.
func (e *Engine) RedriveState(ctx context.Context, ex store.Execution) (RedriveInfo, error) {
	info := RedriveInfo{Status: Redrivable}
	if why := redriveRefusal(ex, e.clock()); why != "" {
		info.Status, info.Reason = NotRedrivable, why
	}
	if ex.RedriveCount > 0 {
		last, err := e.lastRedrive(ctx, ex.ARN)
		if err != nil {
			return RedriveInfo{}, err
		}
		info.Date = last.Time
	}
	return info, nil
}

// lastRedrive returns the execution's latest Redrive journal entry.
func (e *Engine) lastRedrive(ctx context.Context, arn string) (interp.Redrive, error) {
	entries, err := e.deps.Store.Journal(ctx, arn)
	if err != nil {
		return interp.Redrive{}, fmt.Errorf("journal of %s: %w", arn, err)
	}
	for i := len(entries) - 1; i >= 0; i-- {
		// Most entries are not redrives: skip them without decoding.
		if !strings.Contains(string(entries[i]), `"Redrive"`) {
			continue
		}
		in, err := interp.UnmarshalInput(entries[i])
		if err != nil {
			return interp.Redrive{}, err
		}
		if r, ok := in.(interp.Redrive); ok {
			return r, nil
		}
	}
	return interp.Redrive{}, nil
}

// RedriveExecution reopens a Standard execution that failed, timed out or
// was aborted: it runs again from the states that did not succeed (see
// interp.Redrive) and is worked by this node. A repeated request with the
// clientToken of the latest redrive returns that redrive's date.
func (e *Engine) RedriveExecution(ctx context.Context, arn, clientToken string) (time.Time, error) {
	if e.isStopped() {
		return time.Time{}, ErrStopped
	}
	for attempt := 0; ; attempt++ {
		at, err := e.redriveOnce(ctx, arn, clientToken)
		if errors.Is(err, store.ErrStaleVersion) && attempt < 3 {
			continue // a step of the execution committed meanwhile: look again
		}
		return at, err
	}
}

func (e *Engine) redriveOnce(ctx context.Context, arn, clientToken string) (time.Time, error) {
	ex, err := e.deps.Store.GetExecution(ctx, arn)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return time.Time{}, fmt.Errorf("%w: %s", ErrExecutionNotFound, arn)
		}
		return time.Time{}, err
	}
	if clientToken != "" && ex.RedriveCount > 0 {
		last, err := e.lastRedrive(ctx, arn)
		if err != nil {
			return time.Time{}, err
		}
		if last.ClientToken == clientToken {
			return last.Time, nil
		}
	}
	now := e.clock().UTC()
	if why := redriveRefusal(ex, now); why != "" {
		return time.Time{}, fmt.Errorf("%w: %s", ErrNotRedrivable, why)
	}
	r, err := e.rebuild(ctx, ex)
	if err != nil {
		return time.Time{}, err
	}
	if ok, why := r.x.Redrivable(); !ok {
		return time.Time{}, fmt.Errorf("%w: %s", ErrNotRedrivable, why)
	}
	in := interp.Redrive{Time: now, ClientToken: clientToken}
	r.mu.Lock()
	defer r.mu.Unlock()
	step := r.x.Apply(in)
	st := e.storeStep(r, in, step)
	st.Redrive = true
	if e.deps.Cluster != nil {
		st.RedriveNode = e.cfg.Node
	}
	errs, err := e.deps.Store.CommitSteps(ctx, []store.Step{st})
	if err == nil {
		err = errs[0]
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("redrive %s: %w", arn, err)
	}
	r.version++
	if e.deps.Cluster != nil {
		r.fence++ // the store bumped it with the lease
	}
	r.leasedAt = time.Now()
	e.observe(ctx, nil, st, step.Events)
	if r.x.Status() != interp.Running {
		return now, nil // it failed again at once
	}
	e.mu.Lock()
	old := e.active[arn]
	e.active[arn] = r
	e.mu.Unlock()
	if old != nil {
		// A stale copy (it ended after a failed commit and was never
		// dropped): its timers and tasks are not this run's.
		old.mu.Lock()
		old.gone = true
		e.timers.removeAll(arn)
		for id := range old.tasks {
			e.endTask(old, id)
		}
		for id := range old.tokens {
			e.endTask(old, id)
		}
		old.mu.Unlock()
	}
	e.dispatch(r, now, step.Commands)
	return now, nil
}

// rebuild replays an ended execution's journal into a run that is not yet
// active.
func (e *Engine) rebuild(ctx context.Context, ex store.Execution) (*run, error) {
	sm, err := e.deps.Store.GetStateMachine(ctx, ex.StateMachineARN)
	if err != nil {
		sm = store.StateMachine{ARN: ex.StateMachineARN, Name: nameOf(ex.StateMachineARN)}
	}
	def, err := asl.Parse([]byte(ex.Definition))
	if err != nil {
		return nil, fmt.Errorf("definition: %w", err)
	}
	in, err := value.ParseString(ex.Input)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	entries, err := e.deps.Store.Journal(ctx, ex.ARN)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	journal := make([]interp.Input, len(entries))
	for i, b := range entries {
		if journal[i], err = interp.UnmarshalInput(b); err != nil {
			return nil, err
		}
	}
	r := newRun(ex.ARN, sm.Name, interp.New(def, interpInfo(ex, sm, in)))
	r.version, r.fence = ex.Version, ex.Lease.Fence
	out, _ := interp.Replay(r.x, journal)
	for name, n := range out.Invocations {
		r.invocations[name] = n
	}
	return r, nil
}
