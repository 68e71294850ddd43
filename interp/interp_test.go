package interp_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func parse(t testing.TB, def string) *asl.StateMachine {
	t.Helper()
	sm, err := asl.Parse([]byte(def))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return sm
}

func info(input string) interp.Info {
	return interp.Info{
		ExecutionArn:     "arn:aws:states:us-east-1:123456789012:execution:m:e",
		Name:             "e",
		StateMachineArn:  "arn:aws:states:us-east-1:123456789012:stateMachine:m",
		StateMachineName: "m",
		RoleArn:          "arn:aws:iam::123456789012:role/r",
		Input:            value.MustParse(input),
		Seed:             42,
	}
}

// handler answers a task: an output, or a failure (error name, cause).
type handler func(task interp.RunTask) (out any, errName, cause string)

// drive runs x to its end with virtual time: tasks are answered at once by
// h, timers fire when nothing else is pending.
func drive(t testing.TB, x *interp.Execution, h handler) []interp.Event {
	t.Helper()
	events, _ := driveJournal(t, x, h)
	return events
}

// driveJournal is drive that also returns every input it applied.
func driveJournal(t testing.TB, x *interp.Execution, h handler) ([]interp.Event, []interp.Input) {
	t.Helper()
	return driveFrom(t, x, interp.Start{Time: epoch}, h)
}

// driveFrom is driveJournal from any first input; a nil h leaves tasks
// unanswered.
func driveFrom(t testing.TB, x *interp.Execution, first interp.Input, h handler) ([]interp.Event, []interp.Input) {
	t.Helper()
	var journal []interp.Input
	now := interp.InputTime(first)
	var events []interp.Event
	var timers []interp.SetTimer
	inputs := []interp.Input{first}
	for steps := 0; steps < 1_000_000; steps++ {
		if len(inputs) == 0 {
			if x.Status() != interp.Running || len(timers) == 0 {
				return events, journal
			}
			slices.SortStableFunc(timers, func(a, b interp.SetTimer) int { return a.At.Compare(b.At) })
			next := timers[0]
			timers = timers[1:]
			if next.At.After(now) {
				now = next.At
			}
			inputs = append(inputs, interp.TimerFired{Time: now, TimerID: next.TimerID})
		}
		in := inputs[0]
		inputs = inputs[1:]
		journal = append(journal, in)
		step := x.Apply(in)
		events = append(events, step.Events...)
		for _, c := range step.Commands {
			switch c := c.(type) {
			case interp.RunTask:
				if h == nil {
					continue // left unanswered
				}
				out, errName, cause := h(c)
				if errName != "" {
					inputs = append(inputs, interp.TaskFailed{Time: now, TaskID: c.TaskID, Error: errName, Cause: cause})
				} else {
					inputs = append(inputs, interp.TaskSucceeded{Time: now, TaskID: c.TaskID, Output: out})
				}
			case interp.SetTimer:
				timers = append(timers, c)
			case interp.CancelTimer:
				timers = slices.DeleteFunc(timers, func(s interp.SetTimer) bool { return s.TimerID == c.TimerID })
			}
		}
	}
	t.Fatal("execution did not end")
	return nil, nil
}

func types(events []interp.Event) string {
	var s []string
	for _, e := range events {
		s = append(s, e.Type)
	}
	return strings.Join(s, " ")
}

func identity(task interp.RunTask) (any, string, string) { return task.Input, "", "" }

func TestRetryBackoffThenSuccess(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
		"Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":3}],"End":true}}}`)
	calls := 0
	x := interp.New(sm, info(`{"a":1}`))
	events := drive(t, x, func(task interp.RunTask) (any, string, string) {
		calls++
		if calls <= 2 {
			return nil, "Boom", "not yet"
		}
		return value.MustParse(`{"ok":true}`), "", ""
	})
	if x.Status() != interp.Succeeded || value.String(x.Output()) != `{"ok":true}` {
		t.Fatalf("status %s output %s", x.Status(), value.String(x.Output()))
	}
	want := "ExecutionStarted TaskStateEntered LambdaFunctionScheduled LambdaFunctionStarted LambdaFunctionFailed " +
		"LambdaFunctionScheduled LambdaFunctionStarted LambdaFunctionFailed LambdaFunctionScheduled LambdaFunctionStarted " +
		"LambdaFunctionSucceeded TaskStateExited ExecutionSucceeded"
	if got := types(events); got != want {
		t.Fatalf("events:\n got %s\nwant %s", got, want)
	}
	// Retries wait 2s, then 2*3 = 6s.
	if d := events[5].Timestamp.Sub(events[4].Timestamp); d != 2*time.Second {
		t.Errorf("first retry after %v, want 2s", d)
	}
	if d := events[8].Timestamp.Sub(events[7].Timestamp); d != 6*time.Second {
		t.Errorf("second retry after %v, want 6s", d)
	}
}

func TestCatchPutsErrorAtResultPath(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Retry":[{"ErrorEquals":["Other"]}],
			"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Done"}],"End":true},
		"Done":{"Type":"Pass","End":true}}}`)
	x := interp.New(sm, info(`{"keep":1}`))
	events := drive(t, x, func(interp.RunTask) (any, string, string) { return nil, "Boom", "it broke" })
	if got, want := value.String(x.Output()), `{"keep":1,"err":{"Error":"Boom","Cause":"it broke"}}`; got != want {
		t.Fatalf("output %s, want %s", got, want)
	}
	want := "ExecutionStarted TaskStateEntered TaskScheduled TaskStarted TaskFailed TaskStateExited PassStateEntered PassStateExited ExecutionSucceeded"
	if got := types(events); got != want {
		t.Fatalf("events:\n got %s\nwant %s", got, want)
	}
}

func TestStatesRuntimeIsNotCaughtByStatesAll(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","OutputPath":"$.missing",
			"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Done"}],"End":true},
		"Done":{"Type":"Pass","End":true}}}`)
	x := interp.New(sm, info(`{}`))
	drive(t, x, identity)
	if x.Status() != interp.Failed || x.Error() != "States.Runtime" {
		t.Fatalf("status %s error %s", x.Status(), x.Error())
	}
	if !strings.Contains(x.Cause(), "Invalid path '$.missing'") {
		t.Errorf("cause %q", x.Cause())
	}
}

func TestTaskTimeout(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","TimeoutSeconds":5,"End":true}}}`)
	x := interp.New(sm, info(`{}`))
	step := x.Apply(interp.Start{Time: epoch})
	var timer interp.SetTimer
	var task interp.RunTask
	for _, c := range step.Commands {
		switch c := c.(type) {
		case interp.SetTimer:
			timer = c
		case interp.RunTask:
			task = c
		}
	}
	if task.TaskID == 0 || task.TimeoutSeconds != 5 || !timer.At.Equal(epoch.Add(5*time.Second)) {
		t.Fatalf("task %+v timer %+v", task, timer)
	}
	step = x.Apply(interp.TimerFired{Time: timer.At, TimerID: timer.TimerID})
	if got := types(step.Events); got != "TaskTimedOut ExecutionFailed" {
		t.Fatalf("events %s", got)
	}
	if x.Error() != "States.Timeout" {
		t.Errorf("error %s", x.Error())
	}
	// A late answer changes nothing.
	if step := x.Apply(interp.TaskSucceeded{Time: timer.At, TaskID: task.TaskID, Output: value.Int(1)}); len(step.Events) != 0 {
		t.Errorf("late answer produced %s", types(step.Events))
	}
}

func TestParallelBranchFailureIsCaught(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"P","States":{
		"P":{"Type":"Parallel","Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"End":true}}},
			{"StartAt":"B","States":{"B":{"Type":"Fail","Error":"Bad","Cause":"b"}}}],
			"Catch":[{"ErrorEquals":["Bad"],"Next":"C"}],"End":true},
		"C":{"Type":"Pass","End":true}}}`)
	x := interp.New(sm, info(`{}`))
	events := drive(t, x, identity)
	if got, want := value.String(x.Output()), `{"Error":"Bad","Cause":"b"}`; got != want {
		t.Fatalf("output %s, want %s", got, want)
	}
	if !strings.Contains(types(events), "ParallelStateFailed ParallelStateExited PassStateEntered") {
		t.Errorf("events %s", types(events))
	}
}

func TestParallelCollectsBranchOutputsInOrder(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"Next":"A"},"A":{"Type":"Pass","Result":"slow","End":true}}},
		{"StartAt":"B","States":{"B":{"Type":"Pass","Result":"fast","End":true}}}]}}}`)
	x := interp.New(sm, info(`{}`))
	drive(t, x, identity)
	if got := value.String(x.Output()); got != `["slow","fast"]` {
		t.Fatalf("output %s", got)
	}
}

func TestMapRespectsMaxConcurrency(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"ItemsPath":"$.items",
		"ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
		"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","End":true}}},"End":true}}}`)
	x := interp.New(sm, info(`{"items":["a","b","c","d","e"]}`))
	step := x.Apply(interp.Start{Time: epoch})
	var tasks []interp.RunTask
	for _, c := range step.Commands {
		if rt, ok := c.(interp.RunTask); ok {
			tasks = append(tasks, rt)
		}
	}
	if len(tasks) != 2 {
		t.Fatalf("%d tasks running, want 2", len(tasks))
	}
	// Finish them one by one: each completion starts one more.
	running := tasks
	done := 0
	for len(running) > 0 {
		rt := running[0]
		running = running[1:]
		step := x.Apply(interp.TaskSucceeded{Time: epoch, TaskID: rt.TaskID, Output: rt.Input})
		done++
		for _, c := range step.Commands {
			if n, ok := c.(interp.RunTask); ok {
				running = append(running, n)
			}
		}
		if len(running) > 2 {
			t.Fatalf("%d tasks running, want at most 2", len(running))
		}
	}
	if done != 5 || x.Status() != interp.Succeeded {
		t.Fatalf("done %d status %s", done, x.Status())
	}
	want := `[{"v":"a","i":0},{"v":"b","i":1},{"v":"c","i":2},{"v":"d","i":3},{"v":"e","i":4}]`
	if got := value.String(x.Output()); got != want {
		t.Fatalf("output %s, want %s", got, want)
	}
}

func TestExecutionTimeout(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"TimeoutSeconds":3,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}`)
	x := interp.New(sm, info(`{}`))
	events := drive(t, x, identity)
	if x.Status() != interp.TimedOut {
		t.Fatalf("status %s", x.Status())
	}
	last := events[len(events)-1]
	if last.Type != "ExecutionTimedOut" || !last.Timestamp.Equal(epoch.Add(3*time.Second)) {
		t.Fatalf("last event %s at %v", last.Type, last.Timestamp)
	}
}

func TestStopAborts(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}`)
	x := interp.New(sm, info(`{}`))
	x.Apply(interp.Start{Time: epoch})
	step := x.Apply(interp.Stop{Time: epoch.Add(time.Second), Error: "E", Cause: "C"})
	if x.Status() != interp.Aborted || types(step.Events) != "ExecutionAborted" {
		t.Fatalf("status %s events %s", x.Status(), types(step.Events))
	}
	if !slices.ContainsFunc(step.Commands, func(c interp.Command) bool { _, ok := c.(interp.CancelTimer); return ok }) {
		t.Error("the pending timer was not cancelled")
	}
}

func TestPayloadLimit(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", interp.DefaultMaxPayload)
	sm := parse(t, fmt.Sprintf(`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":%q,"End":true}}}`, big))
	x := interp.New(sm, info(`{}`))
	drive(t, x, identity)
	if x.Status() != interp.Failed || x.Error() != "States.DataLimitExceeded" {
		t.Fatalf("status %s error %s", x.Status(), x.Error())
	}
}

func TestEventLimit(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"C"}],"Default":"A"},"C":{"Type":"Succeed"}}}`)
	inf := info(`{}`)
	inf.MaxEvents = 100
	x := interp.New(sm, inf)
	events := drive(t, x, identity)
	if x.Status() != interp.Failed || len(events) > 100 {
		t.Fatalf("status %s after %d events", x.Status(), len(events))
	}
}

func TestHistoryIDsChain(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"Next":"Q"},"Q":{"Type":"Pass","End":true}}}`)
	x := interp.New(sm, info(`[1,2]`))
	events := drive(t, x, identity)
	for i, e := range events {
		if e.ID != int64(i+1) {
			t.Fatalf("event %d has id %d", i, e.ID)
		}
		if e.PreviousEventID >= e.ID {
			t.Fatalf("event %d follows a later event %d", e.ID, e.PreviousEventID)
		}
	}
}

// TestReplayIsDeterministic runs the same execution twice, with random
// values in it, and expects the same history.
func TestReplayIsDeterministic(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"id.$":"States.UUID()","n.$":"States.MathRandom(1, 1000)"},"Next":"M"},
		"M":{"Type":"Map","ItemsPath":"$.xs","ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
		"Retry":[{"ErrorEquals":["States.ALL"],"JitterStrategy":"FULL"}],"End":true}}},"End":true}}}`
	run := func() []byte {
		calls := 0
		x := interp.New(parse(t, def), info(`{"xs":[1,2,3]}`))
		events := drive(t, x, func(rt interp.RunTask) (any, string, string) {
			calls++
			if calls%2 == 1 {
				return nil, "Flaky", ""
			}
			return rt.Input, "", ""
		})
		return interp.MarshalHistory(events)
	}
	a, b := run(), run()
	if string(a) != string(b) {
		t.Fatalf("two runs differ:\n%s\n%s", a, b)
	}
}

func TestEventJSON(t *testing.T) {
	t.Parallel()
	e := interp.Event{ID: 2, PreviousEventID: 1, Timestamp: time.UnixMilli(1700000000123), Type: "PassStateEntered",
		Details: interp.ObjectDetails{Object: value.ObjectOf("input", "{}", "inputDetails", value.ObjectOf("truncated", false), "name", "A")}}
	want := `{"timestamp":1700000000.123,"type":"PassStateEntered","id":2,"previousEventId":1,"stateEnteredEventDetails":{"input":"{}","inputDetails":{"truncated":false},"name":"A"}}`
	if got := string(e.AppendJSON(nil)); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestReplayRebuildsState replays journals, cut at every point, through
// their encoded form and expects the recorded events and, for the whole
// journal, nothing outstanding.
func TestReplayRebuildsState(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"id.$":"States.UUID()"},"Next":"W"},
		"W":{"Type":"Wait","Seconds":30,"Next":"M"},
		"M":{"Type":"Map","ItemsPath":"$$.Execution.Input.xs","MaxConcurrency":2,"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task",
		"Resource":"arn:aws:states:::http:invoke","Retry":[{"ErrorEquals":["States.ALL"],"JitterStrategy":"FULL"}],"End":true}}},"End":true}}}`
	calls := 0
	x := interp.New(parse(t, def), info(`{"xs":[1,2,3,4]}`))
	events, journal := driveJournal(t, x, func(rt interp.RunTask) (any, string, string) {
		calls++
		if calls%3 == 1 {
			return nil, "Flaky", "try again"
		}
		return rt.Input, "", ""
	})
	if x.Status() != interp.Succeeded {
		t.Fatalf("status %s", x.Status())
	}
	for cut := 1; cut <= len(journal); cut++ {
		decoded := make([]interp.Input, cut)
		for i, in := range journal[:cut] {
			d, err := interp.UnmarshalInput(interp.MarshalInput(in))
			if err != nil {
				t.Fatal(err)
			}
			decoded[i] = d
		}
		y := interp.New(parse(t, def), info(`{"xs":[1,2,3,4]}`))
		out, replayed := interp.Replay(y, decoded)
		want := interp.MarshalHistory(events[:len(replayed)])
		if got := interp.MarshalHistory(replayed); string(got) != string(want) {
			t.Fatalf("replay of %d inputs differs:\n got %s\nwant %s", cut, got, want)
		}
		if cut == len(journal) {
			if len(replayed) != len(events) || len(out.Tasks)+len(out.Timers) != 0 {
				t.Fatalf("full replay: %d of %d events, %d tasks and %d timers outstanding", len(replayed), len(events), len(out.Tasks), len(out.Timers))
			}
		} else if y.Status() == interp.Running && len(out.Tasks)+len(out.Timers) == 0 {
			t.Fatalf("replay of %d inputs waits for nothing", cut)
		}
	}
}

func TestAssignSizeLimit(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", interp.MaxAssignSize/2)
	sm := parse(t, fmt.Sprintf(`{"StartAt":"P","States":{"P":{"Type":"Pass","Assign":{"a":%q,"b":%q},"End":true}}}`, big, big))
	x := interp.New(sm, info(`{}`))
	drive(t, x, identity)
	if x.Status() != interp.Failed || x.Error() != "States.DataLimitExceeded" {
		t.Fatalf("status %s error %s", x.Status(), x.Error())
	}
	// Half of it is fine.
	sm = parse(t, fmt.Sprintf(`{"StartAt":"P","States":{"P":{"Type":"Pass","Assign":{"a":%q},"End":true}}}`, big))
	x = interp.New(sm, info(`{}`))
	drive(t, x, identity)
	if x.Status() != interp.Succeeded {
		t.Fatalf("status %s error %s: %s", x.Status(), x.Error(), x.Cause())
	}
}

// An activity task handed out again (after a crash, or a hand-out message
// delivered twice) is recorded as started once.
func TestActivityStartedOnce(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:a","End":true}}}`)
	x := interp.New(sm, info(`{}`))
	var events []interp.Event
	step := x.Apply(interp.Start{Time: epoch})
	events = append(events, step.Events...)
	var task interp.RunTask
	for _, c := range step.Commands {
		if rt, ok := c.(interp.RunTask); ok {
			task = rt
		}
	}
	if task.TaskID == 0 {
		t.Fatalf("no task in %v", step.Commands)
	}
	for _, w := range []string{"w1", "w2"} {
		events = append(events, x.Apply(interp.TaskStarted{Time: epoch, TaskID: task.TaskID, WorkerName: w}).Events...)
	}
	events = append(events, x.Apply(interp.TaskSucceeded{Time: epoch, TaskID: task.TaskID, Output: value.MustParse(`{}`)}).Events...)
	want := "ExecutionStarted TaskStateEntered ActivityScheduled ActivityStarted ActivitySucceeded TaskStateExited ExecutionSucceeded"
	if got := types(events); got != want {
		t.Fatalf("events:\n got %s\nwant %s", got, want)
	}
}

// A timeout or heartbeat from a path beyond what a Duration holds waits
// (for centuries) instead of wrapping into the past and firing at once.
func TestHugeTaskTimeoutDoesNotWrap(t *testing.T) {
	t.Parallel()
	sm := parse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
		"TimeoutSecondsPath":"$.t","HeartbeatSecondsPath":"$.h","End":true}}}`)
	x := interp.New(sm, info(`{"t":10000000000,"h":9999999999}`))
	step := x.Apply(interp.Start{Time: epoch})
	timers := 0
	for _, c := range step.Commands {
		if st, ok := c.(interp.SetTimer); ok {
			timers++
			if !st.At.After(epoch.Add(100 * 365 * 24 * time.Hour)) {
				t.Errorf("timer %d due %v, want centuries after %v", st.TimerID, st.At, epoch)
			}
		}
	}
	if timers != 2 {
		t.Fatalf("%d timers, want the timeout and the heartbeat: %v", timers, step.Commands)
	}
}
