package memory

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/cairn-sfn/cairn/store"
)

var _ store.Cluster = (*Store)(nil)

// cluster is the state store.Cluster adds: tasks by token, queued messages
// and the listeners. It lets tests run several engines in one process
// against one memory store, as nodes share a PostgreSQL database.
type cluster struct {
	nodes     map[string]time.Time // node -> end of its lease
	tasks     map[string]*taskRow
	taskSeq   int64
	messages  []store.Message // by ID
	messageID int64

	lmu       sync.Mutex // guards listeners; held apart from Store.mu
	listeners map[*listener]struct{}
}

// nodeForgottenAfter is how long a node whose lease lapsed is remembered
// once it holds nothing.
const nodeForgottenAfter = time.Hour

type taskRow struct {
	ref       store.TaskRef
	seq       int64
	handedOut bool
}

type listener struct{ ch chan store.Signal }

func (s *Store) RenewLease(ctx context.Context, node string, ttl time.Duration) (bool, error) {
	if err := s.lock(ctx); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	c := &s.cluster
	if c.nodes == nil {
		c.nodes = map[string]time.Time{}
	}
	now := time.Now()
	until, ok := c.nodes[node]
	c.nodes[node] = now.Add(ttl)
	return ok && !until.Before(now), nil
}

func (s *Store) HeldExecutions(ctx context.Context, node string) (map[string]int64, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	held := map[string]int64{}
	for arn, x := range s.executions {
		if x.e.Status == "RUNNING" && x.e.Lease.Node == node {
			held[arn] = x.e.Lease.Fence
		}
	}
	return held, nil
}

// live reports whether node holds a lease at now.
func (c *cluster) live(node string, now time.Time) bool {
	until, ok := c.nodes[node]
	return node != "" && ok && !until.Before(now)
}

func (s *Store) ClaimExecutions(ctx context.Context, node string, limit int) ([]store.Execution, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if limit <= 0 {
		return nil, nil // as store/postgres: no limit takes nothing
	}
	now := time.Now()
	var free []*execution
	for _, x := range s.executions {
		if x.e.Status == "RUNNING" && !s.cluster.live(x.e.Lease.Node, now) {
			free = append(free, x)
		}
	}
	slices.SortFunc(free, func(a, b *execution) int { return startOrder(a.e, b.e) })
	if len(free) > limit {
		free = free[:limit]
	}
	out := make([]store.Execution, len(free))
	for i, x := range free {
		x.e.Lease = store.Lease{Node: node, Fence: x.e.Lease.Fence + 1}
		out[i] = x.e
	}
	return out, nil
}

func (s *Store) ReleaseLeases(ctx context.Context, node string, arns []string) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	released := 0
	release := func(x *execution) {
		if x != nil && x.e.Lease.Node == node && x.e.Status == "RUNNING" {
			x.e.Lease.Node = ""
			released++
		}
	}
	if arns == nil {
		for _, x := range s.executions {
			release(x)
		}
		delete(s.cluster.nodes, node)
	}
	for _, arn := range arns {
		release(s.executions[arn])
	}
	s.mu.Unlock()
	if released > 0 { // as store/postgres: nothing to claim, no wake-up
		s.signal(store.Signal{Kind: store.SignalWork})
	}
	return nil
}

func (s *Store) PutTask(ctx context.Context, t store.TaskRef) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	c := &s.cluster
	if c.tasks == nil {
		c.tasks = map[string]*taskRow{}
	}
	if _, ok := c.tasks[t.Token]; !ok {
		c.taskSeq++
		c.tasks[t.Token] = &taskRow{ref: t, seq: c.taskSeq}
	}
	s.mu.Unlock()
	if t.Activity != "" {
		s.signal(store.Signal{Kind: store.SignalActivity, Arg: t.Activity})
	}
	return nil
}

func (s *Store) Task(ctx context.Context, token string) (store.TaskRef, error) {
	if err := s.lock(ctx); err != nil {
		return store.TaskRef{}, err
	}
	defer s.mu.Unlock()
	row, ok := s.cluster.tasks[token]
	if !ok {
		return store.TaskRef{}, fmt.Errorf("task: %w", store.ErrNotFound)
	}
	return row.ref, nil
}

func (s *Store) DeleteTasks(ctx context.Context, tokens []string) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	for _, t := range tokens {
		delete(s.cluster.tasks, t)
	}
	return nil
}

func (s *Store) TakeActivityTask(ctx context.Context, activity string) (store.TaskRef, error) {
	if err := s.lock(ctx); err != nil {
		return store.TaskRef{}, err
	}
	defer s.mu.Unlock()
	var first *taskRow
	for _, row := range s.cluster.tasks {
		if activity != "" && row.ref.Activity == activity && !row.handedOut && (first == nil || row.seq < first.seq) {
			first = row
		}
	}
	if first == nil {
		return store.TaskRef{}, fmt.Errorf("activity task: %w", store.ErrNotFound)
	}
	first.handedOut = true
	return first.ref, nil
}

func (s *Store) Send(ctx context.Context, m store.Message, answers bool) (store.TaskRef, error) {
	if err := s.lock(ctx); err != nil {
		return store.TaskRef{}, err
	}
	c := &s.cluster
	var ref store.TaskRef
	if answers {
		row, ok := c.tasks[m.Token]
		if !ok {
			s.mu.Unlock()
			return store.TaskRef{}, fmt.Errorf("answer task: %w", store.ErrNotFound)
		}
		delete(c.tasks, m.Token)
		ref = row.ref
		m.ExecutionARN = ref.ExecutionARN // an answer goes to its task's execution
	}
	c.messageID++
	m.ID = c.messageID
	m.Input = slices.Clone(m.Input)
	c.messages = append(c.messages, m)
	owner := ""
	if x := s.executions[m.ExecutionARN]; x != nil {
		owner = x.e.Lease.Node
	}
	s.mu.Unlock()
	s.signal(store.Signal{Kind: store.SignalInbox, Arg: owner})
	return ref, nil
}

func (s *Store) Inbox(ctx context.Context, node, arn string) ([]store.Message, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []store.Message
	for _, m := range s.cluster.messages {
		if arn != "" && m.ExecutionARN != arn {
			continue
		}
		if arn == "" {
			x := s.executions[m.ExecutionARN]
			if x == nil || x.e.Lease.Node != node || x.e.Status != "RUNNING" {
				continue
			}
		}
		m.Input = slices.Clone(m.Input)
		out = append(out, m)
	}
	return out, nil
}

func (s *Store) DeleteMessages(ctx context.Context, ids []int64) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.cluster.messages = slices.DeleteFunc(s.cluster.messages, func(m store.Message) bool { return slices.Contains(ids, m.ID) })
	return nil
}

func (s *Store) Listen(ctx context.Context) (<-chan store.Signal, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l := &listener{ch: make(chan store.Signal, 64)}
	c := &s.cluster
	c.lmu.Lock()
	if c.listeners == nil {
		c.listeners = map[*listener]struct{}{}
	}
	c.listeners[l] = struct{}{}
	c.lmu.Unlock()
	go func() {
		<-ctx.Done()
		c.lmu.Lock()
		delete(c.listeners, l)
		close(l.ch)
		c.lmu.Unlock()
	}()
	return l.ch, nil
}

// signal wakes every listener; a full listener misses it, as a
// PostgreSQL listener may (nodes also poll).
func (s *Store) signal(sig store.Signal) {
	c := &s.cluster
	c.lmu.Lock()
	defer c.lmu.Unlock()
	for l := range c.listeners {
		select {
		case l.ch <- sig:
		default:
		}
	}
}

func (s *Store) Sweep(ctx context.Context) (int, error) {
	if err := s.lock(ctx); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	ended := func(arn string) bool {
		x := s.executions[arn]
		return x == nil || x.e.Status != "RUNNING"
	}
	n := 0
	for token, row := range s.cluster.tasks {
		if ended(row.ref.ExecutionARN) {
			delete(s.cluster.tasks, token)
			n++
		}
	}
	before := len(s.cluster.messages)
	s.cluster.messages = slices.DeleteFunc(s.cluster.messages, func(m store.Message) bool { return ended(m.ExecutionARN) })
	n += before - len(s.cluster.messages)
	holds := map[string]bool{}
	for _, x := range s.executions {
		if x.e.Status == "RUNNING" {
			holds[x.e.Lease.Node] = true
		}
	}
	for node, until := range s.cluster.nodes {
		if time.Since(until) > nodeForgottenAfter && !holds[node] {
			delete(s.cluster.nodes, node)
			n++
		}
	}
	return n, nil
}
