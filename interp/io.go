package interp

import (
	"time"
)

// Input is something that happened to an execution: it started, a task
// finished, a timer fired, someone stopped it. Inputs carry the time they
// happened at; the interpreter never reads the clock.
type Input interface{ inputTime() time.Time }

// Start begins the execution.
type Start struct {
	Time time.Time
}

// TaskStarted says a worker picked up an activity task (or a resource
// started running it).
type TaskStarted struct {
	Time       time.Time
	TaskID     int64
	WorkerName string
}

// TaskSucceeded delivers a task's result.
type TaskSucceeded struct {
	Time   time.Time
	TaskID int64
	Output any
}

// TaskFailed delivers a task's failure.
type TaskFailed struct {
	Time   time.Time
	TaskID int64
	Error  string
	Cause  string
}

// TaskSubmitted says a resource accepted a task that runs on (a .sync
// integration such as a nested execution); Output is the resource's answer
// to the submission.
type TaskSubmitted struct {
	Time   time.Time
	TaskID int64
	Output any
}

// TaskHeartbeat records a heartbeat from the task's worker.
type TaskHeartbeat struct {
	Time   time.Time
	TaskID int64
}

// TimerFired says a timer set by a SetTimer command is due.
type TimerFired struct {
	Time    time.Time
	TimerID int64
}

// Stop aborts the execution (StopExecution).
type Stop struct {
	Time  time.Time
	Error string
	Cause string
}

func (i Start) inputTime() time.Time         { return i.Time }
func (i TaskStarted) inputTime() time.Time   { return i.Time }
func (i TaskSucceeded) inputTime() time.Time { return i.Time }
func (i TaskFailed) inputTime() time.Time    { return i.Time }
func (i TaskHeartbeat) inputTime() time.Time { return i.Time }
func (i TaskSubmitted) inputTime() time.Time { return i.Time }
func (i TimerFired) inputTime() time.Time    { return i.Time }
func (i Stop) inputTime() time.Time          { return i.Time }

// Command is work the interpreter asks its shell to do after the step that
// produced it is durable.
type Command interface{ isCommand() }

// RunTask asks for a task to be run. The shell answers with TaskSucceeded or
// TaskFailed carrying the same TaskID (and TaskStarted for activities).
type RunTask struct {
	TaskID    int64
	StateName string
	Resource  string
	Input     any // the effective parameters
	// TimeoutSeconds and HeartbeatSeconds are 0 when not set; the
	// interpreter enforces them with its own timers.
	TimeoutSeconds   int
	HeartbeatSeconds int
	Token            string // the task token, for .waitForTaskToken and activities
	Credentials      any
}

// CancelTask says a task's result is no longer wanted (its state was
// aborted or timed out).
type CancelTask struct{ TaskID int64 }

// SetTimer asks for TimerFired{TimerID} at At.
type SetTimer struct {
	TimerID int64
	At      time.Time
}

// CancelTimer withdraws a timer.
type CancelTimer struct{ TimerID int64 }

func (RunTask) isCommand()     {}
func (CancelTask) isCommand()  {}
func (SetTimer) isCommand()    {}
func (CancelTimer) isCommand() {}

// Step is what one input produced.
type Step struct {
	Events   []Event
	Commands []Command
}
