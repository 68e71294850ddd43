package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/sqlite"
	"github.com/cairn-sfn/cairn/store/storetest"
)

// TestExecutionsSurviveClose closes the store while goroutines commit:
// every commit that returned success is there after reopening, every other
// one failed cleanly, and the chain goes on from where it stopped.
func TestExecutionsSurviveClose(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := t.Context()
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	const n = 8
	done := make([]int64, n) // last version each goroutine saw committed
	var wg sync.WaitGroup
	started := make(chan struct{}, n)
	for i := range n {
		e := storetest.Exec("m", fmt.Sprintf("e%d", i), t0)
		e.Seed = uint64(i) << 60
		if err := s.CreateExecution(ctx, e, storetest.StepOf(e.ARN, 1, 1, 1)); err != nil {
			t.Fatal(err)
		}
		done[i] = 1
		wg.Add(1)
		go func() {
			defer wg.Done()
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
		}()
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

	s, err = sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range n {
		want := storetest.Exec("m", fmt.Sprintf("e%d", i), t0)
		want.Seed = uint64(i) << 60
		got, err := s.GetExecution(ctx, want.ARN)
		if err != nil {
			t.Fatal(err)
		}
		want.Version = done[i]
		if d := storetest.DiffExecution(got, want); d != "" {
			t.Fatalf("after reopen: %s", d)
		}
		evs, err := s.History(ctx, want.ARN, 0, 0, false)
		if err != nil || int64(len(evs)) != done[i] {
			t.Fatalf("%s: %d events, %v; want %d", want.ARN, len(evs), err, done[i])
		}
		errs, err := s.CommitSteps(ctx, []store.Step{storetest.StepOf(want.ARN, done[i]+1, done[i]+1, 1)})
		if err != nil || errs[0] != nil {
			t.Fatalf("commit after reopen: %v %v", errs, err)
		}
	}
	running, err := s.RunningExecutions(ctx)
	if err != nil || len(running) != n {
		t.Fatalf("running after reopen: %d, %v", len(running), err)
	}
}

// TestCommitAfterContextEnds: a step whose caller's context is already done
// is refused before it is queued.
func TestCommitAfterContextEnds(t *testing.T) {
	t.Parallel()
	s, err := sqlite.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := storetest.Exec("m", "x", time.Unix(1, 0))
	if err := s.CreateExecution(t.Context(), e, storetest.StepOf(e.ARN, 1, 1, 1)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.CommitSteps(ctx, []store.Step{storetest.StepOf(e.ARN, 2, 2, 1)}); !errors.Is(err, ctx.Err()) {
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
	ctx := t.Context()
	s, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const writers, steps = 32, 8
	t0 := time.Unix(1, 0)
	for i := range writers {
		e := storetest.Exec("m", fmt.Sprintf("g%d", i), t0)
		if err := s.CreateExecution(ctx, e, storetest.StepOf(e.ARN, 1, 1, 1)); err != nil {
			t.Fatal(err)
		}
	}
	before := sqlite.Batches(s)
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
	n := sqlite.Batches(s) - before
	if n >= writers*steps {
		t.Fatalf("%d steps took %d transactions: no group commit", writers*steps, n)
	}
	t.Logf("%d steps in %d transactions", writers*steps, n)
}

// TestDurabilitySettings guards the settings the durability argument rests
// on (see Open).
func TestDurabilitySettings(t *testing.T) {
	t.Parallel()
	s, err := sqlite.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL
	} {
		if got, err := sqlite.Pragma(s, tc.pragma); err != nil || got != tc.want {
			t.Errorf("PRAGMA %s = %q, %v; want %q", tc.pragma, got, err, tc.want)
		}
	}
}
