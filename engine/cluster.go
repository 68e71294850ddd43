package engine

// Several engines (nodes) share one store when Deps.Cluster is set. Each
// running Standard execution is worked by the node holding its lease
// (store.Lease): the node that started it, or the one that claimed it after
// its holder stopped renewing. Every step carries the lease's fence, so a
// node that lost its lease cannot commit, even if it has not noticed yet.
//
// A node's lease covers all its executions, so renewing it costs one row
// however many executions wait. A node renews it every third of LeaseTTL,
// on a goroutine of its own (when it had lapsed, the node drops from
// memory the executions others claimed meanwhile). Its cluster loop claims
// the executions of nodes whose lease lapsed (replaying their journals, as
// after a restart), applies its inbox and polls for children of .sync
// tasks that ended on another node. Store signals (LISTEN/NOTIFY in
// PostgreSQL) wake it early. A claimed execution first applies the
// messages queued for it, each after the timers that fell due before it
// was sent, and only then arms its other timers and runs its tasks again,
// so the history is the one its first node would have written.
//
// Anything that reaches an execution from outside its node goes through
// the store: SendTask* answers, activity hand-outs and StopExecution are
// queued as messages (store.Message) and applied by the holder in order.
// Task tokens are recorded in the store, so any node can route an answer,
// and activity tasks are handed out from there (FOR UPDATE SKIP LOCKED), so
// a worker polling any node gets each task once.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/store"
)

const (
	// claimBatch is how many executions one claim takes; claimRounds
	// bounds the batches per loop turn, so a node taking over a large
	// backlog still renews its own leases on time.
	claimBatch  = 64
	claimRounds = 8
	// activityRepoll is how often a waiting GetActivityTask looks again
	// in case a signal was missed.
	activityRepoll = 2 * time.Second
	// sweepEvery is how many loop ticks pass between sweeps of tasks and
	// messages left behind by executions that ended.
	sweepEvery = 30
)

// defaultNode names a node: its host and a random suffix, so two processes
// on one host differ.
func defaultNode(seed func() uint64) string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "cairn"
	}
	return fmt.Sprintf("%s-%06x", host, seed()&0xffffff)
}

// startCluster starts a node: it takes back any leases a previous process
// with its name held, claims what is free and starts the loops.
func (e *Engine) startCluster(ctx context.Context) error {
	cl := e.deps.Cluster
	sigs, err := cl.Listen(e.ctx)
	if err != nil {
		return fmt.Errorf("engine: listen: %w", err)
	}
	// A previous process under this name may have died holding
	// executions: give them up, bumping their fences when they are claimed.
	if err := cl.ReleaseLeases(ctx, e.cfg.Node, nil); err != nil {
		return fmt.Errorf("engine: release old leases: %w", err)
	}
	if _, err := cl.RenewLease(ctx, e.cfg.Node, e.cfg.LeaseTTL); err != nil {
		return fmt.Errorf("engine: take a lease: %w", err)
	}
	claimed, err := e.claim(ctx)
	if err != nil {
		return fmt.Errorf("engine: claim executions: %w", err)
	}
	e.startLoops()
	e.wg.Add(2)
	go func() {
		defer e.wg.Done()
		e.clusterLoop(sigs)
	}()
	go func() {
		defer e.wg.Done()
		e.renewLoop()
	}()
	e.log.Info("engine started", "node", e.cfg.Node, "lease", e.cfg.LeaseTTL, "claimed", claimed)
	return nil
}

// Node returns the engine's node name.
func (e *Engine) Node() string { return e.cfg.Node }

// renewLoop renews the node's lease every third of LeaseTTL. It runs on
// its own: claims, inbox reads and watched children can keep the cluster
// loop busy for longer than a lease lasts.
func (e *Engine) renewLoop() {
	tick := time.NewTicker(e.cfg.LeaseTTL / 3)
	defer tick.Stop()
	lease := leaseState{lastOK: time.Now()}
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-tick.C:
			e.renew(&lease)
		}
	}
}

func (e *Engine) clusterLoop(sigs <-chan store.Signal) {
	tick := time.NewTicker(e.cfg.LeaseTTL / 3)
	defer tick.Stop()
	for n := 1; ; {
		select {
		case <-e.ctx.Done():
			return
		case sig, ok := <-sigs:
			if !ok {
				sigs = nil // the store stopped listening: poll only
				continue
			}
			switch sig.Kind {
			case store.SignalWork:
				e.claim(e.ctx)
			case store.SignalInbox:
				if sig.Arg == e.cfg.Node {
					e.drainAll()
				}
			case store.SignalActivity:
				e.calls.notify(sig.Arg)
			}
		case <-tick.C:
			if _, err := e.claim(e.ctx); err != nil && e.ctx.Err() == nil {
				e.log.Warn("claim executions", "err", err)
			}
			e.drainAll()
			e.checkWatchers()
			if n++; n%sweepEvery == 0 {
				if _, err := e.deps.Cluster.Sweep(e.ctx); err != nil && e.ctx.Err() == nil {
					e.log.Warn("sweep", "err", err)
				}
			}
		}
	}
}

// runs returns the executions in memory.
func (e *Engine) runs() []*run {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]*run, 0, len(e.active))
	for _, r := range e.active {
		out = append(out, r)
	}
	return out
}

// isLocal reports whether this node works the execution.
func (e *Engine) isLocal(arn string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.active[arn] != nil
}

// leaseState is what the cluster loop knows of this node's lease.
type leaseState struct {
	lastOK time.Time // when a renewal last succeeded
	// suspect: the lease may have lapsed (renewals failed for a whole
	// LeaseTTL), so others may have claimed executions.
	suspect bool
}

// renew extends this node's lease. When it had lapsed, other nodes may
// have claimed some of its executions: those are dropped from memory (the
// fence would refuse their next step anyway).
func (e *Engine) renew(l *leaseState) {
	began := time.Now()
	kept, err := e.deps.Cluster.RenewLease(e.ctx, e.cfg.Node, e.cfg.LeaseTTL)
	if err != nil {
		if e.ctx.Err() == nil {
			e.log.Warn("renew lease", "err", err)
		}
		if began.Sub(l.lastOK) >= e.cfg.LeaseTTL {
			l.suspect = true
		}
		return
	}
	l.lastOK = began
	if kept && !l.suspect {
		return
	}
	held, err := e.deps.Cluster.HeldExecutions(e.ctx, e.cfg.Node)
	if err != nil {
		l.suspect = true
		return
	}
	l.suspect = false
	for _, r := range e.runs() {
		r.mu.Lock()
		// A run leased after the renewal began may not show in held.
		if !r.gone && r.leasedAt.Before(began) && held[r.arn] != r.fence {
			e.log.Warn("execution taken over while this node's lease had lapsed", "arn", r.arn, "fence", r.fence)
			e.forget(r)
		}
		r.mu.Unlock()
	}
}

// claim takes over executions no live node holds and resumes them.
func (e *Engine) claim(ctx context.Context) (int, error) {
	total := 0
	for range claimRounds {
		exs, err := e.deps.Cluster.ClaimExecutions(ctx, e.cfg.Node, claimBatch)
		if err != nil {
			return total, err
		}
		for _, ex := range exs {
			if err := e.recover(ctx, ex, true); err != nil {
				// It is leased to this node now, so no other takes it:
				// keep trying here.
				e.log.Error("recover claimed execution", "arn", ex.ARN, "err", err)
				arn, fence := ex.ARN, ex.Lease.Fence
				e.goTracked(func() { e.reload(arn, fence) })
				continue
			}
			e.log.Info("claimed execution", "arn", ex.ARN, "fence", ex.Lease.Fence)
			e.drain(ex.ARN)
		}
		total += len(exs)
		if len(exs) < claimBatch {
			break
		}
	}
	return total, nil
}

// releaseLeases hands this node's executions back when it stops.
func (e *Engine) releaseLeases() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.deps.Cluster.ReleaseLeases(ctx, e.cfg.Node, nil); err != nil {
		e.log.Warn("release leases", "err", err)
	}
}

// drainAll applies the messages queued for this node's executions.
func (e *Engine) drainAll() {
	msgs, err := e.deps.Cluster.Inbox(e.ctx, e.cfg.Node, "")
	if err != nil {
		if e.ctx.Err() == nil {
			e.log.Warn("read inbox", "err", err)
		}
		return
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		if !seen[m.ExecutionARN] {
			seen[m.ExecutionARN] = true
			e.drain(m.ExecutionARN)
		}
	}
}

// drain applies an execution's queued messages in order, if this node
// works it. A message is deleted once applied, or dropped when the input
// no longer applies (its task ended); messages stay queued for the next
// holder when this node loses the execution midway. A node that dies
// between a step and the deletion leaves a message the next holder
// applies again: the interpreter ignores an answer for a task that ended
// and a second start of a task, and a second heartbeat only re-arms its
// timer.
func (e *Engine) drain(arn string) {
	e.mu.Lock()
	r := e.active[arn]
	e.mu.Unlock()
	if r == nil {
		return
	}
	r.inbox.Lock()
	defer r.inbox.Unlock()
	defer e.resumeHeld(r)
	msgs, err := e.deps.Cluster.Inbox(e.ctx, "", arn)
	if err != nil {
		return
	}
	var done, dropped []int64
	for _, m := range msgs {
		in, err := interp.UnmarshalInput(m.Input)
		if err != nil {
			e.log.Error("bad message", "arn", arn, "id", m.ID, "err", err)
			done = append(done, m.ID)
			continue
		}
		e.fireHeld(r, interp.InputTime(in))
		var valid func(*run) bool
		if m.Token != "" {
			id := taskIDOf(in)
			valid = func(r *run) bool { return r.tokens[id] == m.Token }
		}
		if err := e.deliverIf(arn, in, valid); err != nil {
			// Only an answer to a task that ended may be dropped; on any
			// other failure (stopping, lost, ended, a commit that failed
			// and is being reloaded) the rest is left for the holder.
			if !errors.Is(err, errTaskGone) || !e.isLocal(arn) {
				break
			}
			dropped = append(dropped, m.ID)
			continue
		}
		done = append(done, m.ID)
	}
	// A copy that lost the execution without noticing yet (its node was
	// paused past its lease) finds no task for answers to tasks the
	// holder started since: only the holder may drop them.
	if len(dropped) > 0 && e.holds(arn, r.fence) {
		done = append(done, dropped...)
	}
	if len(done) > 0 {
		if err := e.deps.Cluster.DeleteMessages(e.ctx, done); err != nil && e.ctx.Err() == nil {
			e.log.Warn("delete messages", "arn", arn, "err", err)
		}
	}
}

// fireHeld fires, in order, the timers of a claimed execution that were
// due by until (the time of the next queued message), as its node would
// have before that message arrived.
func (e *Engine) fireHeld(r *run, until time.Time) {
	// A message from a node whose clock runs ahead must not fire a timer
	// early.
	if now := e.clock(); until.After(now) {
		until = now
	}
	r.mu.Lock()
	var ids []int64
	for id, at := range r.heldTimers {
		if !at.After(until) {
			ids = append(ids, id)
		}
	}
	due := make([]time.Time, len(ids))
	slices.SortFunc(ids, func(a, b int64) int {
		if c := r.heldTimers[a].Compare(r.heldTimers[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for i, id := range ids {
		due[i] = r.heldTimers[id]
		delete(r.heldTimers, id)
	}
	r.mu.Unlock()
	same := func(x *run) bool { return x == r } // not a copy that replaced it
	for i, id := range ids {
		e.deliverIf(r.arn, interp.TimerFired{Time: due[i].UTC(), TimerID: id}, same)
	}
}

// resumeHeld arms the timers and runs again the tasks a claimed execution
// still waits for once its queued messages are applied.
func (e *Engine) resumeHeld(r *run) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.held {
		return
	}
	timers, tasks, waiting := r.heldTimers, r.heldTasks, r.heldTask
	r.held, r.heldTimers, r.heldTasks, r.heldTask = false, nil, nil, nil
	if r.gone {
		return
	}
	e.timers.addAll(r.arn, timers)
	if len(tasks) > 0 {
		r.answered = e.queuedAnswers(e.ctx, r.arn)
		defer func() { r.answered = nil }()
	}
	for _, t := range tasks {
		if !waiting[t.TaskID] {
			continue // it ended meanwhile
		}
		r.invocations[t.StateName]-- // it is run again, not anew
		r.resumed[t.TaskID] = true
		e.runTask(r, t)
	}
}

// holds reports whether this node still holds the execution's lease with
// fence.
func (e *Engine) holds(arn string, fence int64) bool {
	ex, err := e.deps.Store.GetExecution(e.ctx, arn)
	return err == nil && ex.Lease.Node == e.cfg.Node && ex.Lease.Fence == fence
}

// taskIDOf returns the task an input answers.
func taskIDOf(in interp.Input) int64 {
	switch in := in.(type) {
	case interp.TaskStarted:
		return in.TaskID
	case interp.TaskSucceeded:
		return in.TaskID
	case interp.TaskFailed:
		return in.TaskID
	case interp.TaskHeartbeat:
		return in.TaskID
	case interp.TaskSubmitted:
		return in.TaskID
	}
	return 0
}

// parkTask keeps a task waiting for its token: in memory and, in a
// cluster, in the store, where any node finds it and where activity tasks
// are handed to workers, unless record is false (its answer is already
// queued). It returns once the store has it, before the token can leave
// this node, or, when the store failed to take it, a function that keeps
// trying until it does or ctx ends (the token must not leave before: no
// answer to it would be accepted).
func (e *Engine) parkTask(token string, p parked, record bool) (retry func(ctx context.Context)) {
	if e.deps.Cluster == nil {
		e.calls.park(token, p)
		return nil
	}
	local := p
	local.activity = "" // handed out from the store, not from memory
	e.calls.park(token, local)
	if !record {
		return nil
	}
	ref := store.TaskRef{Token: token, ExecutionARN: p.execution, TaskID: p.taskID, Activity: p.activity, Input: p.input}
	for try := 1; ; try++ {
		err := e.deps.Cluster.PutTask(e.ctx, ref)
		if err == nil || e.ctx.Err() != nil {
			return nil
		}
		if try == 3 {
			e.log.Error("record task token", "arn", p.execution, "err", err)
			return func(ctx context.Context) { e.recordTask(ctx, ref) }
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// recordTask records a task the store failed to take, trying until it
// does, the task no longer waits here or ctx ends.
func (e *Engine) recordTask(ctx context.Context, ref store.TaskRef) {
	for delay := 100 * time.Millisecond; ; delay = min(2*delay, 5*time.Second) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		if _, ok := e.calls.lookup(ref.Token); !ok {
			return
		}
		err := e.deps.Cluster.PutTask(ctx, ref)
		if err == nil {
			return
		}
		e.log.Error("record task token", "arn", ref.ExecutionARN, "err", err)
	}
}

// queuedAnswers returns the tokens whose final answer (success or
// failure) waits in the execution's inbox.
func (e *Engine) queuedAnswers(ctx context.Context, arn string) map[string]bool {
	msgs, err := e.deps.Cluster.Inbox(ctx, "", arn)
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	for _, m := range msgs {
		if m.Token == "" {
			continue
		}
		switch in, _ := interp.UnmarshalInput(m.Input); in.(type) {
		case interp.TaskSucceeded, interp.TaskFailed:
			out[m.Token] = true
		}
	}
	return out
}

// dropTokens forgets, in the store, tokens whose tasks ended. A token left
// behind (this node stopped first) is swept once its execution ends.
func (e *Engine) dropTokens(tokens []string) {
	if e.deps.Cluster == nil || len(tokens) == 0 {
		return
	}
	e.goTracked(func() {
		if err := e.deps.Cluster.DeleteTasks(e.ctx, tokens); err != nil && e.ctx.Err() == nil {
			e.log.Warn("delete task tokens", "err", err)
		}
	})
}

// answerCluster queues a SendTask* answer for the execution's holder; a
// final answer consumes the token in the same transaction, so two answers
// to one token are never both accepted. When this node is the holder it
// applies the answer before returning.
func (e *Engine) answerCluster(ctx context.Context, token string, final bool, input func(taskID int64) interp.Input) error {
	cl := e.deps.Cluster
	var ref store.TaskRef
	if p, ok := e.calls.lookup(token); ok {
		ref.ExecutionARN, ref.TaskID = p.execution, p.taskID
	} else {
		var err error
		if ref, err = cl.Task(ctx, token); errors.Is(err, store.ErrNotFound) {
			return unknownToken(token)
		} else if err != nil {
			return err
		}
	}
	m := store.Message{ExecutionARN: ref.ExecutionARN, Input: interp.MarshalInput(input(ref.TaskID)), Token: token}
	if _, err := cl.Send(ctx, m, final); errors.Is(err, store.ErrNotFound) {
		return unknownToken(token)
	} else if err != nil {
		return err
	}
	if e.isLocal(ref.ExecutionARN) {
		e.drain(ref.ExecutionARN)
	}
	return nil
}

// takeActivityTask is GetActivityTask in a cluster: the task comes from the
// store, and its start goes to the execution's holder as a message.
func (e *Engine) takeActivityTask(ctx context.Context, activity, worker string) (string, string, error) {
	cl := e.deps.Cluster
	for {
		wake := e.calls.waiter(activity) // before taking: a task put meanwhile wakes it
		ref, err := cl.TakeActivityTask(ctx, activity)
		switch {
		case err == nil:
			started := interp.TaskStarted{Time: e.clock().UTC(), TaskID: ref.TaskID, WorkerName: worker}
			m := store.Message{ExecutionARN: ref.ExecutionARN, Input: interp.MarshalInput(started), Token: ref.Token}
			// The task is marked handed out: given up, no worker would
			// ever get it.
			for delay := 50 * time.Millisecond; ; delay = min(2*delay, 2*time.Second) {
				_, err := cl.Send(e.ctx, m, false)
				if err == nil {
					break
				}
				e.log.Error("queue activity task start", "arn", ref.ExecutionARN, "err", err)
				select {
				case <-e.ctx.Done():
					return "", "", fmt.Errorf("activity task started: %w", err)
				case <-time.After(delay):
				}
			}
			if e.isLocal(ref.ExecutionARN) {
				e.drain(ref.ExecutionARN)
			}
			return ref.Token, ref.Input, nil
		case !errors.Is(err, store.ErrNotFound):
			if ctx.Err() != nil || e.ctx.Err() != nil {
				return "", "", nil
			}
			return "", "", err
		}
		select {
		case <-wake:
		case <-time.After(activityRepoll):
		case <-ctx.Done():
			return "", "", nil
		case <-e.ctx.Done():
			return "", "", nil
		}
	}
}

// stopRemote stops an execution another node works (or none does, until
// its lease expires): the Stop is queued for the holder, and the caller
// waits a little for it to apply, so a DescribeExecution that follows sees
// the execution ABORTED.
func (e *Engine) stopRemote(ctx context.Context, arn string, stop interp.Stop) (time.Time, error) {
	ex, err := e.deps.Store.GetExecution(ctx, arn)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %s", ErrExecutionNotFound, arn)
	}
	if ex.Status != interp.Running {
		return ex.StopDate, nil
	}
	if _, err := e.deps.Cluster.Send(ctx, store.Message{ExecutionARN: arn, Input: interp.MarshalInput(stop)}, false); err != nil {
		return time.Time{}, err
	}
	deadline := time.Now().Add(10 * time.Second)
	for delay := 5 * time.Millisecond; time.Now().Before(deadline); delay = min(2*delay, 200*time.Millisecond) {
		select {
		case <-ctx.Done():
			return stop.Time, nil
		case <-time.After(delay):
		}
		if ex, err := e.deps.Store.GetExecution(ctx, arn); err == nil && ex.Status != interp.Running {
			return ex.StopDate, nil
		}
	}
	return stop.Time, nil
}

// checkWatchers answers parents whose .sync child ended on another node.
func (e *Engine) checkWatchers() {
	e.mu.Lock()
	children := make([]string, 0, len(e.watchers))
	for child := range e.watchers {
		if e.active[child] == nil {
			children = append(children, child)
		}
	}
	e.mu.Unlock()
	for _, child := range children {
		if ex, err := e.deps.Store.GetExecution(e.ctx, child); err == nil && ex.Status != interp.Running {
			e.childEnded(child)
		}
	}
}
