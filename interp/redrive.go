package interp

import (
	"time"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/value"
)

// Redrive reopens an execution that FAILED, TIMED_OUT or was ABORTED
// (RedriveExecution): it records ExecutionRedriven and runs again, with
// their original input, the states that did not succeed. A Parallel or
// inline Map that failed keeps the results of its branches or iterations
// that succeeded and runs only the others. An execution in another status
// ignores it.
type Redrive struct {
	Time time.Time
	// ClientToken is the caller's idempotency token, kept in the journal
	// so that a repeated request is recognised.
	ClientToken string
}

func (i Redrive) inputTime() time.Time { return i.Time }

// redoPoint is where a thread that did not succeed starts again on a
// redrive: the state it was in, with that state's input, and, when that
// state was a Parallel or inline Map, what its children had done.
type redoPoint struct {
	state *asl.State
	input any
	text  string
	fan   *fanSnapshot
}

// fanSnapshot is a Parallel or inline Map's progress when it failed.
type fanSnapshot struct {
	fan  *fanout
	kids []*thread // started and not succeeded; each has a redo point
}

// snapshot records fan's progress before its children are aborted, or nil
// when a redrive must run the state whole (a distributed Map, which AWS
// redrives as a new Map Run here, or one still reading or writing).
func snapshot(fan *fanout, failed *thread) *fanSnapshot {
	if fan == nil || fan.distributed || fan.reading != nil || fan.writing != nil {
		return nil
	}
	kids := make([]*thread, 0, len(fan.children)+1)
	kids = append(kids, fan.children...)
	if failed != nil {
		kids = append(kids, failed)
	}
	return &fanSnapshot{fan: fan, kids: kids}
}

// markRedo records where t starts again on a redrive; t is in the state
// that did not succeed.
func (t *thread) markRedo(fan *fanSnapshot) {
	if t.state == nil {
		return
	}
	t.redo = &redoPoint{state: t.state, input: t.input, text: t.inputText, fan: fan}
}

// captureLive marks the redo points of a thread tree that was still
// running when the execution was stopped or timed out.
func captureLive(t *thread) {
	if t == nil || t.done || t.redo != nil {
		return
	}
	var snap *fanSnapshot
	if t.fan != nil {
		snap = snapshot(t.fan, nil)
		if snap != nil {
			for _, c := range snap.kids {
				captureLive(c)
			}
		}
	}
	t.markRedo(snap)
}

// Redrivable reports whether RedriveExecution may reopen the execution
// as far as the interpreter knows, and if not, AWS's reason.
func (x *Execution) Redrivable() (bool, string) {
	switch x.status {
	case Failed, TimedOut, Aborted:
	default:
		return false, "Execution is " + x.status + " and cannot be redriven"
	}
	if x.overEventLimit {
		return false, "Execution history event limit exceeded."
	}
	return true, ""
}

// RedriveCount returns how many times the execution was redriven.
func (x *Execution) RedriveCount() int { return x.info.RedriveCount }

func (x *Execution) redrive() {
	if ok, _ := x.Redrivable(); !ok {
		return
	}
	x.status, x.output, x.err, x.cause = Running, nil, "", ""
	x.info.RedriveCount++
	x.execCtx = nil // $$.Execution.RedriveCount changed
	id := x.emitPrev("ExecutionRedriven", ObjectDetails{value.ObjectOf("redriveCount", value.Int(int64(x.info.RedriveCount)))}, x.nextID-1)
	if x.sm.TimeoutSeconds > 0 && x.root != nil {
		x.setTimer(x.root, timerExecution, x.now.Add(time.Duration(x.sm.TimeoutSeconds)*time.Second))
	}
	t := x.root
	if t == nil {
		return
	}
	captureLive(t)
	if t.redo == nil {
		// Nothing to run again (the input was over the limit): fail as
		// the first attempt did.
		x.finish(Failed, nil, "States.DataLimitExceeded", "The state/task 'Execution Input' returned a result with a size exceeding the maximum number of bytes service limit.")
		return
	}
	x.schedule(x.revive(t, id)...)
}

// revive restarts t at its redo point, following event prev, and returns
// the threads to run.
func (x *Execution) revive(t *thread, prev int64) []*thread {
	r := t.redo
	t.redo = nil
	if r == nil || r.state == nil {
		return nil
	}
	t.done, t.failure, t.output, t.outputText = false, nil, nil, ""
	t.taskID, t.submitted, t.started, t.timeoutTimer, t.beatTimer, t.waitTimer = 0, 0, 0, 0, 0, 0
	t.fan, t.lastFan, t.pendingOutput, t.pendingAssigned = nil, nil, nil, nil
	t.last = prev
	t.goTo(r.state.Name, r.input, r.text)
	if r.fan == nil {
		return []*thread{t}
	}
	// The Parallel or Map is entered again and goes on with the children
	// that did not succeed.
	s := t.state
	t.enteredTime = x.now
	if !t.silent {
		if t.inputText == "" {
			t.inputText = x.encode(t.input)
		}
		d := x.states.get()
		d.text, d.name = t.inputText, s.Name
		t.enteredID = x.emit(t, enteredEvent(s), (*stateEntered)(d))
	}
	old := r.fan.fan
	fan := &fanout{isMap: old.isMap, input: old.input, items: old.items, next: old.next, maxConc: old.maxConc,
		tolerateN: old.tolerateN, toleratePct: old.toleratePct, selected: old.selected}
	fan.results = append([]any(nil), old.results...)
	// A child that fails fails its inline Map or Parallel at once: every
	// child started and not among the kids succeeded. Those not started
	// yet (a Map's items from next on) are pending too.
	if fan.isMap {
		fan.pending = len(fan.items) - fan.next
	}
	if fan.isMap {
		fan.startID = x.emit(t, "MapStateStarted", ObjectDetails{value.ObjectOf("length", value.Int(int64(len(fan.items))))})
	} else {
		fan.startID = x.emit(t, "ParallelStateStarted", nil)
	}
	t.fan = fan
	var run []*thread
	for _, c := range r.fan.kids {
		if c.redo == nil {
			continue
		}
		fan.children = append(fan.children, c)
		fan.pending++
		run = append(run, x.revive(c, fan.startID)...)
	}
	if fan.isMap {
		for fan.next < len(fan.items) && (fan.maxConc == 0 || len(fan.children) < fan.maxConc) {
			c := x.iteration(t, t.last)
			if c == nil {
				return run
			}
			run = append(run, c)
		}
	}
	if len(fan.children) == 0 {
		// Every child had succeeded: the state failed after them.
		x.fanDone(t)
		x.resume(t)
		return run
	}
	return run
}
