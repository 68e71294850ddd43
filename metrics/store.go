package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/cairn-sfn/cairn/store"
)

// WrapStore returns st counting the engine's writes into m: executions
// created, steps committed or refused, history events written, executions
// ended (a committed step whose Status is not RUNNING), write latency.
// Every other method goes straight to st. When st is a store.Cluster the
// result is one too, forwarding those methods untouched, so a type
// assertion on the wrapped store still finds them.
func (m *Metrics) WrapStore(st store.Store) store.Store {
	w := &instrumentedStore{Store: st, m: m}
	if cl, ok := st.(store.Cluster); ok {
		return &instrumentedCluster{instrumentedStore: w, Cluster: cl}
	}
	return w
}

// instrumentedStore counts writes; reads pass through the embedded store.
type instrumentedStore struct {
	store.Store
	m *Metrics
}

// instrumentedCluster is an instrumentedStore that keeps store.Cluster
// reachable. The two method sets do not overlap.
type instrumentedCluster struct {
	*instrumentedStore
	store.Cluster
}

var (
	_ store.Store   = (*instrumentedStore)(nil)
	_ store.Store   = (*instrumentedCluster)(nil)
	_ store.Cluster = (*instrumentedCluster)(nil)
)

// Unwrap returns the store being counted.
func (s *instrumentedStore) Unwrap() store.Store { return s.Store }

func (s *instrumentedStore) CreateExecution(ctx context.Context, e store.Execution, first store.Step) error {
	t0 := time.Now()
	err := s.Store.CreateExecution(ctx, e, first)
	s.m.createTime.Observe(time.Since(t0).Seconds())
	if err != nil {
		return err
	}
	// Only Standard executions are stored; Express ones never get here.
	s.m.startedStd.Inc()
	s.m.committed(&first)
	return nil
}

func (s *instrumentedStore) CommitSteps(ctx context.Context, steps []store.Step) ([]error, error) {
	t0 := time.Now()
	errs, err := s.Store.CommitSteps(ctx, steps)
	s.m.commitTime.Observe(time.Since(t0).Seconds())
	if err != nil {
		return errs, err // nothing committed
	}
	for i := range steps {
		var e error
		if i < len(errs) {
			e = errs[i]
		}
		switch {
		case e == nil:
			s.m.committed(&steps[i])
		case errors.Is(e, store.ErrStaleVersion):
			s.m.stale.Inc()
		case errors.Is(e, store.ErrNotFound):
			s.m.notFound.Inc()
		default:
			s.m.refusedElse.Inc()
		}
	}
	return errs, nil
}

// committed counts one durable step of a Standard execution.
func (m *Metrics) committed(st *store.Step) {
	m.steps.Inc()
	if n := len(st.Events); n > 0 {
		m.events.Add(float64(n))
	}
	if st.Status != "" && st.Status != "RUNNING" {
		m.ExecutionEnded(Standard, st.Status)
	}
}
