package interp

import (
	"fmt"
	"time"

	"github.com/cairn-sfn/cairn/value"
)

// MarshalInput encodes an input for a journal, from which an execution is
// rebuilt by replay. Times keep nanoseconds, so a replay sees exactly the
// times the original run saw.
func MarshalInput(in Input) []byte {
	o := value.NewObject(6)
	switch in := in.(type) {
	case Start:
		o.Set("type", "Start")
	case TaskStarted:
		o.Set("type", "TaskStarted")
		o.Set("task", value.Int(in.TaskID))
		o.Set("worker", in.WorkerName)
	case TaskSucceeded:
		o.Set("type", "TaskSucceeded")
		o.Set("task", value.Int(in.TaskID))
		o.Set("output", in.Output)
	case TaskFailed:
		o.Set("type", "TaskFailed")
		o.Set("task", value.Int(in.TaskID))
		o.Set("error", in.Error)
		o.Set("cause", in.Cause)
	case TaskSubmitted:
		o.Set("type", "TaskSubmitted")
		o.Set("task", value.Int(in.TaskID))
		o.Set("output", in.Output)
	case TaskHeartbeat:
		o.Set("type", "TaskHeartbeat")
		o.Set("task", value.Int(in.TaskID))
	case TimerFired:
		o.Set("type", "TimerFired")
		o.Set("timer", value.Int(in.TimerID))
	case Redrive:
		o.Set("type", "Redrive")
		o.Set("token", in.ClientToken)
	case Stop:
		o.Set("type", "Stop")
		o.Set("error", in.Error)
		o.Set("cause", in.Cause)
	}
	o.Set("time", value.Int(in.inputTime().UnixNano()))
	return value.Marshal(o)
}

// UnmarshalInput decodes a journal entry written by MarshalInput.
func UnmarshalInput(data []byte) (Input, error) {
	v, err := value.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("journal entry: %w", err)
	}
	o, ok := v.(*value.Object)
	if !ok {
		return nil, fmt.Errorf("journal entry is not an object")
	}
	str := func(k string) string { s, _ := o.Get(k); r, _ := s.(string); return r }
	num := func(k string) int64 {
		n, _ := o.Get(k)
		num, _ := n.(value.Number)
		i, _ := num.Int()
		return i
	}
	at := time.Unix(0, num("time")).UTC()
	switch str("type") {
	case "Start":
		return Start{Time: at}, nil
	case "TaskStarted":
		return TaskStarted{Time: at, TaskID: num("task"), WorkerName: str("worker")}, nil
	case "TaskSucceeded":
		out, _ := o.Get("output")
		return TaskSucceeded{Time: at, TaskID: num("task"), Output: out}, nil
	case "TaskFailed":
		return TaskFailed{Time: at, TaskID: num("task"), Error: str("error"), Cause: str("cause")}, nil
	case "TaskSubmitted":
		out, _ := o.Get("output")
		return TaskSubmitted{Time: at, TaskID: num("task"), Output: out}, nil
	case "TaskHeartbeat":
		return TaskHeartbeat{Time: at, TaskID: num("task")}, nil
	case "TimerFired":
		return TimerFired{Time: at, TimerID: num("timer")}, nil
	case "Redrive":
		return Redrive{Time: at, ClientToken: str("token")}, nil
	case "Stop":
		return Stop{Time: at, Error: str("error"), Cause: str("cause")}, nil
	}
	return nil, fmt.Errorf("journal entry of unknown type %q", str("type"))
}

// InputTime returns when an input happened.
func InputTime(in Input) time.Time { return in.inputTime() }

// Outstanding is what a replayed execution still waits for: the tasks it
// started and has no answer for, and the timers it set that have neither
// fired nor been cancelled.
type Outstanding struct {
	Tasks  []RunTask
	Timers []SetTimer
	// Invocations counts every RunTask of the replay, by state name.
	Invocations map[string]int
}

// Replay rebuilds an execution from its journal and returns it with what
// it waits for and every event the replay produced (which must equal the
// recorded history).
func Replay(x *Execution, journal []Input) (Outstanding, []Event) {
	tasks := map[int64]RunTask{}
	timers := map[int64]SetTimer{}
	var taskOrder, timerOrder []int64
	var events []Event
	invocations := map[string]int{}
	for _, in := range journal {
		switch in := in.(type) {
		case TaskSucceeded:
			delete(tasks, in.TaskID)
		case TaskFailed:
			delete(tasks, in.TaskID)
		case TimerFired:
			delete(timers, in.TimerID)
		}
		step := x.Apply(in)
		events = append(events, step.Events...)
		for _, c := range step.Commands {
			switch c := c.(type) {
			case RunTask:
				tasks[c.TaskID] = c
				taskOrder = append(taskOrder, c.TaskID)
				invocations[c.StateName]++
			case CancelTask:
				delete(tasks, c.TaskID)
			case SetTimer:
				timers[c.TimerID] = c
				timerOrder = append(timerOrder, c.TimerID)
			case CancelTimer:
				delete(timers, c.TimerID)
			}
		}
	}
	out := Outstanding{Invocations: invocations}
	if x.Status() != Running {
		return out, events
	}
	for _, id := range taskOrder {
		if t, ok := tasks[id]; ok {
			out.Tasks = append(out.Tasks, t)
			delete(tasks, id)
		}
	}
	for _, id := range timerOrder {
		if t, ok := timers[id]; ok {
			out.Timers = append(out.Timers, t)
			delete(timers, id)
		}
	}
	return out, events
}
