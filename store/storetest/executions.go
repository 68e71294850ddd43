package storetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store"
)

// RunExecutions runs the store.Executions suite. newStore returns an empty
// store; the suite closes it when it is an io.Closer.
func RunExecutions(t *testing.T, newStore func(t *testing.T) store.Executions) {
	setup := func(t *testing.T) (store.Executions, context.Context) {
		t.Helper()
		t.Parallel()
		s := newStore(t)
		if c, ok := s.(io.Closer); ok {
			t.Cleanup(func() { c.Close() })
		}
		return s, t.Context()
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)

	t.Run("CreateGet", func(t *testing.T) {
		s, ctx := setup(t)
		e := Exec("m", "a", t0)
		e.VersionARN, e.AliasARN, e.TraceHeader, e.Seed, e.RedriveCount = e.StateMachineARN+":1", e.StateMachineARN+":prod", "Root=1", 1<<63+5, 2
		if err := s.CreateExecution(ctx, e, StepOf(e.ARN, 1, 1, 2)); err != nil {
			t.Fatal(err)
		}
		want := e
		want.Version = 1
		got, err := s.GetExecution(ctx, e.ARN)
		if err != nil {
			t.Fatal(err)
		}
		if d := DiffExecution(got, want); d != "" {
			t.Fatal(d)
		}
		if err := s.CreateExecution(ctx, e, StepOf(e.ARN, 1, 1, 1)); !errors.Is(err, store.ErrAlreadyExists) {
			t.Fatalf("second create: %v, want ErrAlreadyExists", err)
		}
		if _, err := s.GetExecution(ctx, e.ARN+"x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("get missing: %v, want ErrNotFound", err)
		}
		if err := s.CreateExecution(ctx, Exec("m", "b", t0), StepOf(prefix+"execution:m:b", 2, 1, 1)); !errors.Is(err, store.ErrStaleVersion) {
			t.Fatalf("create with first step version 2: %v, want ErrStaleVersion", err)
		}
		if _, err := s.GetExecution(ctx, prefix+"execution:m:b"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("failed create left a row: %v", err)
		}
		// An execution may end in its first step.
		c := Exec("m", "c", t0)
		first := StepOf(c.ARN, 1, 1, 3)
		first.Status, first.Output, first.StopDate = "SUCCEEDED", `{"ok":true}`, t0.Add(time.Second)
		if err := s.CreateExecution(ctx, c, first); err != nil {
			t.Fatal(err)
		}
		want = c
		want.Version, want.Status, want.Output, want.StopDate = 1, "SUCCEEDED", `{"ok":true}`, first.StopDate
		if got, err := s.GetExecution(ctx, c.ARN); err != nil || DiffExecution(got, want) != "" {
			t.Fatalf("ended in first step: %v %s", err, DiffExecution(got, want))
		}
	})

	t.Run("CommitChainAndFencing", func(t *testing.T) {
		s, ctx := setup(t)
		var arns []string
		for _, n := range []string{"a", "b", "c"} {
			e := Exec("m", n, t0)
			arns = append(arns, e.ARN)
			if err := s.CreateExecution(ctx, e, StepOf(e.ARN, 1, 1, 2)); err != nil {
				t.Fatal(err)
			}
		}
		a, b, c := arns[0], arns[1], arns[2]
		for v := int64(2); v <= 4; v++ {
			errs, err := s.CommitSteps(ctx, []store.Step{StepOf(a, v, 2*v-1, 2)})
			if err != nil || len(errs) != 1 || errs[0] != nil {
				t.Fatalf("commit %d: %v %v", v, errs, err)
			}
		}
		dup := StepOf(c, 2, 2, 1) // event id 2 is taken
		batch := []store.Step{
			StepOf(a, 3, 100, 1),                       // stale: a is at 4
			StepOf(b, 2, 3, 2),                         // ok
			StepOf(prefix+"execution:m:none", 1, 1, 1), // missing
			StepOf(b, 3, 5, 1),                         // ok: follows the previous step of b in the batch
			dup,                                        // duplicate event id
			StepOf(a, 5, 9, 1),                         // ok
		}
		errs, err := s.CommitSteps(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if len(errs) != len(batch) {
			t.Fatalf("got %d errs for %d steps", len(errs), len(batch))
		}
		for i, want := range []error{store.ErrStaleVersion, nil, store.ErrNotFound, nil, nil, nil} {
			if i == 4 {
				if errs[i] == nil || errors.Is(errs[i], store.ErrStaleVersion) {
					t.Errorf("duplicate event id: %v, want a plain error", errs[i])
				}
				continue
			}
			if want == nil && errs[i] != nil || want != nil && !errors.Is(errs[i], want) {
				t.Errorf("errs[%d] = %v, want %v", i, errs[i], want)
			}
		}
		for arn, v := range map[string]int64{a: 5, b: 3, c: 1} {
			e, err := s.GetExecution(ctx, arn)
			if err != nil || e.Version != v {
				t.Errorf("%s: version %d, %v; want %d", arn, e.Version, err, v)
			}
		}
		// The history and journal hold every committed step and nothing of
		// the failed ones.
		checkChain(t, s, a, 5, 9)
		checkChain(t, s, b, 3, 5)
		checkChain(t, s, c, 1, 2)
		// A step may end the execution.
		end := StepOf(a, 6, 10, 1)
		end.Status, end.Error, end.Cause, end.StopDate = "FAILED", "States.TaskFailed", "boom", t0.Add(time.Minute)
		if errs, err := s.CommitSteps(ctx, []store.Step{end}); err != nil || errs[0] != nil {
			t.Fatal(errs, err)
		}
		got, _ := s.GetExecution(ctx, a)
		if got.Status != "FAILED" || got.Error != "States.TaskFailed" || got.Cause != "boom" || !got.StopDate.Equal(end.StopDate) || got.Version != 6 {
			t.Fatalf("after end: %+v", got)
		}
		// An empty call is valid.
		if errs, err := s.CommitSteps(ctx, nil); err != nil || len(errs) != 0 {
			t.Fatalf("empty commit: %v %v", errs, err)
		}
	})

	t.Run("BadStepFailsAlone", func(t *testing.T) {
		s, ctx := setup(t)
		var arns []string
		for _, n := range []string{"a", "b", "c"} {
			e := Exec("m", n, t0)
			arns = append(arns, e.ARN)
			if err := s.CreateExecution(ctx, e, StepOf(e.ARN, 1, 1, 1)); err != nil {
				t.Fatal(err)
			}
		}
		bad := StepOf(arns[1], 2, 2, 2)
		bad.Events[1].ID = 2 // the same id twice in one step
		errs, err := s.CommitSteps(ctx, []store.Step{StepOf(arns[0], 2, 2, 1), bad, StepOf(arns[2], 2, 2, 1), StepOf(arns[1], 3, 2, 1)})
		if err != nil {
			t.Fatal(err)
		}
		if errs[0] != nil || errs[1] == nil || errors.Is(errs[1], store.ErrStaleVersion) || errs[2] != nil || !errors.Is(errs[3], store.ErrStaleVersion) {
			t.Fatalf("errs = %v", errs)
		}
		checkChain(t, s, arns[0], 2, 2)
		checkChain(t, s, arns[1], 1, 1) // nothing of the bad step
		checkChain(t, s, arns[2], 2, 2)
	})

	t.Run("History", func(t *testing.T) {
		s, ctx := setup(t)
		e := Exec("m", "h", t0)
		if err := s.CreateExecution(ctx, e, StepOf(e.ARN, 1, 1, 4)); err != nil {
			t.Fatal(err)
		}
		if errs, err := s.CommitSteps(ctx, []store.Step{StepOf(e.ARN, 2, 5, 3), StepOf(e.ARN, 3, 8, 3)}); err != nil || errs[0] != nil || errs[1] != nil {
			t.Fatal(errs, err)
		}
		for _, tc := range []struct {
			after   int64
			limit   int
			reverse bool
			want    []int64
		}{
			{0, 0, false, ids(1, 10)},
			{3, 4, false, ids(4, 7)},
			{8, 0, false, ids(9, 10)},
			{10, 0, false, nil},
			{0, 3, true, []int64{10, 9, 8}},
			{5, 0, true, []int64{4, 3, 2, 1}},
			{5, 2, true, []int64{4, 3}},
			{1, 0, true, nil},
			{0, 100, false, ids(1, 10)},
		} {
			evs, err := s.History(ctx, e.ARN, tc.after, tc.limit, tc.reverse)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, ev := range evs {
				got = append(got, ev.ID)
				if string(ev.JSON) != EventJSON(e.ARN, ev.ID) {
					t.Errorf("event %d = %s", ev.ID, ev.JSON)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("History(after %d, limit %d, reverse %v) = %v, want %v", tc.after, tc.limit, tc.reverse, got, tc.want)
			}
		}
		if _, err := s.History(ctx, e.ARN+"x", 0, 0, false); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("history of missing: %v", err)
		}
		if _, err := s.Journal(ctx, e.ARN+"x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("journal of missing: %v", err)
		}
		// What the store returns is the caller's to change.
		evs, _ := s.History(ctx, e.ARN, 0, 1, false)
		evs[0].JSON[0] = 'X'
		j, _ := s.Journal(ctx, e.ARN)
		j[0][0] = 'X'
		evs, _ = s.History(ctx, e.ARN, 0, 1, false)
		j, _ = s.Journal(ctx, e.ARN)
		if string(evs[0].JSON) != EventJSON(e.ARN, 1) || string(j[0]) != InputOf(e.ARN, 1) {
			t.Fatalf("store shares its buffers: %s %s", evs[0].JSON, j[0])
		}
	})

	t.Run("CallerBuffersNotKept", func(t *testing.T) {
		s, ctx := setup(t)
		e := Exec("m", "k", t0)
		st := StepOf(e.ARN, 1, 1, 1)
		if err := s.CreateExecution(ctx, e, st); err != nil {
			t.Fatal(err)
		}
		st.Input[0], st.Events[0].JSON[0] = 'X', 'X'
		checkChain(t, s, e.ARN, 1, 1)
	})

	t.Run("JournalEntries", func(t *testing.T) {
		s, ctx := setup(t)
		e := Exec("m", "j", t0)
		// A step without input adds no journal entry; an empty one does.
		first := StepOf(e.ARN, 1, 1, 1)
		first.Input = nil
		if err := s.CreateExecution(ctx, e, first); err != nil {
			t.Fatal(err)
		}
		empty := StepOf(e.ARN, 2, 2, 0)
		empty.Input = []byte{}
		errs, err := s.CommitSteps(ctx, []store.Step{empty, StepOf(e.ARN, 3, 2, 1)})
		if err != nil || errs[0] != nil || errs[1] != nil {
			t.Fatal(errs, err)
		}
		j, err := s.Journal(ctx, e.ARN)
		if err != nil {
			t.Fatal(err)
		}
		if len(j) != 2 || j[0] == nil || len(j[0]) != 0 || string(j[1]) != InputOf(e.ARN, 3) {
			t.Fatalf("journal = %q", j)
		}
	})

	t.Run("List", func(t *testing.T) {
		s, ctx := setup(t)
		m := prefix + "stateMachine:m"
		var all []store.Execution
		for i := range 9 {
			e := Exec("m", fmt.Sprintf("e%d", i), t0.Add(time.Duration(i/3)*time.Second)) // three per instant
			if i%2 == 0 {
				e.VersionARN = m + ":1"
			}
			if i%3 == 0 {
				e.AliasARN = m + ":prod"
			}
			first := StepOf(e.ARN, 1, 1, 1)
			if i%4 == 0 {
				first.Status, first.StopDate = "SUCCEEDED", t0.Add(time.Hour)
			}
			if err := s.CreateExecution(ctx, e, first); err != nil {
				t.Fatal(err)
			}
			all = append(all, e)
		}
		other := Exec("n", "other", t0.Add(time.Hour))
		if err := s.CreateExecution(ctx, other, StepOf(other.ARN, 1, 1, 1)); err != nil {
			t.Fatal(err)
		}
		// Newest first, then by ARN.
		order := []string{"e6", "e7", "e8", "e3", "e4", "e5", "e0", "e1", "e2"}
		names := func(es []store.Execution) []string {
			var out []string
			for _, e := range es {
				out = append(out, e.Name)
			}
			return out
		}
		pick := func(keep func(i int) bool) []string {
			var out []string
			for _, n := range order {
				i, _ := strconv.Atoi(n[1:])
				if keep(i) {
					out = append(out, n)
				}
			}
			return out
		}
		for _, tc := range []struct {
			name string
			f    store.ExecutionFilter
			want []string
		}{
			{"all", store.ExecutionFilter{StateMachineARN: m}, order},
			{"version", store.ExecutionFilter{StateMachineARN: m, VersionARN: m + ":1"}, pick(func(i int) bool { return i%2 == 0 })},
			{"alias", store.ExecutionFilter{StateMachineARN: m, AliasARN: m + ":prod"}, pick(func(i int) bool { return i%3 == 0 })},
			{"succeeded", store.ExecutionFilter{StateMachineARN: m, Status: "SUCCEEDED"}, pick(func(i int) bool { return i%4 == 0 })},
			{"running", store.ExecutionFilter{StateMachineARN: m, Status: "RUNNING"}, pick(func(i int) bool { return i%4 != 0 })},
			{"version and running", store.ExecutionFilter{StateMachineARN: m, VersionARN: m + ":1", Status: "RUNNING"}, pick(func(i int) bool { return i%2 == 0 && i%4 != 0 })},
			{"other machine", store.ExecutionFilter{StateMachineARN: other.StateMachineARN}, []string{"other"}},
			{"unknown machine", store.ExecutionFilter{StateMachineARN: m + "x"}, nil},
		} {
			for _, limit := range []int{0, 1, 2, 4, 100} {
				var got []string
				after := ""
				for pages := 0; ; pages++ {
					if pages > 20 {
						t.Fatalf("%s: pagination does not end", tc.name)
					}
					es, next, err := s.ListExecutions(ctx, tc.f, store.Page{After: after, Limit: limit})
					if err != nil {
						t.Fatal(err)
					}
					if limit > 0 && len(es) > limit {
						t.Fatalf("%s: page of %d over limit %d", tc.name, len(es), limit)
					}
					got = append(got, names(es)...)
					if next == "" {
						break
					}
					after = next
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("%s, limit %d: %v, want %v", tc.name, limit, got, tc.want)
				}
			}
		}
		es, _, err := s.ListExecutions(ctx, store.ExecutionFilter{StateMachineARN: m}, store.Page{Limit: 1})
		if err != nil || len(es) != 1 || DiffExecution(es[0], withVersion(all[6], 1)) != "" {
			t.Fatalf("listed row: %v %s", err, DiffExecution(es[0], withVersion(all[6], 1)))
		}
		if _, _, err := s.ListExecutions(ctx, store.ExecutionFilter{StateMachineARN: m}, store.Page{After: "not a cursor"}); !errors.Is(err, store.ErrBadCursor) {
			t.Fatalf("bad cursor: %v, want ErrBadCursor", err)
		}
	})

	t.Run("RunningAndPurge", func(t *testing.T) {
		s, ctx := setup(t)
		for i := range 6 {
			e := Exec("m", fmt.Sprintf("p%d", i), t0.Add(time.Duration(i)*time.Second))
			first := StepOf(e.ARN, 1, 1, 2)
			if i%2 == 1 { // p1, p3, p5 end at t0+1h, +3h, +5h
				first.Status, first.Output, first.StopDate = "SUCCEEDED", "{}", t0.Add(time.Duration(i)*time.Hour)
			}
			if err := s.CreateExecution(ctx, e, first); err != nil {
				t.Fatal(err)
			}
		}
		running, err := s.RunningExecutions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range running {
			got = append(got, e.Name)
		}
		slices.Sort(got)
		if !slices.Equal(got, []string{"p0", "p2", "p4"}) {
			t.Fatalf("running = %v", got)
		}
		n, err := s.PurgeExecutions(ctx, t0.Add(4*time.Hour))
		if err != nil || n != 2 {
			t.Fatalf("purge = %d, %v; want 2", n, err)
		}
		for i := range 6 {
			arn := prefix + fmt.Sprintf("execution:m:p%d", i)
			_, err := s.GetExecution(ctx, arn)
			_, herr := s.History(ctx, arn, 0, 0, false)
			_, jerr := s.Journal(ctx, arn)
			purged := i == 1 || i == 3
			for _, err := range []error{err, herr, jerr} {
				if purged != errors.Is(err, store.ErrNotFound) {
					t.Errorf("p%d (purged %v): %v", i, purged, err)
				}
			}
		}
		if n, err := s.PurgeExecutions(ctx, t0.Add(4*time.Hour)); err != nil || n != 0 {
			t.Fatalf("second purge = %d, %v", n, err)
		}
		// A purged name can be used again.
		e := Exec("m", "p1", t0)
		if err := s.CreateExecution(ctx, e, StepOf(e.ARN, 1, 1, 1)); err != nil {
			t.Fatalf("reuse purged ARN: %v", err)
		}
		checkChain(t, s, e.ARN, 1, 1)
	})

	t.Run("Redrive", func(t *testing.T) {
		s, ctx := setup(t)
		e := Exec("m", "r", t0)
		first := StepOf(e.ARN, 1, 1, 2)
		first.Status, first.Error, first.Cause, first.StopDate = "FAILED", "Boom", "bad", t0.Add(time.Second)
		if err := s.CreateExecution(ctx, e, first); err != nil {
			t.Fatal(err)
		}
		commit := func(st store.Step) error {
			errs, err := s.CommitSteps(ctx, []store.Step{st})
			if err != nil {
				return err
			}
			return errs[0]
		}
		stale := StepOf(e.ARN, 3, 3, 1)
		stale.Redrive, stale.Status = true, "RUNNING"
		if err := commit(stale); !errors.Is(err, store.ErrStaleVersion) {
			t.Fatalf("redrive at the wrong version: %v, want ErrStaleVersion", err)
		}
		steps := []struct {
			redrive                        bool
			status, errName, cause, output string
			stop                           time.Time
			want                           store.Execution
		}{
			// Reopened: RUNNING again, the failure forgotten.
			{redrive: true, status: "RUNNING"},
			{status: "RUNNING"},
			{status: "TIMED_OUT", errName: "States.Timeout", stop: t0.Add(time.Hour)},
			// Reopened and ended in the same step.
			{redrive: true, status: "FAILED", errName: "Again", cause: "c", stop: t0.Add(2 * time.Hour)},
			{redrive: true, status: "RUNNING"},
			{status: "SUCCEEDED", output: `{"ok":1}`, stop: t0.Add(3 * time.Hour)},
		}
		redrives := 0
		for i, tc := range steps {
			v := int64(i + 2)
			st := StepOf(e.ARN, v, v+1, 1)
			st.Redrive, st.Status, st.Error, st.Cause, st.Output, st.StopDate = tc.redrive, tc.status, tc.errName, tc.cause, tc.output, tc.stop
			if err := commit(st); err != nil {
				t.Fatalf("step %d: %v", v, err)
			}
			if tc.redrive {
				redrives++
			}
			want := e
			want.Version, want.RedriveCount, want.Status = v, redrives, tc.status
			want.Error, want.Cause, want.Output, want.StopDate = tc.errName, tc.cause, tc.output, tc.stop
			if tc.status == "RUNNING" && !tc.redrive {
				want.Error, want.Cause, want.Output, want.StopDate = "", "", "", time.Time{}
			}
			got, err := s.GetExecution(ctx, e.ARN)
			if err != nil {
				t.Fatal(err)
			}
			if d := DiffExecution(got, want); d != "" {
				t.Fatalf("after step %d: %s", v, d)
			}
			running, err := s.RunningExecutions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if (len(running) == 1) != (tc.status == "RUNNING") {
				t.Fatalf("after step %d (%s): %d running", v, tc.status, len(running))
			}
		}
		checkChain(t, s, e.ARN, int64(len(steps)+1), int64(len(steps)+2))

		other := Exec("m", "plain", t0.Add(time.Second))
		if err := s.CreateExecution(ctx, other, StepOf(other.ARN, 1, 1, 1)); err != nil {
			t.Fatal(err)
		}
		for filter, want := range map[string][]string{"": {"plain", "r"}, "REDRIVEN": {"r"}, "NOT_REDRIVEN": {"plain"}} {
			list, _, err := s.ListExecutions(ctx, store.ExecutionFilter{StateMachineARN: e.StateMachineARN, RedriveFilter: filter}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range list {
				got = append(got, x.Name)
			}
			if !slices.Equal(got, want) {
				t.Errorf("list with redrive filter %q: %v, want %v", filter, got, want)
			}
		}
	})

	t.Run("ConcurrentCreates", func(t *testing.T) {
		// Many creations at once (a backend may write them in one
		// statement), some ending in their first step, and three racing
		// for one name: exactly one of those wins.
		s, ctx := setup(t)
		const n, racers = 40, 3
		var wg sync.WaitGroup
		errs := make([]error, n+racers)
		want := make([]store.Execution, n)
		for i := range n {
			e := Exec("m", fmt.Sprintf("cc%02d", i), t0.Add(time.Duration(i)*time.Millisecond))
			e.Seed, e.Input = uint64(i), fmt.Sprintf(`{"i":%d}`, i)
			first := StepOf(e.ARN, 1, 1, 1+i%3)
			want[i] = withVersion(e, 1)
			if i%4 == 0 {
				first.Status, first.Output, first.StopDate = "SUCCEEDED", fmt.Sprintf(`{"done":%d}`, i), t0.Add(time.Hour)
				want[i].Status, want[i].Output, want[i].StopDate = first.Status, first.Output, first.StopDate
			}
			wg.Go(func() { errs[i] = s.CreateExecution(ctx, e, first) })
		}
		dup := Exec("m", "dup", t0)
		for r := range racers {
			wg.Go(func() { errs[n+r] = s.CreateExecution(ctx, dup, StepOf(dup.ARN, 1, 1, 2)) })
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("create %d: %v", i, errs[i])
			}
			got, err := s.GetExecution(ctx, want[i].ARN)
			if err != nil {
				t.Fatal(err)
			}
			if d := DiffExecution(got, want[i]); d != "" {
				t.Fatalf("execution %d: %s", i, d)
			}
			checkChain(t, s, want[i].ARN, 1, int64(1+i%3))
		}
		won := 0
		for _, err := range errs[n:] {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrAlreadyExists):
				t.Fatalf("racing create: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d racing creates of one name won, want 1", won)
		}
		checkChain(t, s, dup.ARN, 1, 2)
	})

	t.Run("ConcurrentCommits", func(t *testing.T) {
		s, ctx := setup(t)
		const execs, steps = 16, 12
		var wg sync.WaitGroup
		errc := make(chan error, 2*execs)
		for i := range execs {
			arn := prefix + fmt.Sprintf("execution:m:c%d", i)
			if err := s.CreateExecution(ctx, Exec("m", fmt.Sprintf("c%d", i), t0), StepOf(arn, 1, 1, 2)); err != nil {
				t.Fatal(err)
			}
			// Two writers race for each version: exactly one must win.
			wins := make([]int, 2)
			for w := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for v := int64(2); v <= steps; v++ {
						errs, err := s.CommitSteps(ctx, []store.Step{StepOf(arn, v, 2*v-1, 2)})
						switch {
						case err != nil:
							errc <- err
							return
						case errs[0] == nil:
							wins[w]++
						case errors.Is(errs[0], store.ErrStaleVersion):
							// The other writer got there first; go on with the next version.
						default:
							errc <- errs[0]
							return
						}
					}
				}()
			}
			t.Cleanup(func() {
				if wins[0]+wins[1] != steps-1 {
					t.Errorf("%s: %d + %d wins, want %d", arn, wins[0], wins[1], steps-1)
				}
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatal(err)
		}
		for i := range execs {
			checkChain(t, s, prefix+fmt.Sprintf("execution:m:c%d", i), steps, 2*steps)
		}
	})
}

// Exec returns a RUNNING execution of state machine sm named name.
func Exec(sm, name string, start time.Time) store.Execution {
	return store.Execution{
		ARN:             prefix + "execution:" + sm + ":" + name,
		StateMachineARN: prefix + "stateMachine:" + sm,
		Name:            name,
		Status:          "RUNNING",
		Definition:      `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`,
		RoleARN:         "arn:aws:iam::123456789012:role/r",
		Input:           `{"n":1}`,
		Seed:            42,
		StartDate:       start,
	}
}

// StepOf returns step version v of arn with n events numbered from firstID,
// whose texts EventJSON and journal entry InputOf can recompute.
func StepOf(arn string, v, firstID int64, n int) store.Step {
	st := store.Step{ExecutionARN: arn, Version: v, Input: []byte(InputOf(arn, v))}
	for i := range int64(n) {
		st.Events = append(st.Events, store.Event{ID: firstID + i, JSON: []byte(EventJSON(arn, firstID+i))})
	}
	return st
}

// EventJSON is the text StepOf gives event id of arn.
func EventJSON(arn string, id int64) string {
	return fmt.Sprintf(`{"id":%d,"type":"PassStateEntered","execution":%q}`, id, arn)
}

// InputOf is the journal entry StepOf gives version v of arn.
func InputOf(arn string, v int64) string {
	return fmt.Sprintf(`{"step":%d,"of":%q}`, v, arn)
}

func ids(from, to int64) []int64 {
	var out []int64
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func withVersion(e store.Execution, v int64) store.Execution {
	e.Version = v
	return e
}

// checkChain checks that arn is at version v with journal entries 1..v and
// events 1..lastEvent, as StepOf makes them.
func checkChain(t *testing.T, s store.Executions, arn string, v, lastEvent int64) {
	t.Helper()
	ctx := t.Context()
	e, err := s.GetExecution(ctx, arn)
	if err != nil || e.Version != v {
		t.Fatalf("%s: version %d, %v; want %d", arn, e.Version, err, v)
	}
	j, err := s.Journal(ctx, arn)
	if err != nil || int64(len(j)) != v {
		t.Fatalf("%s: %d journal entries, %v; want %d", arn, len(j), err, v)
	}
	for i, in := range j {
		if string(in) != InputOf(arn, int64(i+1)) {
			t.Fatalf("%s: journal[%d] = %s", arn, i, in)
		}
	}
	evs, err := s.History(ctx, arn, 0, 0, false)
	if err != nil || int64(len(evs)) != lastEvent {
		t.Fatalf("%s: %d events, %v; want %d", arn, len(evs), err, lastEvent)
	}
	for i, ev := range evs {
		if ev.ID != int64(i+1) || string(ev.JSON) != EventJSON(arn, ev.ID) {
			t.Fatalf("%s: event %d = %d %s", arn, i, ev.ID, ev.JSON)
		}
	}
}

// DiffExecution describes how got differs from want ("" when equal); times
// compare as instants.
func DiffExecution(got, want store.Execution) string {
	if !got.StartDate.Equal(want.StartDate) || !got.StopDate.Equal(want.StopDate) {
		return fmt.Sprintf("dates: got %v–%v, want %v–%v", got.StartDate, got.StopDate, want.StartDate, want.StopDate)
	}
	got.StartDate, got.StopDate, want.StartDate, want.StopDate = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if got != want {
		return fmt.Sprintf("got  %+v\nwant %+v", got, want)
	}
	return ""
}
