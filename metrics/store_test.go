package metrics

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/memory"
)

// storeOnly hides every method of a store but store.Store.
type storeOnly struct{ store.Store }

func TestWrapStoreKeepsCluster(t *testing.T) {
	t.Parallel()
	m := New()
	tests := []struct {
		name        string
		st          store.Store
		wantCluster bool
	}{
		{"memory (a Cluster)", memory.New(), true},
		{"plain store", storeOnly{memory.New()}, false},
	}
	for _, tt := range tests {
		w := m.WrapStore(tt.st)
		if _, ok := w.(store.Cluster); ok != tt.wantCluster {
			t.Errorf("%s: wrapped is a Cluster: %v, want %v", tt.name, ok, tt.wantCluster)
		}
		if u, ok := w.(interface{ Unwrap() store.Store }); !ok || u.Unwrap() != tt.st {
			t.Errorf("%s: Unwrap does not return the wrapped store", tt.name)
		}
	}
}

func TestWrapStoreCounts(t *testing.T) {
	t.Parallel()
	m := New()
	mem := memory.New()
	st := m.WrapStore(mem)
	ctx := t.Context()
	ev := func(ids ...int64) []store.Event {
		out := make([]store.Event, len(ids))
		for i, id := range ids {
			out[i] = store.Event{ID: id, JSON: []byte(`{}`)}
		}
		return out
	}
	const a, b = "arn:aws:states:us-east-1:123456789012:execution:m:a", "arn:aws:states:us-east-1:123456789012:execution:m:b"
	for _, arn := range []string{a, b} {
		err := st.CreateExecution(ctx, store.Execution{ARN: arn, StateMachineARN: "arn:aws:states:us-east-1:123456789012:stateMachine:m",
			Name: arn[len(arn)-1:], Status: "RUNNING", StartDate: time.Now()},
			store.Step{ExecutionARN: arn, Version: 1, Input: []byte("start"), Events: ev(1, 2), Status: "RUNNING"})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A duplicate is not a start.
	if err := st.CreateExecution(ctx, store.Execution{ARN: a}, store.Step{Version: 1}); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("duplicate create: %v", err)
	}
	steps := []store.Step{
		{ExecutionARN: a, Version: 2, Events: ev(3), Status: "RUNNING"},
		{ExecutionARN: b, Version: 5, Events: ev(3)},                                     // stale version
		{ExecutionARN: a + "x", Version: 1, Events: ev(1)},                               // not found
		{ExecutionARN: b, Version: 2, Events: ev(2)},                                     // event id not after the last: other
		{ExecutionARN: b, Version: 2, Events: ev(3, 4, 5), Status: "FAILED", Error: "e"}, // ends b
	}
	errs, err := st.CommitSteps(ctx, steps)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != len(steps) || errs[0] != nil || errs[4] != nil || !errors.Is(errs[1], store.ErrStaleVersion) || !errors.Is(errs[2], store.ErrNotFound) || errs[3] == nil {
		t.Fatalf("memory store answered %v; the test's premises are wrong", errs)
	}
	if _, err := st.CommitSteps(ctx, []store.Step{{ExecutionARN: a, Version: 3, Events: ev(4), Status: "SUCCEEDED"}}); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name   string
		labels []string
		n      float64
	}{
		{"cairn_executions_started_total", []string{"type", Standard}, 2},
		{"cairn_store_steps_committed_total", nil, 5},      // 2 first steps + 3
		{"cairn_store_history_events_total", nil, 2*2 + 5}, // 2+2 created, 1+3+1 committed
		{"cairn_store_steps_refused_total", []string{"reason", "stale"}, 1},
		{"cairn_store_steps_refused_total", []string{"reason", "not_found"}, 1},
		{"cairn_store_steps_refused_total", []string{"reason", "other"}, 1},
		{"cairn_executions_ended_total", []string{"type", Standard, "status", "FAILED"}, 1},
		{"cairn_executions_ended_total", []string{"type", Standard, "status", "SUCCEEDED"}, 1},
		{"cairn_store_write_duration_seconds", []string{"op", "create_execution"}, 3},
		{"cairn_store_write_duration_seconds", []string{"op", "commit_steps"}, 2},
	}
	for _, w := range want {
		if got := value(t, m.Registry(), w.name, w.labels...); got != w.n {
			t.Errorf("%s%v = %v, want %v", w.name, w.labels, got, w.n)
		}
	}
	// Reads pass through.
	if ex, err := st.GetExecution(ctx, b); err != nil || ex.Status != "FAILED" {
		t.Errorf("GetExecution(b) = %v, %v; want FAILED", ex.Status, err)
	}
}

// failingStore fails every CommitSteps call as a whole.
type failingStore struct{ store.Store }

func (failingStore) CommitSteps(context.Context, []store.Step) ([]error, error) {
	return nil, errors.New("database is down")
}

func TestWrapStoreFailedCommitCountsNothing(t *testing.T) {
	t.Parallel()
	m := New()
	st := m.WrapStore(failingStore{memory.New()})
	if _, err := st.CommitSteps(t.Context(), []store.Step{{ExecutionARN: "x", Version: 1, Status: "SUCCEEDED"}}); err == nil {
		t.Fatal("want the store's error")
	}
	for _, name := range []string{"cairn_store_steps_committed_total", "cairn_store_history_events_total"} {
		if got := value(t, m.Registry(), name); got != 0 {
			t.Errorf("%s = %v, want 0", name, got)
		}
	}
	if got := value(t, m.Registry(), "cairn_executions_ended_total", "type", Standard, "status", "SUCCEEDED"); got != 0 {
		t.Errorf("ended = %v, want 0", got)
	}
	if got := value(t, m.Registry(), "cairn_store_write_duration_seconds", "op", "commit_steps"); got != 1 {
		t.Errorf("commit latency samples = %v, want 1 (failures are timed too)", got)
	}
}
