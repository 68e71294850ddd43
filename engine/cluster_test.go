package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
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

// crash stops an engine as kill -9 would: its work stops, its leases stay
// until they expire.
func (e *Engine) crash() {
	e.mu.Lock()
	e.stopped = true
	e.mu.Unlock()
	e.cancel()
	e.wg.Wait()
}

func startNode(t *testing.T, st *memory.Store, node string, ttl time.Duration, inv Invoker) *Engine {
	t.Helper()
	return startEngine(t, Config{Node: node, LeaseTTL: ttl, WaitScale: 0.01}, Deps{Store: st, Cluster: st, Invoker: inv})
}

const activityARN = "arn:aws:states:us-east-1:123456789012:activity:work"

// clusterDefinition waits, runs an activity task, waits in a Map (the
// second item longer, so the history's order is fixed) and computes its output from the input and the worker's answers, so the
// output says every step ran once.
const clusterDefinition = `{"StartAt":"Nap","States":{
	"Nap":{"Type":"Wait","Seconds":30,"Next":"Work"},
	"Work":{"Type":"Task","Resource":"` + activityARN + `","ResultPath":"$.worked","Next":"Fan"},
	"Fan":{"Type":"Map","ItemsPath":"$.items","ResultPath":"$.items","ItemProcessor":{"StartAt":"W","States":{
		"W":{"Type":"Wait","SecondsPath":"$","Next":"D"},"D":{"Type":"Pass","Parameters":{"v.$":"States.MathAdd($, $)"},"End":true}}},
		"Next":"Done"},
	"Done":{"Type":"Pass","Parameters":{"n.$":"$.n","worked.$":"$.worked.by","items.$":"$.items[*].v"},"End":true}}}`

// worker answers activity tasks through random live nodes.
func worker(ctx context.Context, nodes func() []*Engine) {
	for ctx.Err() == nil {
		live := nodes()
		e := live[rand.IntN(len(live))]
		token, input, err := e.GetActivityTask(ctx, activityARN, "w")
		if err != nil || token == "" {
			continue
		}
		var in struct{ N int }
		json.Unmarshal([]byte(input), &in)
		live = nodes()
		out := fmt.Sprintf(`{"by":%d}`, in.N*10)
		for try := 0; try < 20 && ctx.Err() == nil; try++ {
			e := live[rand.IntN(len(live))]
			if err := e.SendTaskSuccess(ctx, token, out); err == nil || !errors.Is(err, ErrStopped) {
				break
			}
			live = nodes()
		}
	}
}

// Three nodes share a store; two die in turn without handing their leases
// back. Every execution still ends once, with the output and the history a
// single node gives it.
func TestClusterFailover(t *testing.T) {
	st := memory.New()
	createMachine(t, st, clusterDefinition)
	const ttl = 300 * time.Millisecond
	var mu sync.Mutex
	nodes := []*Engine{startNode(t, st, "a", ttl, nil), startNode(t, st, "b", ttl, nil), startNode(t, st, "c", ttl, nil)}
	live := func() []*Engine {
		mu.Lock()
		defer mu.Unlock()
		return append([]*Engine(nil), nodes...)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var workers sync.WaitGroup
	for range 3 {
		workers.Go(func() { worker(ctx, live) })
	}
	defer workers.Wait()

	const n = 30
	var arns []string
	for i := range n {
		e := live()[i%3]
		ex, err := e.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: fmt.Sprint("x", i),
			Input: fmt.Sprintf(`{"n":%d,"items":[%d,%d]}`, i, i, i+20)})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, ex.ARN)
	}
	kill := func(i int) {
		mu.Lock()
		victim := nodes[i]
		nodes = append(nodes[:i:i], nodes[i+1:]...)
		mu.Unlock()
		victim.crash()
	}
	time.Sleep(150 * time.Millisecond)
	kill(0)
	time.Sleep(400 * time.Millisecond)
	kill(0)

	waitForAll(t, st, arns, 20*time.Second)
	cancel()
	// The same execution on one node, for its history.
	single := memory.New()
	createMachine(t, single, clusterDefinition)
	one := startEngine(t, Config{WaitScale: 0.01}, Deps{Store: single})
	wctx, wcancel := context.WithCancel(t.Context())
	defer wcancel()
	go worker(wctx, func() []*Engine { return []*Engine{one} })
	ref, err := one.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "x0", Input: `{"n":0,"items":[0,20]}`})
	if err != nil {
		t.Fatal(err)
	}
	waitForAll(t, single, []string{ref.ARN}, 10*time.Second)
	want := historyShape(t, single, ref.ARN)

	for i, arn := range arns {
		ex, _ := st.GetExecution(t.Context(), arn)
		if wantOut := fmt.Sprintf(`{"n":%d,"worked":%d,"items":[%d,%d]}`, i, i*10, 2*i, 2*i+40); ex.Status != interp.Succeeded || ex.Output != wantOut {
			t.Errorf("%s: %s %s %s, want SUCCEEDED %s", arn, ex.Status, ex.Output, ex.Cause, wantOut)
			continue
		}
		if got := historyShape(t, st, arn); got != want {
			t.Errorf("%s: history\n got %s\nwant %s", arn, got, want)
		}
	}
}

// waitForAll waits until every execution ended.
func waitForAll(t *testing.T, st store.Executions, arns []string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for _, arn := range arns {
		for {
			ex, err := st.GetExecution(t.Context(), arn)
			if err == nil && ex.Status != interp.Running {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still %s", arn, ex.Status)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// historyShape checks that event ids run 1..n and returns the event types
// with their previous event ids, which must not depend on the node.
func historyShape(t *testing.T, st store.Executions, arn string) string {
	t.Helper()
	evs, err := st.History(t.Context(), arn, 0, 0, false)
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

const callbackResource = "arn:aws:states:::lambda:invoke.waitForTaskToken"

// A callback's token, answered through another node, completes the task
// once; a second answer is refused. A Stop sent to another node stops the
// execution.
func TestClusterAnswersThroughAnyNode(t *testing.T) {
	st := memory.New()
	createMachine(t, st, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+callbackResource+`",
		"Parameters":{"token.$":"$$.Task.Token"},"End":true}}}`)
	tokens := make(chan string, 4)
	inv := Handlers{callbackResource: func(ctx context.Context, in any) (any, error) {
		tok, _ := in.(*value.Object).Get("token")
		tokens <- tok.(string)
		return "sent", nil
	}}
	a := startNode(t, st, "a", 10*time.Second, inv)
	b := startNode(t, st, "b", 10*time.Second, inv)
	c := startNode(t, st, "c", 10*time.Second, inv)
	ctx := t.Context()

	ex, err := a.StartExecution(ctx, StartRequest{StateMachineARN: testMachineARN, Name: "cb"})
	if err != nil {
		t.Fatal(err)
	}
	token := <-tokens
	if err := b.SendTaskHeartbeat(ctx, token); err != nil {
		t.Fatalf("heartbeat through b: %v", err)
	}
	if err := b.SendTaskSuccess(ctx, token, `{"ok":1}`); err != nil {
		t.Fatalf("answer through b: %v", err)
	}
	if err := c.SendTaskSuccess(ctx, token, `{"ok":2}`); !errors.Is(err, ErrTaskDoesNotExist) {
		t.Fatalf("second answer through c: %v, want ErrTaskDoesNotExist", err)
	}
	waitForAll(t, st, []string{ex.ARN}, 5*time.Second)
	if got, _ := st.GetExecution(ctx, ex.ARN); got.Output != `{"ok":1}` {
		t.Fatalf("output %s, want the first answer", got.Output)
	}

	ex, err = a.StartExecution(ctx, StartRequest{StateMachineARN: testMachineARN, Name: "stopped"})
	if err != nil {
		t.Fatal(err)
	}
	<-tokens
	if _, err := c.StopExecution(ctx, ex.ARN, "Why", "because"); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.GetExecution(ctx, ex.ARN); got.Status != interp.Aborted || got.Error != "Why" {
		t.Fatalf("after a stop through c: %s %s", got.Status, got.Error)
	}
}

// A node that stops hands its leases back: another takes its executions
// over at once, not after the lease would have expired.
func TestClusterStopHandsLeasesBack(t *testing.T) {
	st := memory.New()
	createMachine(t, st, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}`)
	a := startNode(t, st, "a", time.Hour, nil)
	b := startNode(t, st, "b", time.Hour, nil)
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	a.Stop()
	waitFor(t, "b to take the execution over", func() bool { return b.Active() == 1 })
	waitForAll(t, st, []string{ex.ARN}, 5*time.Second) // 100s scaled by 0.01
	if got, _ := st.GetExecution(t.Context(), ex.ARN); got.Status != interp.Succeeded || got.Lease.Node != "b" {
		t.Fatalf("%s on %q", got.Status, got.Lease.Node)
	}
}

// A node whose lease was taken cannot commit: its step is refused by the
// fence, and it drops the execution instead of reloading it.
func TestClusterFenceStopsStaleNode(t *testing.T) {
	st := memory.New()
	createMachine(t, st, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":50,"Next":"P"},"P":{"Type":"Pass","End":true}}}`)
	a := startNode(t, st, "a", time.Hour, nil)
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	// Another node claims it as if a's lease had lapsed (a was paused).
	if _, err := st.RenewLease(t.Context(), "a", -time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RenewLease(t.Context(), "thief", time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := st.ClaimExecutions(t.Context(), "thief", 10)
	if err != nil || len(got) != 1 || got[0].Lease.Fence != 2 {
		t.Fatalf("claim: %v %v", got, err)
	}
	waitFor(t, "a to drop the execution", func() bool { return a.Active() == 0 })
	after, _ := st.GetExecution(t.Context(), ex.ARN)
	if after.Status != interp.Running || after.Version != 1 || after.Lease.Node != "thief" {
		t.Fatalf("a committed after losing its lease: %+v", after)
	}
}

// A node restarted under its name after a crash takes its executions back
// at once instead of waiting for its old leases to expire.
func TestClusterRestartedNodeTakesBackItsLeases(t *testing.T) {
	st := memory.New()
	createMachine(t, st, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":50,"End":true}}}`)
	a := startNode(t, st, "a", time.Hour, nil)
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	a.crash()
	again := startNode(t, st, "a", time.Hour, nil)
	if again.Active() != 1 {
		t.Fatalf("restarted node works %d executions, want 1", again.Active())
	}
	waitForAll(t, st, []string{ex.ARN}, 5*time.Second)
	if got, _ := st.GetExecution(t.Context(), ex.ARN); got.Status != interp.Succeeded || got.Lease.Fence != 2 {
		t.Fatalf("%s with fence %d", got.Status, got.Lease.Fence)
	}
}

// A node whose lease lapsed (a long pause) learns at its next renewal which
// of its executions were claimed meanwhile and drops only those.
func TestClusterLapsedLeaseDropsWhatWasClaimed(t *testing.T) {
	st := memory.New()
	createMachine(t, st, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":500,"End":true}}}`)
	a := startNode(t, st, "a", time.Hour, nil) // the test renews by hand
	var arns []string
	for range 2 {
		ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, ex.ARN)
	}
	if _, err := st.RenewLease(t.Context(), "thief", time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RenewLease(t.Context(), "a", -time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := st.ClaimExecutions(t.Context(), "thief", 1)
	if err != nil || len(got) != 1 {
		t.Fatalf("claim: %v %v", got, err)
	}
	// Give the other one back to a, as if the thief had claimed only one.
	kept := arns[0]
	if got[0].ARN == kept {
		kept = arns[1]
	}
	a.renew(&leaseState{lastOK: time.Now()})
	if a.Active() != 1 || !a.isLocal(kept) {
		t.Fatalf("a works %d executions (%s among them: %v), want only that one", a.Active(), kept, a.isLocal(kept))
	}
}

// putCounter counts the tasks recorded in a store.
type putCounter struct {
	*memory.Store
	puts atomic.Int64
}

func (s *putCounter) PutTask(ctx context.Context, t store.TaskRef) error {
	s.puts.Add(1)
	return s.Store.PutTask(ctx, t)
}

// An activity task answered while its node was down is not offered to
// workers again when another node takes the execution over.
func TestClusterAnsweredTaskNotOfferedAgain(t *testing.T) {
	st := &putCounter{Store: memory.New()}
	createMachine(t, st, `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"`+activityARN+`","End":true}}}`)
	deps := func() Deps { return Deps{Store: st, Cluster: st} }
	a := startEngine(t, Config{Node: "a", LeaseTTL: time.Hour}, deps())
	b := startEngine(t, Config{Node: "b", LeaseTTL: time.Hour}, deps())
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := b.GetActivityTask(t.Context(), activityARN, "w")
	if err != nil || token == "" {
		t.Fatalf("no task: %q %v", token, err)
	}
	a.crash()
	if err := b.SendTaskSuccess(t.Context(), token, `{"done":true}`); err != nil {
		t.Fatal(err)
	}
	before := st.puts.Load()
	if _, err := st.RenewLease(t.Context(), "a", -time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := b.claim(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitForAll(t, st, []string{ex.ARN}, 5*time.Second)
	if n := st.puts.Load() - before; n != 0 {
		t.Fatalf("the answered task was recorded again %d times", n)
	}
	if got := historyShape(t, st, ex.ARN); !strings.Contains(got, "ActivityScheduled<2 ActivityStarted<3 ActivitySucceeded<4 TaskStateExited<5 ExecutionSucceeded<6") {
		t.Fatalf("history %s", got)
	}
}
