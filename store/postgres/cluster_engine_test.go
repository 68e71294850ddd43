package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/postgres"
)

const (
	engineActivity = "arn:aws:states:us-east-1:123456789012:activity:work"
	engineMachine  = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
	// engineDefinition waits, runs an activity task and waits in a Map;
	// its output says every step ran once.
	engineDefinition = `{"StartAt":"Nap","States":{
	"Nap":{"Type":"Wait","Seconds":30,"Next":"Work"},
	"Work":{"Type":"Task","Resource":"` + engineActivity + `","ResultPath":"$.worked","Next":"Fan"},
	"Fan":{"Type":"Map","ItemsPath":"$.items","ResultPath":"$.items","ItemProcessor":{"StartAt":"W","States":{
		"W":{"Type":"Wait","SecondsPath":"$","Next":"D"},"D":{"Type":"Pass","Parameters":{"v.$":"States.MathAdd($, $)"},"End":true}}},
		"Next":"Done"},
	"Done":{"Type":"Pass","Parameters":{"n.$":"$.n","worked.$":"$.worked.by","items.$":"$.items[*].v"},"End":true}}}`
)

// TestEnginesWithLapsingLeases runs three engines on one database, each
// with a store of its own, and makes their leases lapse now and then while
// they keep running (as a long pause would): the others claim their
// executions, and the stale copies left behind keep firing timers and
// taking answers until their next renewal. Every execution ends once,
// with the right output and the history of a run without takeovers.
func TestEnginesWithLapsingLeases(t *testing.T) {
	t.Parallel()
	first, cs := open(t)
	ctx := t.Context()
	sm := store.StateMachine{ARN: engineMachine, Name: "m", Type: "STANDARD", Status: "ACTIVE", Definition: engineDefinition}
	if err := first.CreateStateMachine(ctx, sm, nil); err != nil {
		t.Fatal(err)
	}
	const ttl = 400 * time.Millisecond
	var nodes []*engine.Engine
	for i := range 3 {
		s := first
		if i > 0 {
			var err error
			if s, err = postgres.Open(ctx, cs); err != nil {
				t.Fatal(err)
			}
		}
		e, err := engine.New(engine.Config{Node: fmt.Sprint("n", i), LeaseTTL: ttl, WaitScale: 0.01}, engine.Deps{Store: s, Cluster: s})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.Stop(); s.Close() })
		nodes = append(nodes, e)
	}
	wctx, cancel := context.WithCancel(ctx)
	var workers sync.WaitGroup
	defer workers.Wait()
	defer cancel()
	for range 3 {
		workers.Go(func() { activityWorker(wctx, nodes) })
	}
	const n = 24
	var arns []string
	for i := range n {
		ex, err := nodes[i%3].StartExecution(ctx, engine.StartRequest{StateMachineARN: engineMachine, Name: fmt.Sprint("x", i),
			Input: fmt.Sprintf(`{"n":%d,"items":[%d,%d]}`, i, i, i+20)})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, ex.ARN)
	}
	running := func() int {
		left := 0
		for _, arn := range arns {
			if ex, err := first.GetExecution(ctx, arn); err != nil || ex.Status == interp.Running {
				left++
			}
		}
		return left
	}
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; running() > 0; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("%d executions still running", running())
		}
		time.Sleep(50 * time.Millisecond)
		if i < 60 {
			if _, err := first.RenewLease(ctx, fmt.Sprint("n", i%3), -time.Hour); err != nil {
				t.Fatal(err)
			}
		}
	}
	moved := 0
	var shape string
	for i, arn := range arns {
		ex, err := first.GetExecution(ctx, arn)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Lease.Fence > 1 {
			moved++
		}
		if want := fmt.Sprintf(`{"n":%d,"worked":%d,"items":[%d,%d]}`, i, i*10, 2*i, 2*i+40); ex.Status != interp.Succeeded || ex.Output != want {
			t.Errorf("%s: %s %s %s, want %s", arn, ex.Status, ex.Output, ex.Cause, want)
			continue
		}
		got := eventShape(t, first, arn)
		if shape == "" {
			shape = got
		} else if got != shape {
			t.Errorf("%s: history\n got %s\nwant %s", arn, got, shape)
		}
	}
	if !strings.Contains(shape, "ActivityStarted") {
		t.Errorf("history %s", shape)
	}
	t.Logf("%d of %d executions changed node", moved, n)
}

// activityWorker answers activity tasks, polling and answering through
// random nodes.
func activityWorker(ctx context.Context, nodes []*engine.Engine) {
	for ctx.Err() == nil {
		token, input, err := nodes[rand.IntN(len(nodes))].GetActivityTask(ctx, engineActivity, "w")
		if err != nil || token == "" {
			continue
		}
		var in struct{ N int }
		json.Unmarshal([]byte(input), &in)
		nodes[rand.IntN(len(nodes))].SendTaskSuccess(ctx, token, fmt.Sprintf(`{"by":%d}`, in.N*10))
	}
}

// eventShape checks that event ids run 1..n and returns the event types
// with their previous event ids.
func eventShape(t *testing.T, s store.Executions, arn string) string {
	t.Helper()
	evs, err := s.History(t.Context(), arn, 0, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i, ev := range evs {
		if ev.ID != int64(i+1) {
			t.Fatalf("%s: event %d has id %d", arn, i+1, ev.ID)
		}
		var e struct {
			Type            string `json:"type"`
			PreviousEventID int64  `json:"previousEventId"`
		}
		if err := json.Unmarshal(ev.JSON, &e); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s<%d ", e.Type, e.PreviousEventID)
	}
	return b.String()
}
