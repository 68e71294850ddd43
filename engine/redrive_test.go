package engine

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/memory"
	"github.com/cairn-sfn/cairn/value"
)

func TestRedriveRefusal(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ended := func(status string, stop time.Duration) store.Execution {
		return store.Execution{Status: status, StartDate: t0, StopDate: t0.Add(stop)}
	}
	limit := ended(interp.Failed, time.Hour)
	limit.Error, limit.Cause = "States.Runtime", eventLimitCause+" (25000)."
	cases := []struct {
		name string
		ex   store.Execution
		now  time.Duration // after t0
		want string
	}{
		{"failed", ended(interp.Failed, time.Hour), 2 * time.Hour, ""},
		{"timed out", ended(interp.TimedOut, time.Hour), 2 * time.Hour, ""},
		{"aborted, 14 days on", ended(interp.Aborted, time.Hour), time.Hour + RedrivePeriod, ""},
		{"running", store.Execution{Status: interp.Running, StartDate: t0}, time.Hour, "Execution is RUNNING and cannot be redriven"},
		{"succeeded", ended(interp.Succeeded, time.Hour), 2 * time.Hour, "Execution is SUCCEEDED and cannot be redriven"},
		{"period over", ended(interp.Failed, time.Hour), 2*time.Hour + RedrivePeriod, "Execution redrivable period exceeded."},
		{"a year old", ended(interp.Failed, MaxExecutionAge), MaxExecutionAge + time.Hour, "Execution has exceeded the max execution time."},
		{"history limit", limit, 2 * time.Hour, "Execution history event limit exceeded."},
	}
	for _, tc := range cases {
		if got := redriveRefusal(tc.ex, t0.Add(tc.now)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// A Parallel whose branch B failed is redriven: only B runs again, and the
// execution succeeds with A's first result.
func TestRedriveExecution(t *testing.T) {
	st := memory.New()
	createMachine(t, st, twoTasks)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := &fakeClock{now: t0}
	var runsA, runsB atomic.Int32
	handlers := Handlers{
		fnA: func(ctx context.Context, in any) (any, error) { return value.Int(int64(runsA.Add(1))), nil },
		fnB: func(ctx context.Context, in any) (any, error) {
			if runsB.Add(1) == 1 {
				// Fails once A's answer is in, so that A is not aborted.
				for {
					j, err := st.Journal(ctx, testMachineARN[:strings.Index(testMachineARN, "stateMachine")]+"execution:m:x")
					if err != nil || len(j) >= 2 {
						break
					}
					time.Sleep(time.Millisecond)
				}
				return nil, &TaskError{Name: "Flaky", Cause: "first run"}
			}
			return "b", nil
		},
	}
	e := startEngine(t, Config{}, Deps{Store: st, Clock: clock.Now, Invoker: handlers})
	ctx := t.Context()
	if _, err := e.RedriveExecution(ctx, testMachineARN[:strings.Index(testMachineARN, "stateMachine")]+"execution:m:none", ""); !errors.Is(err, ErrExecutionNotFound) {
		t.Fatalf("redrive of a missing execution: %v", err)
	}
	ex, err := e.StartExecution(ctx, StartRequest{StateMachineARN: testMachineARN, Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	status := func() store.Execution {
		got, err := st.GetExecution(ctx, ex.ARN)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	waitFor(t, "the first attempt to fail", func() bool { return status().Status == interp.Failed })
	if info, err := e.RedriveState(ctx, status()); err != nil || info.Status != Redrivable || !info.Date.IsZero() {
		t.Fatalf("before redrive: %+v %v", info, err)
	}
	clock.Advance(time.Hour)
	at, err := e.RedriveExecution(ctx, ex.ARN, "token-1")
	if err != nil {
		t.Fatal(err)
	}
	if !at.Equal(t0.Add(time.Hour)) {
		t.Errorf("redrive date %v", at)
	}
	waitFor(t, "the redriven execution to succeed", func() bool { return status().Status == interp.Succeeded })
	got := status()
	if got.Output != `[1,"b"]` || got.RedriveCount != 1 || got.Error != "" {
		t.Errorf("after redrive: output %s, redriveCount %d, error %q", got.Output, got.RedriveCount, got.Error)
	}
	if runsA.Load() != 1 || runsB.Load() != 2 {
		t.Errorf("task runs: A %d, B %d; want 1 and 2", runsA.Load(), runsB.Load())
	}
	info, err := e.RedriveState(ctx, got)
	if err != nil || info.Status != NotRedrivable || info.Reason != "Execution is SUCCEEDED and cannot be redriven" || !info.Date.Equal(at) {
		t.Errorf("after redrive: %+v %v", info, err)
	}
	// The same token answers as the first time; another is refused.
	if again, err := e.RedriveExecution(ctx, ex.ARN, "token-1"); err != nil || !again.Equal(at) {
		t.Errorf("repeated request: %v %v", again, err)
	}
	if _, err := e.RedriveExecution(ctx, ex.ARN, "token-2"); !errors.Is(err, ErrNotRedrivable) {
		t.Errorf("redrive of a succeeded execution: %v", err)
	}

	events, err := st.History(ctx, ex.ARN, 0, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	var redriven int
	for i, ev := range events {
		if ev.ID != int64(i+1) {
			t.Fatalf("event %d has id %d", i+1, ev.ID)
		}
		if strings.Contains(string(ev.JSON), `"type":"ExecutionRedriven"`) {
			redriven++
			if !strings.Contains(string(ev.JSON), `"redriveCount":1`) {
				t.Errorf("ExecutionRedriven: %s", ev.JSON)
			}
		}
	}
	if redriven != 1 {
		t.Errorf("%d ExecutionRedriven events", redriven)
	}
	// The journal, with its redrive, rebuilds the stored history.
	r, err := e.rebuild(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	if r.x.Status() != interp.Succeeded || r.x.RedriveCount() != 1 {
		t.Errorf("rebuilt: %s, %d redrives", r.x.Status(), r.x.RedriveCount())
	}
}

// In a cluster the node that redrives an execution takes its lease and
// works it, wherever it ran before.
func TestRedriveLeasesToRedrivingNode(t *testing.T) {
	st := memory.New()
	createMachine(t, st, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+fnA+`","End":true}}}`)
	var runs atomic.Int32
	inv := Handlers{fnA: func(ctx context.Context, in any) (any, error) {
		if runs.Add(1) == 1 {
			return nil, &TaskError{Name: "Flaky", Cause: "first run"}
		}
		return "ok", nil
	}}
	a := startNode(t, st, "a", time.Minute, inv)
	b := startNode(t, st, "b", time.Minute, inv)
	ctx := t.Context()
	ex, err := a.StartExecution(ctx, StartRequest{StateMachineARN: testMachineARN, Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	get := func() store.Execution {
		got, err := st.GetExecution(ctx, ex.ARN)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	waitFor(t, "the first attempt to fail", func() bool { return get().Status == interp.Failed })
	before := get().Lease
	if _, err := b.RedriveExecution(ctx, ex.ARN, ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the redriven execution to succeed", func() bool { return get().Status == interp.Succeeded })
	got := get()
	if got.Lease.Node != "b" || got.Lease.Fence != before.Fence+1 || got.Output != `"ok"` || runs.Load() != 2 {
		t.Errorf("after redrive from b: lease %+v (before %+v), output %s, %d runs", got.Lease, before, got.Output, runs.Load())
	}
}

// A redriven execution still running when its engine stops is recovered
// by the next one from its journal, redrive included.
func TestRedrivenExecutionRecovers(t *testing.T) {
	st := memory.New()
	createMachine(t, st, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+fnA+`","Next":"C"},
		"C":{"Type":"Pass","Parameters":{"r.$":"$$.Execution.RedriveCount"},"End":true}}}`)
	var runs atomic.Int32
	release := make(chan struct{})
	inv := Handlers{fnA: func(ctx context.Context, in any) (any, error) {
		switch runs.Add(1) {
		case 1:
			return nil, &TaskError{Name: "Flaky", Cause: "first run"}
		case 2:
			<-ctx.Done() // the engine stops meanwhile
			return nil, ctx.Err()
		}
		<-release
		return "ok", nil
	}}
	ctx := t.Context()
	e1, err := New(Config{}, Deps{Store: st, Invoker: inv})
	if err != nil {
		t.Fatal(err)
	}
	if err := e1.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ex, err := e1.StartExecution(ctx, StartRequest{StateMachineARN: testMachineARN, Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	get := func() store.Execution {
		got, err := st.GetExecution(ctx, ex.ARN)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	waitFor(t, "the first attempt to fail", func() bool { return get().Status == interp.Failed })
	if _, err := e1.RedriveExecution(ctx, ex.ARN, ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the task to run again", func() bool { return runs.Load() == 2 })
	e1.Stop()
	if got := get(); got.Status != interp.Running || got.RedriveCount != 1 {
		t.Fatalf("after stop: %s, redriveCount %d", got.Status, got.RedriveCount)
	}
	startEngine(t, Config{}, Deps{Store: st, Invoker: inv})
	close(release)
	waitFor(t, "the recovered execution to succeed", func() bool { return get().Status == interp.Succeeded })
	if got := get(); got.Output != `{"r":1}` {
		t.Errorf("output %s, want the redrive count 1", got.Output)
	}
}
