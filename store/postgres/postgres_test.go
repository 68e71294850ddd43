package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/postgres"
	"github.com/cairn-sfn/cairn/store/postgres/pgtest"
	"github.com/cairn-sfn/cairn/store/storetest"
)

// pg is the server every test of the package shares, each test in its own
// database.
var pg *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &pg, pgtest.Options{})) }

// open opens a store on a new database of the test's.
func open(t testing.TB) (*postgres.Store, string) {
	t.Helper()
	cs := pg.Database(t)
	s, err := postgres.Open(t.Context(), cs)
	if err != nil {
		t.Fatal(err)
	}
	return s, cs
}

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Resources {
		s, _ := open(t)
		return s
	})
}

func TestExecutions(t *testing.T) {
	t.Parallel()
	storetest.RunExecutions(t, func(t *testing.T) store.Executions {
		s, _ := open(t)
		return s
	})
}

// TestConcurrentOpenMigratesOnce opens one empty database from several
// stores at once: the advisory lock lets exactly one migrate, and all of
// them work.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	t.Parallel()
	cs := pg.Database(t)
	ctx := t.Context()
	const n = 6
	stores := make([]*postgres.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = postgres.Open(ctx, cs) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	for i, s := range stores {
		v, err := s.SchemaVersion(ctx)
		if err != nil || v != 3 {
			t.Fatalf("store %d: schema version %d, %v; want 3", i, v, err)
		}
	}
	// Each store sees what another wrote.
	e := storetest.Exec("m", "x", time.Unix(1, 0))
	if err := stores[0].CreateExecution(ctx, e, storetest.StepOf(e.ARN, 1, 1, 1)); err != nil {
		t.Fatal(err)
	}
	for i, s := range stores {
		if got, err := s.GetExecution(ctx, e.ARN); err != nil || got.Version != 1 {
			t.Fatalf("store %d: %+v, %v", i, got, err)
		}
	}
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	t.Parallel()
	s, cs := open(t)
	ctx := t.Context()
	sm := store.StateMachine{ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:p", Name: "p", Type: "STANDARD", Status: "ACTIVE"}
	if err := s.CreateStateMachine(ctx, sm, []store.Tag{{Key: "k", Value: "v"}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.PublishVersion(ctx, store.PublishRequest{StateMachineARN: sm.ARN}); err != nil {
		t.Fatal(err)
	}
	e := storetest.Exec("m", "x", time.Unix(1, 0))
	if err := s.CreateExecution(ctx, e, storetest.StepOf(e.ARN, 1, 1, 3)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := postgres.Open(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v != 3 {
		t.Fatalf("schema version = %d, %v; want 3", v, err)
	}
	if _, err := s.GetVersion(ctx, sm.ARN+":1"); err != nil {
		t.Fatalf("version lost on reopen: %v", err)
	}
	if tags, err := s.ListTags(ctx, sm.ARN); err != nil || len(tags) != 1 {
		t.Fatalf("tags lost on reopen: %v %v", tags, err)
	}
	if evs, err := s.History(ctx, e.ARN, 0, 0, false); err != nil || len(evs) != 3 {
		t.Fatalf("history lost on reopen: %d events, %v", len(evs), err)
	}
}

// TestCommitAfterContextEnds: a step whose caller's context is already done
// is refused before it is queued.
func TestCommitAfterContextEnds(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	defer s.Close()
	e := storetest.Exec("m", "x", time.Unix(1, 0))
	if err := s.CreateExecution(t.Context(), e, storetest.StepOf(e.ARN, 1, 1, 1)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.CommitSteps(ctx, []store.Step{storetest.StepOf(e.ARN, 2, 2, 1)}); !errors.Is(err, context.Canceled) {
		t.Fatalf("commit with ended context: %v", err)
	}
	if got, _ := s.GetExecution(t.Context(), e.ARN); got.Version != 1 {
		t.Fatalf("version %d after refused commit", got.Version)
	}
}

// TestGroupCommitBatches: steps committed from many goroutines at once
// share transactions.
func TestGroupCommitBatches(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	defer s.Close()
	ctx := t.Context()
	const writers, steps = 32, 8
	t0 := time.Unix(1, 0)
	for i := range writers {
		e := storetest.Exec("m", fmt.Sprintf("g%d", i), t0)
		if err := s.CreateExecution(ctx, e, storetest.StepOf(e.ARN, 1, 1, 1)); err != nil {
			t.Fatal(err)
		}
	}
	before := postgres.Batches(s)
	var wg sync.WaitGroup
	for i := range writers {
		arn := storetest.Exec("m", fmt.Sprintf("g%d", i), t0).ARN
		wg.Go(func() {
			for v := int64(2); v <= steps+1; v++ {
				errs, err := s.CommitSteps(ctx, []store.Step{storetest.StepOf(arn, v, v, 1)})
				if err != nil || errs[0] != nil {
					t.Errorf("%s step %d: %v %v", arn, v, errs, err)
					return
				}
			}
		})
	}
	wg.Wait()
	n := postgres.Batches(s) - before
	if n >= writers*steps {
		t.Fatalf("%d steps took %d transactions: no group commit", writers*steps, n)
	}
	t.Logf("%d steps in %d transactions", writers*steps, n)
}

// TestCloseWhileCommitting closes the store while goroutines commit: every
// commit that returned success is there after reopening, every other one
// failed cleanly, and the chains go on from where they stopped.
func TestCloseWhileCommitting(t *testing.T) {
	t.Parallel()
	s, cs := open(t)
	ctx := t.Context()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	const n = 8
	done := make([]int64, n) // last version each goroutine saw committed
	var wg sync.WaitGroup
	started := make(chan struct{}, n)
	for i := range n {
		e := storetest.Exec("m", fmt.Sprintf("e%d", i), t0)
		if err := s.CreateExecution(ctx, e, storetest.StepOf(e.ARN, 1, 1, 1)); err != nil {
			t.Fatal(err)
		}
		done[i] = 1
		wg.Go(func() {
			for v := int64(2); ; v++ {
				errs, err := s.CommitSteps(ctx, []store.Step{storetest.StepOf(e.ARN, v, v, 1)})
				if err != nil {
					return // closed
				}
				if errs[0] != nil {
					t.Errorf("%s step %d: %v", e.ARN, v, errs[0])
					return
				}
				done[i] = v
				if v == 3 {
					started <- struct{}{}
				}
			}
		})
	}
	for range n {
		<-started
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if _, err := s.CommitSteps(ctx, []store.Step{storetest.StepOf(storetest.Exec("m", "e0", t0).ARN, 99, 99, 1)}); err == nil {
		t.Fatal("commit after Close succeeded")
	}
	s, err := postgres.Open(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range n {
		arn := storetest.Exec("m", fmt.Sprintf("e%d", i), t0).ARN
		got, err := s.GetExecution(ctx, arn)
		if err != nil || got.Version != done[i] {
			t.Fatalf("%s after reopen: version %d, %v; want %d", arn, got.Version, err, done[i])
		}
		errs, err := s.CommitSteps(ctx, []store.Step{storetest.StepOf(arn, done[i]+1, done[i]+1, 1)})
		if err != nil || errs[0] != nil {
			t.Fatalf("commit after reopen: %v %v", errs, err)
		}
	}
}

// TestTwoStoresShareExecutions: two stores on one database (as two
// processes would be) race to commit every version of the same
// executions, several executions per call: exactly one step wins each
// version, and every chain is whole.
func TestTwoStoresShareExecutions(t *testing.T) {
	t.Parallel()
	a, cs := open(t)
	defer a.Close()
	b, err := postgres.Open(t.Context(), cs)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := t.Context()
	const execs, versions = 6, 10
	var arns []string
	for i := range execs {
		e := storetest.Exec("m", fmt.Sprintf("s%d", i), time.Unix(1, 0))
		arns = append(arns, e.ARN)
		if err := a.CreateExecution(ctx, e, storetest.StepOf(e.ARN, 1, 1, 2)); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	wins := map[string]int{}
	var wg sync.WaitGroup
	for w, s := range []*postgres.Store{a, b, a, b} {
		wg.Go(func() {
			for v := int64(2); v <= versions; v++ {
				steps := make([]store.Step, execs)
				for i := range execs {
					// Writers list the executions in opposite orders.
					arn := arns[i]
					if w%2 == 1 {
						arn = arns[execs-1-i]
					}
					steps[i] = storetest.StepOf(arn, v, 2*v-1, 2)
				}
				errs, err := s.CommitSteps(ctx, steps)
				if err != nil {
					t.Error(err)
					return
				}
				for i, err := range errs {
					switch {
					case err == nil:
						mu.Lock()
						wins[fmt.Sprint(steps[i].ExecutionARN, steps[i].Version)]++
						mu.Unlock()
					case !errors.Is(err, store.ErrStaleVersion):
						t.Errorf("%s v%d: %v", steps[i].ExecutionARN, v, err)
					}
				}
			}
		})
	}
	wg.Wait()
	for _, arn := range arns {
		for v := int64(2); v <= versions; v++ {
			if n := wins[fmt.Sprint(arn, v)]; n != 1 {
				t.Errorf("%s v%d: %d winners", arn, v, n)
			}
		}
		for _, s := range []*postgres.Store{a, b} {
			e, err := s.GetExecution(ctx, arn)
			if err != nil || e.Version != versions {
				t.Fatalf("%s: version %d, %v", arn, e.Version, err)
			}
			evs, err := s.History(ctx, arn, 0, 0, false)
			if err != nil || len(evs) != 2*versions {
				t.Fatalf("%s: %d events, %v", arn, len(evs), err)
			}
		}
	}
}
