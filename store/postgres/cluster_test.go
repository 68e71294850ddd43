package postgres_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/postgres"
	"github.com/cairn-sfn/cairn/store/storetest"
)

func TestCluster(t *testing.T) {
	t.Parallel()
	storetest.RunCluster(t, func(t *testing.T) interface {
		store.Executions
		store.Cluster
	} {
		s, _ := open(t)
		return s
	})
}

// TestListenReconnects kills the listener's connection: Listen reconnects
// and signals arrive again.
func TestListenReconnects(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	defer s.Close()
	ctx := t.Context()
	signals, err := s.Listen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var killed int
	err = postgres.Pool(s).QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("killed %d listeners, %v", killed, err)
	}
	e := storetest.Exec("m", "x", time.Unix(1, 0))
	if err := s.CreateExecution(ctx, e, storetest.StepOf(e.ARN, 1, 1, 1)); err != nil {
		t.Fatal(err)
	}
	// Signals sent before the listener is back are lost: keep sending
	// until one arrives.
	timeout := time.After(20 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	want := store.Signal{Kind: store.SignalActivity, Arg: "act"}
	for i := 0; ; i++ {
		select {
		case got, ok := <-signals:
			if !ok {
				t.Fatal("signal channel closed")
			}
			if got == want {
				return
			}
		case <-tick.C:
			if err := s.PutTask(ctx, store.TaskRef{Token: fmt.Sprint("t", i), ExecutionARN: e.ARN, Activity: "act"}); err != nil {
				t.Fatal(err)
			}
		case <-timeout:
			t.Fatal("no signal after the listener's connection was killed")
		}
	}
}

// TestPurgeRemovesClusterRows: purging an ended execution removes its tasks
// and messages too, leaving the sweeper nothing.
func TestPurgeRemovesClusterRows(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	defer s.Close()
	ctx := t.Context()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var keep string
	for _, name := range []string{"gone", "kept"} {
		e := storetest.Exec("m", name, t0)
		if err := s.CreateExecution(ctx, e, storetest.StepOf(e.ARN, 1, 1, 1)); err != nil {
			t.Fatal(err)
		}
		if err := s.PutTask(ctx, store.TaskRef{Token: name, ExecutionARN: e.ARN}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Send(ctx, store.Message{ExecutionARN: e.ARN, Input: []byte(`{}`)}, false); err != nil {
			t.Fatal(err)
		}
		if name == "kept" {
			keep = e.ARN
			continue
		}
		end := storetest.StepOf(e.ARN, 2, 2, 1)
		end.Status, end.StopDate = "ABORTED", t0.Add(time.Second)
		if errs, err := s.CommitSteps(ctx, []store.Step{end}); err != nil || errs[0] != nil {
			t.Fatal(errs, err)
		}
	}
	if n, err := s.PurgeExecutions(ctx, t0.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("purge: %d, %v", n, err)
	}
	if n, err := s.Sweep(ctx); err != nil || n != 0 {
		t.Fatalf("sweep after purge: %d rows, %v; want 0", n, err)
	}
	if _, err := s.Task(ctx, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("task of the purged execution: %v", err)
	}
	if _, err := s.Task(ctx, "kept"); err != nil {
		t.Fatalf("task of the running execution: %v", err)
	}
	if m, err := s.Inbox(ctx, "", keep); err != nil || len(m) != 1 {
		t.Fatalf("inbox of the running execution: %v %v", m, err)
	}
}

// TestClaimAcrossStores: two stores on one database (two processes) claim
// the same expired executions at once; each execution goes to one.
func TestClaimAcrossStores(t *testing.T) {
	t.Parallel()
	a, cs := open(t)
	defer a.Close()
	b, err := postgres.Open(t.Context(), cs)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := t.Context()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const execs = 30
	for i := range execs {
		e := storetest.Exec("m", fmt.Sprint("e", i), t0)
		e.Lease = store.Lease{Node: "dead", Until: t0, Fence: 1}
		if err := a.CreateExecution(ctx, e, storetest.StepOf(e.ARN, 1, 1, 1)); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	owner := map[string]string{}
	var wg sync.WaitGroup
	for i, s := range []*postgres.Store{a, b, a, b} {
		node := fmt.Sprint("n", i)
		wg.Go(func() {
			for {
				got, err := s.ClaimExecutions(ctx, node, t0.Add(time.Second), t0.Add(time.Hour), 2)
				if err != nil || len(got) == 0 {
					if err != nil {
						t.Error(err)
					}
					return
				}
				mu.Lock()
				for _, e := range got {
					if prev, ok := owner[e.ARN]; ok {
						t.Errorf("%s claimed by %s and %s", e.ARN, prev, node)
					}
					owner[e.ARN] = node
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(owner) != execs {
		t.Fatalf("%d of %d claimed", len(owner), execs)
	}
}

// TestCloseEndsListeners: closing the store closes its listeners' channels
// though their contexts go on.
func TestCloseEndsListeners(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	signals, err := s.Listen(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-signals:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("listener still open after Close")
		}
	}
}

// TestAnswerByTokenAlone: an answer sent with only its token is queued for
// the execution the token's task belongs to.
func TestAnswerByTokenAlone(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	defer s.Close()
	ctx := t.Context()
	e := storetest.Exec("m", "x", time.Unix(1, 0))
	e.Lease = store.Lease{Node: "n1", Until: time.Unix(100, 0), Fence: 1}
	if err := s.CreateExecution(ctx, e, storetest.StepOf(e.ARN, 1, 1, 1)); err != nil {
		t.Fatal(err)
	}
	task := store.TaskRef{Token: "tok", ExecutionARN: e.ARN, TaskID: 7}
	if err := s.PutTask(ctx, task); err != nil {
		t.Fatal(err)
	}
	got, err := s.Send(ctx, store.Message{Input: []byte(`{"ok":1}`), Token: "tok"}, true)
	if err != nil || got != task {
		t.Fatalf("answer: %+v, %v", got, err)
	}
	inbox, err := s.Inbox(ctx, "n1", "")
	if err != nil || len(inbox) != 1 || inbox[0].ExecutionARN != e.ARN || inbox[0].Token != "tok" || string(inbox[0].Input) != `{"ok":1}` {
		t.Fatalf("inbox: %+v, %v", inbox, err)
	}
}
