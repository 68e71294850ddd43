package engine

import (
	"context"
	"errors"
	"fmt"
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

// hookStore is a memory store shared by cluster nodes whose calls tests
// can hold at chosen points or make fail, to line interleavings up.
type hookStore struct {
	*memory.Store
	mu           sync.Mutex
	beforeCreate func()
	afterHeld    func()
	// down fails reads and commits while set, as during an outage.
	down        atomic.Bool
	failCommit  atomic.Int32 // the next n commits fail and take the store down for outage
	outage      time.Duration
	failJournal atomic.Int32 // the next n journal reads fail
	failPutTask atomic.Int32 // the next n PutTask calls fail
	failDelete  atomic.Int32 // the next n DeleteMessages calls fail
	failSend    atomic.Int32 // the next n Send calls fail
	// slowInbox holds a node's next inbox read this long.
	slowInbox     time.Duration
	slowInboxNode string
}

var errDown = errors.New("store unreachable")

func newHookStore() *hookStore { return &hookStore{Store: memory.New()} }

func (s *hookStore) hook(f *func()) func() {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := *f
	*f = nil // each hook runs once
	return h
}

func (s *hookStore) set(f *func(), h func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	*f = h
}

func (s *hookStore) CreateExecution(ctx context.Context, ex store.Execution, first store.Step) error {
	if h := s.hook(&s.beforeCreate); h != nil {
		h()
	}
	return s.Store.CreateExecution(ctx, ex, first)
}

func (s *hookStore) RenewLease(ctx context.Context, node string, ttl time.Duration) (bool, error) {
	if s.down.Load() {
		return false, errDown
	}
	return s.Store.RenewLease(ctx, node, ttl)
}

func (s *hookStore) ClaimExecutions(ctx context.Context, node string, limit int) ([]store.Execution, error) {
	if s.down.Load() {
		return nil, errDown
	}
	return s.Store.ClaimExecutions(ctx, node, limit)
}

func (s *hookStore) HeldExecutions(ctx context.Context, node string) (map[string]int64, error) {
	if s.down.Load() {
		return nil, errDown
	}
	held, err := s.Store.HeldExecutions(ctx, node)
	if h := s.hook(&s.afterHeld); h != nil {
		h()
	}
	return held, err
}

func (s *hookStore) CommitSteps(ctx context.Context, steps []store.Step) ([]error, error) {
	if s.down.Load() {
		return nil, errDown
	}
	if s.failCommit.Add(-1) >= 0 {
		s.down.Store(true)
		time.AfterFunc(s.outage, func() { s.down.Store(false) })
		return nil, errDown
	}
	return s.Store.CommitSteps(ctx, steps)
}

func (s *hookStore) GetExecution(ctx context.Context, arn string) (store.Execution, error) {
	if s.down.Load() {
		return store.Execution{}, errDown
	}
	return s.Store.GetExecution(ctx, arn)
}

func (s *hookStore) Journal(ctx context.Context, arn string) ([][]byte, error) {
	if s.down.Load() || s.failJournal.Add(-1) >= 0 {
		return nil, errDown
	}
	return s.Store.Journal(ctx, arn)
}

func (s *hookStore) PutTask(ctx context.Context, t store.TaskRef) error {
	if s.down.Load() || s.failPutTask.Add(-1) >= 0 {
		return errDown
	}
	return s.Store.PutTask(ctx, t)
}

func (s *hookStore) Send(ctx context.Context, m store.Message, answers bool) (store.TaskRef, error) {
	if s.down.Load() || s.failSend.Add(-1) >= 0 {
		return store.TaskRef{}, errDown
	}
	return s.Store.Send(ctx, m, answers)
}

func (s *hookStore) Inbox(ctx context.Context, node, arn string) ([]store.Message, error) {
	if s.down.Load() {
		return nil, errDown
	}
	s.mu.Lock()
	slow := time.Duration(0)
	if node != "" && node == s.slowInboxNode {
		slow, s.slowInbox = s.slowInbox, 0
	}
	s.mu.Unlock()
	time.Sleep(slow)
	return s.Store.Inbox(ctx, node, arn)
}

func (s *hookStore) DeleteMessages(ctx context.Context, ids []int64) error {
	if s.failDelete.Add(-1) >= 0 {
		return errDown
	}
	return s.Store.DeleteMessages(ctx, ids)
}

func hookNode(t *testing.T, st *hookStore, node string, inv Invoker) *Engine {
	t.Helper()
	return startEngine(t, Config{Node: node, LeaseTTL: time.Hour, WaitScale: 0.01}, Deps{Store: st, Cluster: st, Invoker: inv})
}

const shortWait = `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"Next":"P"},"P":{"Type":"Pass","End":true}}}`

// A renewal that finds the lease had lapsed compares what the node holds
// with what it has in memory. An execution started while that renewal
// runs (created after HeldExecutions read, in memory before the
// comparison) is this node's: it must not be dropped.
func TestClusterStartDuringLapsedRenewal(t *testing.T) {
	st := newHookStore()
	createMachine(t, st, shortWait)
	a := hookNode(t, st, "a", nil)
	created, release := make(chan struct{}), make(chan struct{})
	st.set(&st.beforeCreate, func() { close(created); <-release })
	started := make(chan string, 1)
	go func() {
		ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "x"})
		if err != nil {
			t.Error(err)
		}
		started <- ex.ARN
	}()
	<-created
	var arn string
	st.set(&st.afterHeld, func() { close(release); arn = <-started })
	a.renew(&leaseState{lastOK: time.Now(), suspect: true})
	if !a.isLocal(arn) {
		t.Errorf("the execution started during the renewal was dropped")
	}
	waitForAll(t, st.Store, []string{arn}, 5*time.Second)
	if ex, _ := st.Store.GetExecution(t.Context(), arn); ex.Status != interp.Succeeded {
		t.Fatalf("%s", ex.Status)
	}
}

// A node whose own lease had lapsed may claim an execution it is creating
// (between its creation and its arrival in memory). The claimed copy is
// the one that counts; the starting copy must not replace it.
func TestClusterStartClaimedByItsOwnNode(t *testing.T) {
	st := newHookStore()
	createMachine(t, st, shortWait)
	var a *Engine
	wrapped := &createThenClaim{hookStore: st, claim: func(ctx context.Context) {
		// a's lease lapses (a store outage) and a's own claim takes it.
		if _, err := st.RenewLease(ctx, "a", -time.Hour); err != nil {
			t.Error(err)
		}
		if _, err := a.claim(ctx); err != nil {
			t.Error(err)
		}
		if _, err := st.RenewLease(ctx, "a", time.Hour); err != nil {
			t.Error(err)
		}
	}}
	a = startEngine(t, Config{Node: "a", LeaseTTL: time.Hour, WaitScale: 0.01}, Deps{Store: wrapped, Cluster: st})
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	waitForAll(t, st.Store, []string{ex.ARN}, 5*time.Second)
	// 3 when the cluster loop, woken by the node's start, claimed it too.
	if got, _ := st.Store.GetExecution(t.Context(), ex.ARN); got.Status != interp.Succeeded || got.Lease.Fence < 2 {
		t.Fatalf("%s with fence %d", got.Status, got.Lease.Fence)
	}
}

// createThenClaim runs claim right after an execution is created, before
// StartExecution has put it in memory.
type createThenClaim struct {
	*hookStore
	claim func(context.Context)
}

func (s *createThenClaim) CreateExecution(ctx context.Context, ex store.Execution, first store.Step) error {
	err := s.hookStore.CreateExecution(ctx, ex, first)
	if err == nil {
		s.claim(ctx)
	}
	return err
}

// A commit that fails because the store is unreachable drops the
// execution from memory to rebuild it from the store; the store still
// being down must not leave it leased to this live node with nobody
// working it.
func TestClusterReloadOutlastsOutage(t *testing.T) {
	t.Parallel()
	st := newHookStore()
	st.outage = 300 * time.Millisecond
	createMachine(t, st, shortWait)
	a := hookNode(t, st, "a", nil)
	st.failCommit.Store(1) // the timer's step
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	waitForAll(t, st.Store, []string{ex.ARN}, 5*time.Second)
}

// Without a cluster the same holds: a node alone reloads once the store is
// back.
func TestReloadOutlastsOutage(t *testing.T) {
	t.Parallel()
	st := newHookStore()
	st.outage = 300 * time.Millisecond
	createMachine(t, st, shortWait)
	a := startEngine(t, Config{WaitScale: 0.01}, Deps{Store: st})
	st.failCommit.Store(1)
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	waitForAll(t, st.Store, []string{ex.ARN}, 5*time.Second)
}

// A claimed execution whose journal cannot be read at once is still
// worked: it is leased to the claimer, so nobody else will take it.
func TestClusterClaimRecoverFails(t *testing.T) {
	t.Parallel()
	st := newHookStore()
	createMachine(t, st, shortWait)
	a := hookNode(t, st, "a", nil)
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	a.crash()
	if _, err := st.RenewLease(t.Context(), "a", -time.Hour); err != nil {
		t.Fatal(err)
	}
	st.failJournal.Store(1)
	hookNode(t, st, "b", nil) // claims it on start
	waitForAll(t, st.Store, []string{ex.ARN}, 5*time.Second)
}

const callbackMachine = `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + callbackResource + `",
	"Parameters":{"token.$":"$$.Task.Token"},"End":true}}}`

// tokenSink is a callback resource handing its tokens to the test.
func tokenSink(tokens chan<- string) Handlers {
	return Handlers{callbackResource: func(ctx context.Context, in any) (any, error) {
		tok, _ := in.(*value.Object).Get("token")
		tokens <- tok.(string)
		return "sent", nil
	}}
}

// An answer queued for a node that is stopping is left for the next
// holder, not deleted unapplied: its token was consumed when it was
// queued, so it could not be sent again.
func TestClusterAnswerWhileHolderStops(t *testing.T) {
	st := newHookStore()
	createMachine(t, st, callbackMachine)
	tokens := make(chan string, 4)
	a := hookNode(t, st, "a", tokenSink(tokens))
	b := hookNode(t, st, "b", tokenSink(tokens))
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	token := <-tokens
	// a is stopping: it refuses inputs, its context not yet cancelled.
	a.mu.Lock()
	a.stopped = true
	a.mu.Unlock()
	if err := b.SendTaskSuccess(t.Context(), token, `{"ok":1}`); err != nil {
		t.Fatal(err)
	}
	a.drain(ex.ARN)
	a.Stop()
	if _, err := b.claim(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitForAll(t, st.Store, []string{ex.ARN}, 5*time.Second)
	if got, _ := st.Store.GetExecution(t.Context(), ex.ARN); got.Output != `{"ok":1}` {
		t.Fatalf("%s output %s, want the answer", got.Status, got.Output)
	}
}

// deafCluster is a node's view of a shared store that never wakes it: the
// node acts only when the test calls it, so interleavings are exact.
type deafCluster struct{ *hookStore }

func (deafCluster) Listen(ctx context.Context) (<-chan store.Signal, error) {
	return make(chan store.Signal), nil
}

const twoCallbacks = `{"StartAt":"T1","States":{
	"T1":{"Type":"Task","Resource":"` + callbackResource + `","Parameters":{"token.$":"$$.Task.Token"},"ResultPath":"$.one","Next":"T2"},
	"T2":{"Type":"Task","Resource":"` + callbackResource + `","Parameters":{"token.$":"$$.Task.Token"},"ResultPath":"$.two","End":true}}}`

// A node paused past its lease keeps a stale copy of an execution another
// node claimed and moved on. An answer for a task the stale copy never
// saw, sent through the paused node, must reach the holder: the stale
// copy must not drop it from the store as "no longer running".
func TestClusterStaleCopyKeepsOthersAnswers(t *testing.T) {
	st := newHookStore()
	createMachine(t, st, twoCallbacks)
	tokens := make(chan string, 8)
	deps := Deps{Store: st, Cluster: deafCluster{st}, Invoker: tokenSink(tokens)}
	a := startEngine(t, Config{Node: "a", LeaseTTL: time.Hour}, deps)
	b := startEngine(t, Config{Node: "b", LeaseTTL: time.Hour}, deps)
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	one := <-tokens
	// a is paused past its lease; b claims the execution and runs T1 again.
	if _, err := st.RenewLease(t.Context(), "a", -time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := b.claim(t.Context()); err != nil {
		t.Fatal(err)
	}
	if again := <-tokens; again != one {
		t.Fatalf("T1 run again with token %s, want %s", again, one)
	}
	if err := b.SendTaskSuccess(t.Context(), one, `1`); err != nil {
		t.Fatal(err)
	}
	two := <-tokens
	// a wakes up, not yet knowing, and a worker answers T2 through it.
	if err := a.SendTaskSuccess(t.Context(), two, `2`); err != nil {
		t.Fatal(err)
	}
	b.drainAll()
	waitForAll(t, st.Store, []string{ex.ARN}, 5*time.Second)
	if got, _ := st.Store.GetExecution(t.Context(), ex.ARN); got.Output != `{"one":1,"two":2}` {
		t.Fatalf("%s output %s", got.Status, got.Output)
	}
}

// A task token the store failed to record for a moment is recorded once it
// is back: otherwise an answer through any node is refused and an activity
// task is never handed out, and the execution waits for ever.
func TestClusterTokenRecordedAfterBlip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, def string
	}{
		{"callback", callbackMachine},
		{"activity", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + activityARN + `","End":true}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newHookStore()
			createMachine(t, st, tc.def)
			tokens := make(chan string, 4)
			a := hookNode(t, st, "a", tokenSink(tokens))
			b := hookNode(t, st, "b", tokenSink(tokens))
			st.failPutTask.Store(5)
			ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
			if err != nil {
				t.Fatal(err)
			}
			var token string
			if tc.name == "callback" {
				token = <-tokens
			} else {
				ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
				defer cancel()
				if token, _, err = b.GetActivityTask(ctx, activityARN, "w"); err != nil || token == "" {
					t.Fatalf("no activity task handed out: %v", err)
				}
			}
			if err := b.SendTaskSuccess(t.Context(), token, `"ok"`); err != nil {
				t.Fatalf("answer through b: %v", err)
			}
			waitForAll(t, st.Store, []string{ex.ARN}, 5*time.Second)
		})
	}
}

// StopExecution through a node whose copy is stale (another node claimed
// the execution while it was paused) stops the execution: the refused
// step does not make the stop fail, it goes to the holder.
func TestClusterStopThroughStaleCopy(t *testing.T) {
	st := newHookStore()
	createMachine(t, st, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`)
	a := hookNode(t, st, "a", nil)
	b := hookNode(t, st, "b", nil)
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RenewLease(t.Context(), "a", -time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := b.claim(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RenewLease(t.Context(), "a", time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := a.StopExecution(t.Context(), ex.ARN, "Why", "because"); err != nil {
		t.Fatalf("stop through the stale node: %v", err)
	}
	if got, _ := st.Store.GetExecution(t.Context(), ex.ARN); got.Status != interp.Aborted || got.Error != "Why" {
		t.Fatalf("%s %s after the stop", got.Status, got.Error)
	}
}

// An activity task taken from the store whose start could not be queued
// for its holder is not lost: it was marked handed out, so no other worker
// would ever get it.
func TestClusterActivityStartSendFails(t *testing.T) {
	t.Parallel()
	st := newHookStore()
	createMachine(t, st, `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"`+activityARN+`","End":true}}}`)
	a := hookNode(t, st, "a", nil)
	b := hookNode(t, st, "b", nil)
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	st.failSend.Store(1)
	var token string
	for try := 0; token == "" && try < 3; try++ {
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		token, _, _ = b.GetActivityTask(ctx, activityARN, "w")
		cancel()
	}
	if token == "" {
		t.Fatal("the activity task was never handed out")
	}
	if err := b.SendTaskSuccess(t.Context(), token, `"ok"`); err != nil {
		t.Fatal(err)
	}
	waitForAll(t, st.Store, []string{ex.ARN}, 5*time.Second)
	if got := historyShape(t, st.Store, ex.ARN); !strings.Contains(got, "ActivityStarted") {
		t.Fatalf("history %s", got)
	}
}

// A node busy in its cluster loop (a slow inbox read, many claims or
// watched children) still renews its lease on time: otherwise the others
// take every execution it holds.
func TestClusterBusyLoopKeepsLease(t *testing.T) {
	st := newHookStore()
	createMachine(t, st, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`)
	const ttl = 300 * time.Millisecond
	a := startEngine(t, Config{Node: "a", LeaseTTL: ttl, WaitScale: 0.01}, Deps{Store: st, Cluster: st})
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	st.slowInbox, st.slowInboxNode = 4*ttl, "a"
	st.mu.Unlock()
	startEngine(t, Config{Node: "b", LeaseTTL: ttl, WaitScale: 0.01}, Deps{Store: st, Cluster: st})
	time.Sleep(6 * ttl)
	if got, _ := st.Store.GetExecution(t.Context(), ex.ARN); got.Lease != (store.Lease{Node: "a", Fence: 1}) {
		t.Fatalf("lease %+v, want a's", got.Lease)
	}
}

// Nodes whose lease lapses while they keep running (a long pause, as a
// stop-the-world or a frozen VM gives) leave stale copies behind that keep
// firing timers, running tasks and taking answers until their next renewal.
// Every execution still ends once, with the output and history one node
// gives it.
func TestClusterPausedNodes(t *testing.T) {
	t.Parallel()
	st := memory.New()
	createMachine(t, st, clusterDefinition)
	const ttl = 300 * time.Millisecond
	nodes := []*Engine{startNode(t, st, "a", ttl, nil), startNode(t, st, "b", ttl, nil), startNode(t, st, "c", ttl, nil)}
	live := func() []*Engine { return nodes }
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
		ex, err := nodes[i%3].StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: fmt.Sprint("x", i),
			Input: fmt.Sprintf(`{"n":%d,"items":[%d,%d]}`, i, i, i+20)})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, ex.ARN)
	}
	pauses := time.NewTicker(70 * time.Millisecond)
	defer pauses.Stop()
	for i := 0; ; i++ {
		done := true
		for _, arn := range arns {
			if ex, _ := st.GetExecution(t.Context(), arn); ex.Status == interp.Running {
				done = false
			}
		}
		if done || i > 300 {
			break
		}
		<-pauses.C
		if i < 40 {
			// The store forgets a node's lease as if it had not renewed.
			if _, err := st.RenewLease(t.Context(), string(rune('a'+i%3)), -time.Hour); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitForAll(t, st, arns, 10*time.Second)
	cancel()
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
	moved := 0
	for i, arn := range arns {
		ex, _ := st.GetExecution(t.Context(), arn)
		if ex.Lease.Fence > 1 {
			moved++
		}
		if wantOut := fmt.Sprintf(`{"n":%d,"worked":%d,"items":[%d,%d]}`, i, i*10, 2*i, 2*i+40); ex.Status != interp.Succeeded || ex.Output != wantOut {
			t.Errorf("%s: %s %s %s, want SUCCEEDED %s", arn, ex.Status, ex.Output, ex.Cause, wantOut)
			continue
		}
		if got := historyShape(t, st, arn); got != want {
			t.Errorf("%s: history\n got %s\nwant %s", arn, got, want)
		}
	}
	t.Logf("%d of %d executions changed node", moved, n)
}

// Messages queued while an execution's node was dead apply, once another
// node takes it over, in time order with the timers that fell due
// meanwhile, as they would have on one node: a Stop sent before the Wait
// ended stops the execution, one sent after finds it ended. (Before, the
// overdue timer raced the queued Stop and usually won.)
func TestClusterQueuedStopAndOverdueTimer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		stopBefore bool
		want       string
	}{
		{"stop sent before the wait ended", true, interp.Aborted},
		{"stop sent after the wait ended", false, interp.Succeeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 3 {
				st := newHookStore()
				createMachine(t, st, shortWait) // 10s scaled to 100ms
				deps := Deps{Store: st, Cluster: deafCluster{st}}
				a := startEngine(t, Config{Node: "a", LeaseTTL: time.Hour, WaitScale: 0.01}, deps)
				b := startEngine(t, Config{Node: "b", LeaseTTL: time.Hour, WaitScale: 0.01}, deps)
				ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
				if err != nil {
					t.Fatal(err)
				}
				a.crash()
				queueStop := func() {
					stop := interp.Stop{Time: time.Now().UTC(), Error: "Why"}
					if _, err := st.Send(t.Context(), store.Message{ExecutionARN: ex.ARN, Input: interp.MarshalInput(stop)}, false); err != nil {
						t.Fatal(err)
					}
				}
				if tc.stopBefore {
					queueStop()
				}
				time.Sleep(150 * time.Millisecond) // the Wait ends meanwhile
				if !tc.stopBefore {
					queueStop()
				}
				if _, err := st.RenewLease(t.Context(), "a", -time.Hour); err != nil {
					t.Fatal(err)
				}
				if _, err := b.claim(t.Context()); err != nil {
					t.Fatal(err)
				}
				waitForAll(t, st.Store, []string{ex.ARN}, 5*time.Second)
				if got, _ := st.Store.GetExecution(t.Context(), ex.ARN); got.Status != tc.want {
					t.Fatalf("%s, want %s", got.Status, tc.want)
				}
			}
		})
	}
}

// A parent waiting for a .sync child hears of its end when either of them
// moves to another node meanwhile.
func TestClusterSyncChildAcrossNodes(t *testing.T) {
	t.Parallel()
	for _, move := range []string{"child", "parent"} {
		t.Run(move+" moves", func(t *testing.T) {
			st := newHookStore()
			const childMachine = "arn:aws:states:us-east-1:123456789012:stateMachine:child"
			child := store.StateMachine{ARN: childMachine, Name: "child", Type: "STANDARD", Status: "ACTIVE",
				Definition: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"Next":"P"},"P":{"Type":"Pass","Result":{"r":1},"End":true}}}`}
			if err := st.CreateStateMachine(t.Context(), child, nil); err != nil {
				t.Fatal(err)
			}
			createMachine(t, st, `{"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
				"Parameters":{"StateMachineArn":"`+childMachine+`","Name":"kid"},"OutputPath":"$.Output","End":true}}}`)
			const ttl = 300 * time.Millisecond
			// a hears no signals, so b claims what a releases first.
			a := startEngine(t, Config{Node: "a", LeaseTTL: ttl, WaitScale: 0.01}, Deps{Store: st, Cluster: deafCluster{st}})
			startEngine(t, Config{Node: "b", LeaseTTL: ttl, WaitScale: 0.01}, Deps{Store: st, Cluster: st})
			parent, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN, Name: "p"})
			if err != nil {
				t.Fatal(err)
			}
			childARN := "arn:aws:states:us-east-1:123456789012:execution:child:kid"
			waitFor(t, "the child to start", func() bool { return a.isLocal(childARN) })
			moved := childARN
			if move == "parent" {
				moved = parent.ARN
			}
			if err := st.ReleaseLeases(t.Context(), "a", []string{moved}); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "another node to take it", func() bool {
				ex, _ := st.Store.GetExecution(t.Context(), moved)
				return ex.Lease.Fence > 1 || ex.Status != interp.Running
			})
			waitForAll(t, st.Store, []string{parent.ARN, childARN}, 5*time.Second)
			if got, _ := st.Store.GetExecution(t.Context(), parent.ARN); got.Status != interp.Succeeded || got.Output != `{"r":1}` {
				t.Fatalf("parent %s %s %s", got.Status, got.Output, got.Cause)
			}
		})
	}
}

// An answer queued through another node before a StopExecution reaches the
// holder is applied before the Stop, as on one node, where it would have
// been applied when it was sent.
func TestClusterStopAfterQueuedAnswer(t *testing.T) {
	st := newHookStore()
	createMachine(t, st, twoCallbacks)
	tokens := make(chan string, 4)
	deps := Deps{Store: st, Cluster: deafCluster{st}, Invoker: tokenSink(tokens)}
	a := startEngine(t, Config{Node: "a", LeaseTTL: time.Hour}, deps)
	b := startEngine(t, Config{Node: "b", LeaseTTL: time.Hour}, deps)
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SendTaskSuccess(t.Context(), <-tokens, `1`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.StopExecution(t.Context(), ex.ARN, "Why", ""); err != nil {
		t.Fatal(err)
	}
	if got := historyShape(t, st.Store, ex.ARN); !strings.Contains(got, "TaskSucceeded") {
		t.Fatalf("the answer sent before the stop was not applied: %s", got)
	}
}

// A node stopped gracefully and started again under its name takes its
// executions back at once, whether or not another node took them
// meanwhile, and each goes on once.
func TestClusterStopStartSameName(t *testing.T) {
	t.Parallel()
	st := newHookStore()
	createMachine(t, st, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"Next":"P"},"P":{"Type":"Pass","End":true}}}`)
	a := hookNode(t, st, "a", nil)
	var arns []string
	for range 3 {
		ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, ex.ARN)
	}
	a.Stop()
	again := hookNode(t, st, "a", nil)
	if again.Active() != 3 {
		t.Fatalf("restarted node works %d executions, want 3", again.Active())
	}
	waitForAll(t, st.Store, arns, 5*time.Second)
	for _, arn := range arns {
		if got, _ := st.Store.GetExecution(t.Context(), arn); got.Status != interp.Succeeded || got.Version != 2 || got.Lease.Fence != 2 {
			t.Fatalf("%s version %d fence %d", got.Status, got.Version, got.Lease.Fence)
		}
	}
}

// A node cut off from the store for longer than its lease loses its
// executions to the others; when it is back it neither commits to them nor
// keeps working them, and each ends once.
func TestClusterOutageLongerThanLease(t *testing.T) {
	t.Parallel()
	shared := memory.New()
	viewA, viewB := &hookStore{Store: shared}, &hookStore{Store: shared}
	createMachine(t, shared, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"Next":"P"},"P":{"Type":"Pass","End":true}}}`)
	const ttl = 300 * time.Millisecond
	a := startEngine(t, Config{Node: "a", LeaseTTL: ttl, WaitScale: 0.01}, Deps{Store: viewA, Cluster: viewA})
	b := startEngine(t, Config{Node: "b", LeaseTTL: ttl, WaitScale: 0.01}, Deps{Store: viewB, Cluster: viewB})
	var arns []string
	for range 5 {
		ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, ex.ARN)
	}
	viewA.down.Store(true)
	time.Sleep(4 * ttl)
	viewA.down.Store(false)
	waitForAll(t, shared, arns, 5*time.Second)
	for _, arn := range arns {
		got, _ := shared.GetExecution(t.Context(), arn)
		if got.Status != interp.Succeeded || got.Lease.Node != "b" || got.Version != 2 {
			t.Errorf("%s: %s on %s, version %d", arn, got.Status, got.Lease.Node, got.Version)
		}
		historyShape(t, shared, arn)
	}
	waitFor(t, "a to let go", func() bool { return a.Active() == 0 })
	if b.Active() != 0 {
		t.Errorf("b still works %d executions", b.Active())
	}
}

// Two recoveries of one execution on one node that overlap (a claim and
// a reload, or two claims, while the node's own lease had lapsed) may
// finish in either order: the copy with the older fence must not replace
// the newer one, whose fence alone the store accepts.
func TestClusterOlderClaimDoesNotReplaceNewer(t *testing.T) {
	st := newHookStore()
	createMachine(t, st, shortWait)
	a := startEngine(t, Config{Node: "a", LeaseTTL: time.Hour, WaitScale: 0.01}, Deps{Store: st, Cluster: deafCluster{st}})
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	var claims []store.Execution
	for range 2 {
		if _, err := st.RenewLease(t.Context(), "a", -time.Hour); err != nil {
			t.Fatal(err)
		}
		got, err := st.ClaimExecutions(t.Context(), "a", 1)
		if err != nil || len(got) != 1 {
			t.Fatalf("claim: %v %v", got, err)
		}
		claims = append(claims, got[0])
	}
	if _, err := st.RenewLease(t.Context(), "a", time.Hour); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{1, 0} { // the newer claim is recovered first
		if err := a.recover(t.Context(), claims[i], true); err != nil {
			t.Fatal(err)
		}
		a.drain(ex.ARN)
	}
	waitForAll(t, st.Store, []string{ex.ARN}, 5*time.Second)
}

// A message queued by a node whose clock runs ahead does not make a
// claimed execution's timers fire before they are due.
func TestClusterSkewedMessageFiresNoTimerEarly(t *testing.T) {
	t.Parallel()
	st := newHookStore()
	createMachine(t, st, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`)
	deps := Deps{Store: st, Cluster: deafCluster{st}}
	a := startEngine(t, Config{Node: "a", LeaseTTL: time.Hour, WaitScale: 0.01}, deps) // the wait lasts 36s
	b := startEngine(t, Config{Node: "b", LeaseTTL: time.Hour, WaitScale: 0.01}, deps)
	ex, err := a.StartExecution(t.Context(), StartRequest{StateMachineARN: testMachineARN})
	if err != nil {
		t.Fatal(err)
	}
	a.crash()
	// A heartbeat for no task, from a clock an hour ahead: applied as a
	// no-op, but its time is an hour after the wait's end.
	beat := interp.TaskHeartbeat{Time: time.Now().Add(time.Hour).UTC(), TaskID: 99}
	if _, err := st.Send(t.Context(), store.Message{ExecutionARN: ex.ARN, Input: interp.MarshalInput(beat)}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RenewLease(t.Context(), "a", -time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := b.claim(t.Context()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if got, _ := st.Store.GetExecution(t.Context(), ex.ARN); got.Status != interp.Running {
		t.Fatalf("%s: the wait ended 36s early", got.Status)
	}
}
