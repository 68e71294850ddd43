package postgres_test

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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
// the executions of a node that never registered at once; each execution
// goes to one.
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
		e.Lease = store.Lease{Node: "dead", Fence: 1}
		if err := a.CreateExecution(ctx, e, storetest.StepOf(e.ARN, 1, 1, 1)); err != nil {
			t.Fatal(err)
		}
	}
	stores := []*postgres.Store{a, b, a, b}
	for i, s := range stores {
		if _, err := s.RenewLease(ctx, fmt.Sprint("n", i), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	owner := map[string]string{}
	var wg sync.WaitGroup
	for i, s := range stores {
		node := fmt.Sprint("n", i)
		wg.Go(func() {
			for {
				got, err := s.ClaimExecutions(ctx, node, 2)
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
	e.Lease = store.Lease{Node: "n1", Fence: 1}
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

// TestClaimAndRenewalSerialise: a claim locks the row of the lapsed node
// it takes from, so the node's renewal waits for it and then reports its
// lease lost; a renewal in progress makes a claim wait and then find the
// node live.
func TestClaimAndRenewalSerialise(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	defer s.Close()
	ctx := t.Context()
	pool := postgres.Pool(s)
	for _, name := range []string{"a", "b"} {
		e := storetest.Exec("m", name, time.Unix(1, 0))
		e.Lease = store.Lease{Node: "n1", Fence: 1}
		if err := s.CreateExecution(ctx, e, storetest.StepOf(e.ARN, 1, 1, 1)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		node string
		ttl  time.Duration
	}{{"n1", -time.Second}, {"n2", time.Minute}} {
		if _, err := s.RenewLease(ctx, c.node, c.ttl); err != nil {
			t.Fatal(err)
		}
	}
	// waitsFor runs first in a transaction, then second, which must wait
	// until the transaction commits.
	waitsFor := func(first func(pgx.Tx) error, second func()) {
		t.Helper()
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if err := first(tx); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			second()
		}()
		select {
		case <-done:
			t.Fatal("did not wait for the transaction")
		case <-time.After(100 * time.Millisecond):
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		<-done
	}

	// A renewal (n1 comes back) in progress: the claim waits, then finds
	// n1 live.
	var claimed []store.Execution
	var claimErr error
	waitsFor(func(tx pgx.Tx) error {
		var kept bool
		return tx.QueryRow(ctx, postgres.RenewSQL, "n1", int64(time.Minute)).Scan(&kept)
	}, func() { claimed, claimErr = s.ClaimExecutions(ctx, "n2", 1) })
	if claimErr != nil || len(claimed) != 0 {
		t.Fatalf("claim behind a renewal: %v, %d executions", claimErr, len(claimed))
	}

	// A claim of a lapsed node's execution in progress: the node's
	// renewal waits, then reports its lease lost.
	if _, err := s.RenewLease(ctx, "n1", -time.Second); err != nil {
		t.Fatal(err)
	}
	var kept bool
	var renewErr error
	waitsFor(func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, postgres.ClaimSQL, "n2", 1)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			n++
		}
		if n != 1 {
			return fmt.Errorf("claimed %d, %v", n, rows.Err())
		}
		return rows.Err()
	}, func() { kept, renewErr = s.RenewLease(ctx, "n1", time.Minute) })
	if renewErr != nil || kept {
		t.Fatalf("renewal behind a claim: kept %v, %v", kept, renewErr)
	}
	if held, err := s.HeldExecutions(ctx, "n1"); err != nil || len(held) != 1 {
		t.Fatalf("n1 holds %v, %v; want one execution", held, err)
	}
}

// TestNoNodeName: a node with no name would stand for released
// executions.
func TestNoNodeName(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	defer s.Close()
	ctx := t.Context()
	for name, call := range map[string]func() error{
		"renew":   func() error { _, err := s.RenewLease(ctx, "", time.Minute); return err },
		"held":    func() error { _, err := s.HeldExecutions(ctx, ""); return err },
		"claim":   func() error { _, err := s.ClaimExecutions(ctx, "", 1); return err },
		"release": func() error { return s.ReleaseLeases(ctx, "", nil) },
	} {
		if err := call(); err == nil {
			t.Errorf("%s with no node name: no error", name)
		}
	}
}

// TestLongestLease: a lease of the longest duration is cut short rather
// than overflowing.
func TestLongestLease(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	defer s.Close()
	for i, want := range []bool{false, true} {
		if kept, err := s.RenewLease(t.Context(), "n1", time.Duration(math.MaxInt64)); err != nil || kept != want {
			t.Fatalf("renewal %d: kept %v, %v; want %v", i, kept, err, want)
		}
	}
}
