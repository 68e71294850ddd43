package storetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store"
)

// clusterStore is what RunCluster tests.
type clusterStore = interface {
	store.Executions
	store.Cluster
}

// signalTimeout bounds how long the suite waits for a signal that must
// come.
const signalTimeout = 10 * time.Second

// RunCluster runs the store.Cluster suite. newStore returns an empty store;
// the suite closes it when it is an io.Closer. Several goroutines using one
// store with different node names stand for several nodes.
func RunCluster(t *testing.T, newStore func(t *testing.T) interface {
	store.Executions
	store.Cluster
}) {
	setup := func(t *testing.T) (clusterStore, context.Context) {
		t.Helper()
		t.Parallel()
		s := newStore(t)
		if c, ok := s.(io.Closer); ok {
			t.Cleanup(func() { c.Close() })
		}
		return s, t.Context()
	}
	t0 := time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.UTC)
	lease := func(node string, fence int64) store.Lease { return store.Lease{Node: node, Fence: fence} }

	t.Run("CreateWithLease", func(t *testing.T) {
		s, ctx := setup(t)
		a := createLeased(t, s, "a", t0, lease("n1", 7))
		b := createLeased(t, s, "b", t0.Add(time.Second), store.Lease{})
		got, err := s.GetExecution(ctx, a.ARN)
		if err != nil || DiffExecution(got, a) != "" {
			t.Fatalf("get: %v %s", err, DiffExecution(got, a))
		}
		if got, err := s.GetExecution(ctx, b.ARN); err != nil || got.Lease != (store.Lease{}) {
			t.Fatalf("get unleased: %+v %v", got.Lease, err)
		}
		running, err := s.RunningExecutions(ctx)
		if err != nil || len(running) != 2 || DiffExecution(running[0], a) != "" || DiffExecution(running[1], b) != "" {
			t.Fatalf("running: %v %+v", err, running)
		}
		list, _, err := s.ListExecutions(ctx, store.ExecutionFilter{StateMachineARN: a.StateMachineARN}, store.Page{})
		if err != nil || len(list) != 2 || DiffExecution(list[1], a) != "" {
			t.Fatalf("list: %v %+v", err, list)
		}
	})

	// Renew relies on a ttl of 0 or less giving a lease that has lapsed at
	// once, and on a lease of a minute outliving the test.
	t.Run("Renew", func(t *testing.T) {
		s, _ := setup(t)
		for i, c := range []struct {
			node string
			ttl  time.Duration
			kept bool
		}{
			{"n1", time.Minute, false}, // new
			{"n1", time.Minute, true},
			{"n2", -time.Second, false}, // new, and lapsed at once
			{"n1", -time.Second, true},  // n1's lease was running
			{"n1", time.Minute, false},  // it had lapsed
			{"n2", time.Minute, false},
			{"n2", time.Minute, true},
			{"n1", 0, true},
		} {
			if kept, err := s.RenewLease(t.Context(), c.node, c.ttl); err != nil || kept != c.kept {
				t.Fatalf("renewal %d of %s for %v: kept %v, %v; want %v", i, c.node, c.ttl, kept, err, c.kept)
			}
		}
		// A lease lapses with time too.
		checkRenew(t, s, "n3", 20*time.Millisecond, false)
		time.Sleep(60 * time.Millisecond)
		checkRenew(t, s, "n3", time.Minute, false)
	})

	t.Run("Held", func(t *testing.T) {
		s, ctx := setup(t)
		a := createLeased(t, s, "a", t0, lease("n1", 1))
		b := createLeased(t, s, "b", t0, lease("n1", 5))
		c := createLeased(t, s, "c", t0, lease("n2", 1))
		createLeased(t, s, "free", t0, store.Lease{})
		endedExec(t, s, "d", t0, lease("n1", 1))
		// Holding does not depend on the node's lease: it lasts until
		// another node claims.
		checkRenew(t, s, "n2", -time.Second, false)
		checkHeld(t, s, "n1", map[string]int64{a.ARN: 1, b.ARN: 5})
		checkHeld(t, s, "n2", map[string]int64{c.ARN: 1})
		checkHeld(t, s, "n3", map[string]int64{})
		checkRenew(t, s, "n3", time.Minute, false)
		if got, err := s.ClaimExecutions(ctx, "n3", 10); err != nil || len(got) != 4 {
			t.Fatalf("claim: %v %d", err, len(got))
		}
		checkHeld(t, s, "n1", map[string]int64{})
		checkHeld(t, s, "n3", map[string]int64{a.ARN: 2, b.ARN: 6, c.ARN: 2, prefix + "execution:c:free": 1})
	})

	t.Run("RedriveLeases", func(t *testing.T) {
		s, ctx := setup(t)
		endedExec(t, s, "d", t0, lease("n1", 3))
		arn := prefix + "execution:c:d"
		commit := func(st store.Step) error {
			errs, err := s.CommitSteps(ctx, []store.Step{st})
			if err != nil {
				return err
			}
			return errs[0]
		}
		st := StepOf(arn, 2, 2, 1)
		st.Redrive, st.Status, st.RedriveNode, st.Fence = true, "RUNNING", "n2", 2
		if err := commit(st); !errors.Is(err, store.ErrStaleVersion) {
			t.Fatalf("redrive with a stale fence: %v", err)
		}
		st.Fence = 3
		if err := commit(st); err != nil {
			t.Fatal(err)
		}
		if got, err := s.GetExecution(ctx, arn); err != nil || got.Lease != lease("n2", 4) || got.Status != "RUNNING" {
			t.Fatalf("after redrive: %v %+v", err, got)
		}
		checkHeld(t, s, "n2", map[string]int64{arn: 4})
		checkHeld(t, s, "n1", map[string]int64{})
		// The old fence no longer commits; the new one does.
		next := StepOf(arn, 3, 3, 1)
		next.Fence = 3
		if err := commit(next); !errors.Is(err, store.ErrStaleVersion) {
			t.Fatalf("step with the old fence: %v", err)
		}
		next.Fence = 4
		if err := commit(next); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Claim", func(t *testing.T) {
		s, ctx := setup(t)
		live := createLeased(t, s, "live", t0, lease("n1", 1))
		lapsed := createLeased(t, s, "lapsed", t0, lease("n2", 3))
		unknown := createLeased(t, s, "unknown", t0, lease("n3", 2)) // n3 never renewed
		free := createLeased(t, s, "free", t0, store.Lease{})
		endedExec(t, s, "ended", t0, lease("n2", 1))
		checkRenew(t, s, "n1", time.Minute, false)
		checkRenew(t, s, "n2", -time.Second, false)
		checkRenew(t, s, "c1", time.Minute, false)
		checkRenew(t, s, "c2", time.Minute, false)

		if got, err := s.ClaimExecutions(ctx, "c1", 0); err != nil || len(got) != 0 {
			t.Fatalf("claim of at most 0: %v %+v", err, got)
		}
		got, err := s.ClaimExecutions(ctx, "c1", 10)
		if err != nil {
			t.Fatal(err)
		}
		lapsed.Lease, unknown.Lease, free.Lease = lease("c1", 4), lease("c1", 3), lease("c1", 1)
		if d := diffClaimed(got, lapsed, unknown, free); d != "" {
			t.Fatal(d)
		}
		if e, err := s.GetExecution(ctx, lapsed.ARN); err != nil || DiffExecution(e, lapsed) != "" {
			t.Fatalf("after claim: %v %s", err, DiffExecution(e, lapsed))
		}
		if got, err := s.ClaimExecutions(ctx, "c2", 10); err != nil || len(got) != 0 {
			t.Fatalf("claim of live nodes' executions: %v %+v", err, got)
		}
		// Now n1 and c1 stop renewing; limit bounds each claim.
		checkRenew(t, s, "n1", -time.Second, true)
		checkRenew(t, s, "c1", -time.Second, true)
		var all []store.Execution
		for _, limit := range []int{1, 2, 5} {
			got, err := s.ClaimExecutions(ctx, "c2", limit)
			if err != nil || len(got) > limit || (limit < 5 && len(got) != limit) {
				t.Fatalf("claim %d: %v %d", limit, err, len(got))
			}
			all = append(all, got...)
		}
		live.Lease, lapsed.Lease, unknown.Lease, free.Lease = lease("c2", 2), lease("c2", 5), lease("c2", 4), lease("c2", 2)
		if d := diffClaimed(all, live, lapsed, unknown, free); d != "" {
			t.Fatal(d)
		}
		if got, err := s.ClaimExecutions(ctx, "c1", 10); err != nil || len(got) != 0 {
			t.Fatalf("claim with nothing free: %v %+v", err, got)
		}
	})

	t.Run("ConcurrentClaim", func(t *testing.T) {
		s, ctx := setup(t)
		const execs, nodes = 24, 4
		for i := range execs {
			createLeased(t, s, fmt.Sprintf("e%02d", i), t0, lease("dead", 1))
		}
		checkRenew(t, s, "dead", -time.Second, false)
		for n := range nodes {
			checkRenew(t, s, fmt.Sprint("n", n), time.Minute, false)
		}
		claimed := make([][]store.Execution, nodes)
		var wg sync.WaitGroup
		for n := range nodes {
			wg.Go(func() {
				for {
					got, err := s.ClaimExecutions(ctx, fmt.Sprint("n", n), 3)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					claimed[n] = append(claimed[n], got...)
				}
			})
		}
		wg.Wait()
		owner := map[string]string{}
		for n, got := range claimed {
			for _, e := range got {
				if prev, ok := owner[e.ARN]; ok {
					t.Errorf("%s claimed by %s and n%d", e.ARN, prev, n)
				}
				owner[e.ARN] = fmt.Sprint("n", n)
				if e.Lease.Node != owner[e.ARN] || e.Lease.Fence != 2 {
					t.Errorf("%s claimed by n%d with lease %+v", e.ARN, n, e.Lease)
				}
			}
		}
		if len(owner) != execs {
			t.Fatalf("%d of %d executions claimed", len(owner), execs)
		}
		for arn, node := range owner {
			if e, err := s.GetExecution(ctx, arn); err != nil || e.Lease.Node != node {
				t.Fatalf("%s: held by %q, %v; claimed by %s", arn, e.Lease.Node, err, node)
			}
		}
	})

	t.Run("Release", func(t *testing.T) {
		s, ctx := setup(t)
		signals := listen(t, s)
		a := createLeased(t, s, "a", t0, lease("n1", 1))
		b := createLeased(t, s, "b", t0, lease("n1", 1))
		c := createLeased(t, s, "c", t0, lease("n1", 1))
		d := createLeased(t, s, "d", t0, lease("n2", 1))
		checkRenew(t, s, "n1", time.Minute, false)
		checkRenew(t, s, "n2", time.Minute, false)
		// Only the node's own executions are released.
		if err := s.ReleaseLeases(ctx, "n1", []string{a.ARN, d.ARN}); err != nil {
			t.Fatal(err)
		}
		waitSignal(t, signals, store.Signal{Kind: store.SignalWork})
		checkHeld(t, s, "n1", map[string]int64{b.ARN: 1, c.ARN: 1})
		checkHeld(t, s, "n2", map[string]int64{d.ARN: 1})
		got, err := s.ClaimExecutions(ctx, "n2", 10)
		a.Lease = lease("n2", 2)
		if d := diffClaimed(got, a); err != nil || d != "" {
			t.Fatalf("claim after release: %v %s", err, d)
		}
		// Releasing some executions leaves the node's lease running.
		checkRenew(t, s, "n1", time.Minute, true)
		if err := s.ReleaseLeases(ctx, "n1", []string{}); err != nil {
			t.Fatalf("release of no executions: %v", err)
		}
		checkHeld(t, s, "n1", map[string]int64{b.ARN: 1, c.ARN: 1})

		// Releasing all: the node leaves, its executions are free at once.
		if err := s.ReleaseLeases(ctx, "n1", nil); err != nil {
			t.Fatal(err)
		}
		waitSignal(t, signals, store.Signal{Kind: store.SignalWork})
		checkHeld(t, s, "n1", map[string]int64{})
		got, err = s.ClaimExecutions(ctx, "n2", 10)
		b.Lease, c.Lease = lease("n2", 2), lease("n2", 2)
		if d := diffClaimed(got, b, c); err != nil || d != "" {
			t.Fatalf("claim after releasing all: %v %s", err, d)
		}
		checkRenew(t, s, "n1", time.Minute, false)
		// A node that leaves holding nothing leaves all the same.
		if err := s.ReleaseLeases(ctx, "n1", nil); err != nil {
			t.Fatalf("release with nothing held: %v", err)
		}
		checkRenew(t, s, "n1", time.Minute, false)
	})

	t.Run("Fence", func(t *testing.T) {
		s, ctx := setup(t)
		a := createLeased(t, s, "a", t0, lease("n1", 1))
		b := createLeased(t, s, "b", t0, lease("n1", 1))
		checkRenew(t, s, "n1", -time.Second, false)
		checkRenew(t, s, "n2", time.Minute, false)
		if got, err := s.ClaimExecutions(ctx, "n2", 10); err != nil || len(got) != 2 {
			t.Fatalf("claim: %v %d", err, len(got))
		}
		fenced := func(st store.Step, fence int64) store.Step {
			st.Fence = fence
			return st
		}
		endB := fenced(StepOf(b.ARN, 2, 2, 1), 1)
		endB.Status, endB.Error, endB.StopDate = "FAILED", "x", t0.Add(time.Minute)
		bad := fenced(StepOf(a.ARN, 3, 3, 2), 2)
		bad.Events[1].ID = 3 // the same id twice: refused, so the group is replayed step by step
		for _, tc := range []struct {
			name  string
			steps []store.Step
			want  []error // nil: commits; errBad: a plain error
			a, b  int64   // versions after
		}{
			{"stale", []store.Step{fenced(StepOf(a.ARN, 2, 2, 1), 1)}, []error{store.ErrStaleVersion}, 1, 1},
			{"current and stale", []store.Step{fenced(StepOf(a.ARN, 2, 2, 1), 2), fenced(StepOf(b.ARN, 2, 2, 1), 1)},
				[]error{nil, store.ErrStaleVersion}, 2, 1},
			{"stale end", []store.Step{endB}, []error{store.ErrStaleVersion}, 2, 1},
			{"stale beside a refused step", []store.Step{bad, fenced(StepOf(b.ARN, 2, 2, 1), 1)},
				[]error{errBad, store.ErrStaleVersion}, 2, 1},
			{"unfenced", []store.Step{StepOf(a.ARN, 3, 3, 1), fenced(StepOf(b.ARN, 2, 2, 1), 2)}, []error{nil, nil}, 3, 2},
		} {
			errs, err := s.CommitSteps(ctx, tc.steps)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			for i, want := range tc.want {
				switch {
				case want == errBad:
					if errs[i] == nil || errors.Is(errs[i], store.ErrStaleVersion) {
						t.Errorf("%s: errs[%d] = %v, want a plain error", tc.name, i, errs[i])
					}
				case want == nil && errs[i] != nil, want != nil && !errors.Is(errs[i], want):
					t.Errorf("%s: errs[%d] = %v, want %v", tc.name, i, errs[i], want)
				}
			}
			checkChain(t, s, a.ARN, tc.a, tc.a)
			checkChain(t, s, b.ARN, tc.b, tc.b)
		}
		if e, _ := s.GetExecution(ctx, b.ARN); e.Status != "RUNNING" {
			t.Fatalf("stale end step ended the execution: %s", e.Status)
		}
	})

	t.Run("Tasks", func(t *testing.T) {
		s, ctx := setup(t)
		a := createLeased(t, s, "a", t0, lease("n1", 1))
		act, act2 := prefix+"activity:work", prefix+"activity:other"
		t1 := store.TaskRef{Token: "t1", ExecutionARN: a.ARN, TaskID: 1, Activity: act, Input: `{"n":1}`}
		t2 := store.TaskRef{Token: "t2", ExecutionARN: a.ARN, TaskID: 2, Activity: act, Input: `{"n":2}`}
		t3 := store.TaskRef{Token: "t3", ExecutionARN: a.ARN, TaskID: 3, Activity: act2, Input: `{}`}
		cb := store.TaskRef{Token: "cb", ExecutionARN: a.ARN, TaskID: 4}
		for _, task := range []store.TaskRef{t1, t2, t3, cb} {
			if err := s.PutTask(ctx, task); err != nil {
				t.Fatal(err)
			}
		}
		checkTask(t, s, t1, nil)
		checkTask(t, s, cb, nil)
		checkTask(t, s, store.TaskRef{Token: "none"}, store.ErrNotFound)
		checkTake(t, s, act, t1, nil)
		// Put again (a node recovering): the task keeps its first input
		// and stays handed out.
		again := t1
		again.Input = `{"n":99}`
		if err := s.PutTask(ctx, again); err != nil {
			t.Fatal(err)
		}
		checkTask(t, s, t1, nil)
		checkTake(t, s, act, t2, nil)
		checkTake(t, s, act, store.TaskRef{}, store.ErrNotFound)
		checkTake(t, s, act2, t3, nil)
		checkTake(t, s, "", store.TaskRef{}, store.ErrNotFound) // callbacks are never handed out
		if err := s.DeleteTasks(ctx, []string{t1.Token, cb.Token, "none"}); err != nil {
			t.Fatal(err)
		}
		checkTask(t, s, t1, store.ErrNotFound)
		checkTask(t, s, cb, store.ErrNotFound)
		checkTask(t, s, t2, nil)
		if err := s.DeleteTasks(ctx, nil); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ConcurrentTake", func(t *testing.T) {
		s, ctx := setup(t)
		a := createLeased(t, s, "a", t0, lease("n1", 1))
		act := prefix + "activity:work"
		const tasks, pollers = 40, 5
		for i := range tasks {
			if err := s.PutTask(ctx, store.TaskRef{Token: fmt.Sprint("t", i), ExecutionARN: a.ARN, TaskID: int64(i), Activity: act}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		taken := map[string]int{}
		var wg sync.WaitGroup
		for range pollers {
			wg.Go(func() {
				for {
					task, err := s.TakeActivityTask(ctx, act)
					if errors.Is(err, store.ErrNotFound) {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					taken[task.Token]++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(taken) != tasks {
			t.Fatalf("%d of %d tasks taken", len(taken), tasks)
		}
		for tok, n := range taken {
			if n != 1 {
				t.Errorf("%s taken %d times", tok, n)
			}
		}
	})

	t.Run("Send", func(t *testing.T) {
		s, ctx := setup(t)
		a := createLeased(t, s, "a", t0, lease("n1", 1))
		cb := store.TaskRef{Token: "cb", ExecutionARN: a.ARN, TaskID: 3}
		if err := s.PutTask(ctx, cb); err != nil {
			t.Fatal(err)
		}
		answer := store.Message{ExecutionARN: a.ARN, Input: []byte(`{"answer":1}`), Token: cb.Token}
		const senders = 6
		results := make([]error, senders)
		refs := make([]store.TaskRef, senders)
		var wg sync.WaitGroup
		for i := range senders {
			wg.Go(func() { refs[i], results[i] = s.Send(ctx, answer, true) })
		}
		wg.Wait()
		won := 0
		for i, err := range results {
			switch {
			case err == nil:
				won++
				if refs[i] != cb {
					t.Errorf("answer returned %+v, want %+v", refs[i], cb)
				}
			case !errors.Is(err, store.ErrNotFound):
				t.Errorf("answer %d: %v", i, err)
			}
		}
		if won != 1 {
			t.Fatalf("%d answers of one token succeeded", won)
		}
		checkTask(t, s, cb, store.ErrNotFound)
		if _, err := s.Send(ctx, store.Message{ExecutionARN: a.ARN, Input: []byte(`{}`), Token: "none"}, true); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("answer of an unknown token: %v", err)
		}
		stop := store.Message{ExecutionARN: a.ARN, Input: []byte(`{"stop":true}`)}
		if ref, err := s.Send(ctx, stop, false); err != nil || ref != (store.TaskRef{}) {
			t.Fatalf("send: %+v %v", ref, err)
		}
		checkInbox(t, s, "n1", "", answer, stop)
	})

	t.Run("Inbox", func(t *testing.T) {
		s, ctx := setup(t)
		a := createLeased(t, s, "a", t0, lease("n1", 1))
		b := createLeased(t, s, "b", t0, lease("n1", 1))
		c := createLeased(t, s, "c", t0, lease("n2", 1))
		checkRenew(t, s, "n1", time.Minute, false)
		checkRenew(t, s, "n2", time.Minute, false)
		var msgs []store.Message
		for i, arn := range []string{a.ARN, c.ARN, b.ARN, a.ARN} {
			m := store.Message{ExecutionARN: arn, Input: fmt.Appendf(nil, `{"m":%d}`, i)}
			if _, err := s.Send(ctx, m, false); err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, m)
		}
		got := checkInbox(t, s, "n1", "", msgs[0], msgs[2], msgs[3])
		checkInbox(t, s, "n2", "", msgs[1])
		checkInbox(t, s, "n1", b.ARN, msgs[2])
		checkInbox(t, s, "n3", "")
		if err := s.DeleteMessages(ctx, []int64{got[0].ID, got[1].ID}); err != nil {
			t.Fatal(err)
		}
		checkInbox(t, s, "n1", "", msgs[3])
		// The messages follow the execution to its new holder.
		if err := s.ReleaseLeases(ctx, "n1", []string{a.ARN}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.ClaimExecutions(ctx, "n2", 10); err != nil || len(got) != 1 {
			t.Fatalf("claim: %v %d", err, len(got))
		}
		checkInbox(t, s, "n2", "", msgs[1], msgs[3])
		checkInbox(t, s, "n1", "")
		if err := s.DeleteMessages(ctx, nil); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Listen", func(t *testing.T) {
		s, ctx := setup(t)
		lctx, cancel := context.WithCancel(ctx)
		defer cancel()
		signals, err := s.Listen(lctx)
		if err != nil {
			t.Fatal(err)
		}
		a := createLeased(t, s, "a", t0, lease("n1", 1))
		act := prefix + "activity:work"
		if err := s.PutTask(ctx, store.TaskRef{Token: "t", ExecutionARN: a.ARN, Activity: act, Input: `{}`}); err != nil {
			t.Fatal(err)
		}
		waitSignal(t, signals, store.Signal{Kind: store.SignalActivity, Arg: act})
		if _, err := s.Send(ctx, store.Message{ExecutionARN: a.ARN, Input: []byte(`{}`)}, false); err != nil {
			t.Fatal(err)
		}
		waitSignal(t, signals, store.Signal{Kind: store.SignalInbox, Arg: "n1"})
		if err := s.ReleaseLeases(ctx, "n1", nil); err != nil {
			t.Fatal(err)
		}
		waitSignal(t, signals, store.Signal{Kind: store.SignalWork})
		cancel()
		timeout := time.After(signalTimeout)
		for {
			select {
			case _, ok := <-signals:
				if !ok {
					return
				}
			case <-timeout:
				t.Fatal("signal channel still open after its context ended")
			}
		}
	})

	t.Run("Sweep", func(t *testing.T) {
		s, ctx := setup(t)
		a := createLeased(t, s, "a", t0, lease("n1", 1))
		b := createLeased(t, s, "b", t0, lease("n1", 1))
		var ma, mb store.Message
		for _, x := range []struct {
			arn string
			m   *store.Message
		}{{a.ARN, &ma}, {b.ARN, &mb}} {
			if err := s.PutTask(ctx, store.TaskRef{Token: "t" + x.arn, ExecutionARN: x.arn, TaskID: 1}); err != nil {
				t.Fatal(err)
			}
			*x.m = store.Message{ExecutionARN: x.arn, Input: []byte(`{}`)}
			if _, err := s.Send(ctx, *x.m, false); err != nil {
				t.Fatal(err)
			}
		}
		end := StepOf(b.ARN, 2, 2, 1)
		end.Status, end.Output, end.StopDate = "SUCCEEDED", `{}`, t0.Add(time.Second)
		if errs, err := s.CommitSteps(ctx, []store.Step{end}); err != nil || errs[0] != nil {
			t.Fatal(errs, err)
		}
		// Nodes whose lease lapsed long ago are forgotten once they hold
		// nothing: "gone" (2), not "holder" (which holds a), "recent" nor
		// "live".
		checkRenew(t, s, "gone", -2*time.Hour, false)
		checkRenew(t, s, "holder", -2*time.Hour, false)
		checkRenew(t, s, "recent", -time.Second, false)
		checkRenew(t, s, "live", time.Minute, false)
		if err := s.ReleaseLeases(ctx, "n1", []string{a.ARN}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.ClaimExecutions(ctx, "holder", 1); err != nil || len(got) != 1 {
			t.Fatalf("claim: %v %d", err, len(got))
		}
		if n, err := s.Sweep(ctx); err != nil || n != 3 {
			t.Fatalf("sweep: %d, %v; want 3", n, err)
		}
		checkTask(t, s, store.TaskRef{Token: "t" + a.ARN, ExecutionARN: a.ARN, TaskID: 1}, nil)
		checkTask(t, s, store.TaskRef{Token: "t" + b.ARN}, store.ErrNotFound)
		checkInbox(t, s, "n1", a.ARN, ma)
		checkInbox(t, s, "n1", b.ARN)
		checkHeld(t, s, "holder", map[string]int64{a.ARN: 2})
		if n, err := s.Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("second sweep: %d, %v; want 0", n, err)
		}
	})
}

// errBad stands for a plain error (neither stale nor missing) in a table.
var errBad = errors.New("a plain error")

// createLeased creates a RUNNING execution of state machine "c" at version
// 1 with lease l, and returns it as GetExecution should.
func createLeased(t *testing.T, s store.Executions, name string, start time.Time, l store.Lease) store.Execution {
	t.Helper()
	e := Exec("c", name, start)
	e.Lease = l
	if err := s.CreateExecution(t.Context(), e, StepOf(e.ARN, 1, 1, 1)); err != nil {
		t.Fatal(err)
	}
	e.Version = 1
	return e
}

// endedExec creates an execution that succeeded in its first step.
func endedExec(t *testing.T, s store.Executions, name string, start time.Time, l store.Lease) {
	t.Helper()
	e := Exec("c", name, start)
	e.Lease = l
	first := StepOf(e.ARN, 1, 1, 1)
	first.Status, first.Output, first.StopDate = "SUCCEEDED", `{}`, start.Add(time.Second)
	if err := s.CreateExecution(t.Context(), e, first); err != nil {
		t.Fatal(err)
	}
}

// diffClaimed compares claimed executions with want, in any order.
func diffClaimed(got []store.Execution, want ...store.Execution) string {
	got = slices.Clone(got)
	slices.SortFunc(got, func(a, b store.Execution) int { return strings.Compare(a.ARN, b.ARN) })
	want = slices.Clone(want)
	slices.SortFunc(want, func(a, b store.Execution) int { return strings.Compare(a.ARN, b.ARN) })
	if len(got) != len(want) {
		var arns []string
		for _, e := range got {
			arns = append(arns, e.ARN)
		}
		return fmt.Sprintf("claimed %d executions %v, want %d", len(got), arns, len(want))
	}
	for i := range got {
		if d := DiffExecution(got[i], want[i]); d != "" {
			return d
		}
	}
	return ""
}

// checkRenew renews node's lease for ttl and checks what it reports.
func checkRenew(t *testing.T, s store.Cluster, node string, ttl time.Duration, kept bool) {
	t.Helper()
	got, err := s.RenewLease(t.Context(), node, ttl)
	if err != nil || got != kept {
		t.Fatalf("renew %s for %v: kept %v, %v; want %v", node, ttl, got, err, kept)
	}
}

func checkHeld(t *testing.T, s store.Cluster, node string, want map[string]int64) {
	t.Helper()
	got, err := s.HeldExecutions(t.Context(), node)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Fatalf("held by %s: %v, want %v", node, got, want)
	}
}

func checkTask(t *testing.T, s store.Cluster, want store.TaskRef, wantErr error) {
	t.Helper()
	got, err := s.Task(t.Context(), want.Token)
	if wantErr != nil {
		if !errors.Is(err, wantErr) {
			t.Fatalf("task %s: %+v, %v; want %v", want.Token, got, err, wantErr)
		}
		return
	}
	if err != nil || got != want {
		t.Fatalf("task %s: %+v, %v; want %+v", want.Token, got, err, want)
	}
}

func checkTake(t *testing.T, s store.Cluster, activity string, want store.TaskRef, wantErr error) {
	t.Helper()
	got, err := s.TakeActivityTask(t.Context(), activity)
	if wantErr != nil {
		if !errors.Is(err, wantErr) {
			t.Fatalf("take %q: %+v, %v; want %v", activity, got, err, wantErr)
		}
		return
	}
	if err != nil || got != want {
		t.Fatalf("take %q: %+v, %v; want %+v", activity, got, err, want)
	}
}

// checkInbox checks that the inbox holds want (ids aside), in order with
// increasing ids, and returns it.
func checkInbox(t *testing.T, s store.Cluster, node, arn string, want ...store.Message) []store.Message {
	t.Helper()
	got, err := s.Inbox(t.Context(), node, arn)
	if err != nil {
		t.Fatal(err)
	}
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].ExecutionARN == want[i].ExecutionARN && string(got[i].Input) == string(want[i].Input) &&
			got[i].Token == want[i].Token && (i == 0 || got[i].ID > got[i-1].ID)
	}
	if !ok {
		t.Fatalf("inbox of %q %q:\n got  %+v\n want %+v", node, arn, got, want)
	}
	return got
}

// listen subscribes for the rest of the test.
func listen(t *testing.T, s store.Cluster) <-chan store.Signal {
	t.Helper()
	ch, err := s.Listen(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// waitSignal reads signals until want arrives; others are skipped, since
// every change of the test may signal.
func waitSignal(t *testing.T, ch <-chan store.Signal, want store.Signal) {
	t.Helper()
	timeout := time.After(signalTimeout)
	for {
		select {
		case got, ok := <-ch:
			if !ok {
				t.Fatalf("signal channel closed waiting for %+v", want)
			}
			if got == want {
				return
			}
		case <-timeout:
			t.Fatalf("no signal %+v within %v", want, signalTimeout)
		}
	}
}
