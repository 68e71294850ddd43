package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/internal/cursor"
)

var _ store.Store = (*Store)(nil)

// execution is one stored execution with its journal and history.
type execution struct {
	e       store.Execution
	journal [][]byte
	events  []store.Event
}

func cloneEvents(evs []store.Event) []store.Event {
	out := make([]store.Event, len(evs))
	for i, ev := range evs {
		out[i] = store.Event{ID: ev.ID, JSON: slices.Clone(ev.JSON)}
	}
	return out
}

// apply writes one step to x; the caller has checked the version.
func apply(x *execution, st store.Step) {
	x.e.Version = st.Version
	if st.Input != nil {
		x.journal = append(x.journal, slices.Clone(st.Input))
	}
	x.events = append(x.events, cloneEvents(st.Events)...)
	if st.Redrive {
		x.e.RedriveCount++
		x.e.Status, x.e.Output, x.e.Error, x.e.Cause, x.e.StopDate = st.Status, st.Output, st.Error, st.Cause, st.StopDate
		if st.RedriveNode != "" {
			x.e.Lease = store.Lease{Node: st.RedriveNode, Fence: x.e.Lease.Fence + 1}
		}
		return
	}
	if st.Status != "" && st.Status != "RUNNING" {
		x.e.Status, x.e.Output, x.e.Error, x.e.Cause, x.e.StopDate = st.Status, st.Output, st.Error, st.Cause, st.StopDate
	}
}

// check reports why st cannot be applied to x (nil when it can).
func check(x *execution, st store.Step) error {
	if x == nil {
		return fmt.Errorf("commit step of %s: %w", st.ExecutionARN, store.ErrNotFound)
	}
	if st.Fence != 0 && st.Fence != x.e.Lease.Fence {
		return fmt.Errorf("commit step %d of %s: fence %d, lease has %d: %w", st.Version, st.ExecutionARN, st.Fence, x.e.Lease.Fence, store.ErrStaleVersion)
	}
	if st.Version != x.e.Version+1 {
		return fmt.Errorf("commit step %d of %s (at %d): %w", st.Version, st.ExecutionARN, x.e.Version, store.ErrStaleVersion)
	}
	last := int64(0)
	if n := len(x.events); n > 0 {
		last = x.events[n-1].ID
	}
	for _, ev := range st.Events {
		if ev.ID <= last {
			return fmt.Errorf("commit step %d of %s: event id %d not after %d", st.Version, st.ExecutionARN, ev.ID, last)
		}
		last = ev.ID
	}
	return nil
}

func (s *Store) CreateExecution(ctx context.Context, e store.Execution, first store.Step) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if first.ExecutionARN != "" && first.ExecutionARN != e.ARN {
		return fmt.Errorf("create execution %s: first step is for %s", e.ARN, first.ExecutionARN)
	}
	if _, ok := s.executions[e.ARN]; ok {
		return fmt.Errorf("create execution %s: %w", e.ARN, store.ErrAlreadyExists)
	}
	first.ExecutionARN = e.ARN
	x := &execution{e: e}
	if err := check(x, first); err != nil {
		return fmt.Errorf("create execution: %w", err)
	}
	apply(x, first)
	s.executions[e.ARN] = x
	return nil
}

func (s *Store) CommitSteps(ctx context.Context, steps []store.Step) ([]error, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	errs := make([]error, len(steps))
	for i, st := range steps {
		x := s.executions[st.ExecutionARN]
		if errs[i] = check(x, st); errs[i] == nil {
			apply(x, st)
		}
	}
	return errs, nil
}

func (s *Store) GetExecution(ctx context.Context, arn string) (store.Execution, error) {
	if err := s.lock(ctx); err != nil {
		return store.Execution{}, err
	}
	defer s.mu.Unlock()
	x, ok := s.executions[arn]
	if !ok {
		return store.Execution{}, fmt.Errorf("get execution %s: %w", arn, store.ErrNotFound)
	}
	return x.e, nil
}

// listOrder sorts executions newest first, then by ARN.
func listOrder(a, b store.Execution) int {
	if c := b.StartDate.Compare(a.StartDate); c != 0 {
		return c
	}
	return strings.Compare(a.ARN, b.ARN)
}

// startOrder sorts executions oldest first, then by ARN.
func startOrder(a, b store.Execution) int {
	if c := a.StartDate.Compare(b.StartDate); c != 0 {
		return c
	}
	return strings.Compare(a.ARN, b.ARN)
}

func (s *Store) ListExecutions(ctx context.Context, f store.ExecutionFilter, p store.Page) ([]store.Execution, string, error) {
	var curNanos int64
	var curARN string
	if p.After != "" {
		var err error
		if curNanos, curARN, err = cursor.Decode(p.After); err != nil {
			return nil, "", fmt.Errorf("list executions: %w", err)
		}
	}
	if err := s.lock(ctx); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	var out []store.Execution
	for _, x := range s.executions {
		e := x.e
		if e.StateMachineARN != f.StateMachineARN ||
			(f.VersionARN != "" && e.VersionARN != f.VersionARN) ||
			(f.AliasARN != "" && e.AliasARN != f.AliasARN) ||
			(f.Status != "" && e.Status != f.Status) ||
			(f.RedriveFilter == "REDRIVEN" && e.RedriveCount == 0) || (f.RedriveFilter == "NOT_REDRIVEN" && e.RedriveCount > 0) {
			continue
		}
		if p.After != "" && !cursor.Before(e.StartDate.UnixNano(), e.ARN, curNanos, curARN) {
			continue
		}
		out = append(out, e)
	}
	slices.SortFunc(out, listOrder)
	if p.Limit > 0 && len(out) > p.Limit {
		out = out[:p.Limit]
		last := out[len(out)-1]
		return out, cursor.Encode(last.StartDate.UnixNano(), last.ARN), nil
	}
	return out, "", nil
}

func (s *Store) History(ctx context.Context, arn string, after int64, limit int, reverse bool) ([]store.Event, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	x, ok := s.executions[arn]
	if !ok {
		return nil, fmt.Errorf("history of %s: %w", arn, store.ErrNotFound)
	}
	evs := x.events
	var out []store.Event
	if !reverse {
		i, _ := slices.BinarySearchFunc(evs, after+1, func(ev store.Event, id int64) int { return cmpInt(ev.ID, id) })
		evs = evs[i:]
		if limit > 0 && len(evs) > limit {
			evs = evs[:limit]
		}
		return cloneEvents(evs), nil
	}
	if after > 0 {
		i, _ := slices.BinarySearchFunc(evs, after, func(ev store.Event, id int64) int { return cmpInt(ev.ID, id) })
		evs = evs[:i]
	}
	for i := len(evs) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		out = append(out, store.Event{ID: evs[i].ID, JSON: slices.Clone(evs[i].JSON)})
	}
	return out, nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *Store) Journal(ctx context.Context, arn string) ([][]byte, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	x, ok := s.executions[arn]
	if !ok {
		return nil, fmt.Errorf("journal of %s: %w", arn, store.ErrNotFound)
	}
	out := make([][]byte, len(x.journal))
	for i, in := range x.journal {
		out[i] = slices.Clone(in)
	}
	return out, nil
}

func (s *Store) RunningExecutions(ctx context.Context) ([]store.Execution, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []store.Execution
	for _, x := range s.executions {
		if x.e.Status == "RUNNING" {
			out = append(out, x.e)
		}
	}
	slices.SortFunc(out, startOrder)
	return out, nil
}

func (s *Store) PurgeExecutions(ctx context.Context, before time.Time) (int, error) {
	if err := s.lock(ctx); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	n := 0
	for arn, x := range s.executions {
		if x.e.Status != "RUNNING" && x.e.StopDate.Before(before) {
			delete(s.executions, arn)
			n++
		}
	}
	return n, nil
}
