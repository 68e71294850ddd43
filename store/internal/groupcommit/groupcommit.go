// Package groupcommit is the queue behind the SQLite and PostgreSQL stores'
// group commit: callers of CreateExecution and CommitSteps queue their
// steps and wait; a writer takes everything queued (up to a step budget),
// commits it in one transaction, fills in each caller's results and wakes
// them. How a group is written is the store's; this package only gathers
// and hands out.
package groupcommit

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/cairn-sfn/cairn/store"
)

// ErrClosed: the queue no longer takes requests.
var ErrClosed = errors.New("closed")

// Request is one caller's CreateExecution or CommitSteps. The writer sets
// Errs (one per step) or Err (the transaction failed: nothing of the
// request committed).
type Request struct {
	Create *store.Execution // set for CreateExecution: Steps[0] is its first step
	Steps  []store.Step
	Errs   []error
	Err    error
	done   chan struct{}
}

// Queue gathers requests for writers.
type Queue struct {
	name     string // the store, for errors: "sqlite store"
	maxSteps int
	linger   bool

	mu     sync.Mutex
	cond   *sync.Cond
	queue  []*Request
	closed bool
}

// New returns a queue whose groups hold at most maxSteps steps (a larger
// request goes alone). With linger, a writer yields while the queue still
// grows before taking a group, so callers just woken by the previous group
// join this one instead of paying for another fsync.
// name names the store in errors.
func New(name string, maxSteps int, linger bool) *Queue {
	q := &Queue{name: name, maxSteps: maxSteps, linger: linger}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Submit queues a request and waits for its group. ctx is checked only
// before queuing: once queued, the outcome is always reported.
func (q *Queue) Submit(ctx context.Context, create *store.Execution, steps []store.Step) ([]error, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := &Request{Create: create, Steps: steps, Errs: make([]error, len(steps)), done: make(chan struct{})}
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil, fmt.Errorf("%s: %w", q.name, ErrClosed)
	}
	q.queue = append(q.queue, r)
	q.cond.Signal()
	q.mu.Unlock()
	<-r.done
	return r.Errs, r.Err
}

// Create is store.Executions.CreateExecution through the queue.
func (q *Queue) Create(ctx context.Context, e store.Execution, first store.Step) error {
	if first.ExecutionARN != "" && first.ExecutionARN != e.ARN {
		return fmt.Errorf("create execution %s: first step is for %s", e.ARN, first.ExecutionARN)
	}
	first.ExecutionARN = e.ARN
	if first.Version != e.Version+1 {
		return fmt.Errorf("create execution %s: first step has version %d, not %d: %w", e.ARN, first.Version, e.Version+1, store.ErrStaleVersion)
	}
	errs, err := q.Submit(ctx, &e, []store.Step{first})
	if err != nil {
		return fmt.Errorf("create execution %s: %w", e.ARN, err)
	}
	return errs[0]
}

// Commit is store.Executions.CommitSteps through the queue: it returns
// once the steps' group has committed. ctx is only checked before the
// steps are queued, so the caller always learns whether they committed.
func (q *Queue) Commit(ctx context.Context, steps []store.Step) ([]error, error) {
	if len(steps) == 0 {
		return []error{}, nil
	}
	errs, err := q.Submit(ctx, nil, steps)
	if err != nil {
		return nil, fmt.Errorf("commit steps: %w", err)
	}
	return errs, nil
}

// Close stops taking requests; writers still take what is queued.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
}

// Take waits for requests and returns the next group, or nil once the
// queue is closed and empty.
func (q *Queue) Take() []*Request {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.queue) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.queue) == 0 {
		return nil
	}
	if q.linger {
		// An idle store pays one Gosched, no timer.
		for range 8 {
			n := len(q.queue)
			q.mu.Unlock()
			runtime.Gosched()
			q.mu.Lock()
			if len(q.queue) == n {
				break
			}
		}
	}
	n, steps := 0, 0
	for n < len(q.queue) && (n == 0 || steps+len(q.queue[n].Steps) <= q.maxSteps) {
		steps += len(q.queue[n].Steps)
		n++
	}
	batch := make([]*Request, n)
	copy(batch, q.queue)
	rest := copy(q.queue, q.queue[n:])
	clear(q.queue[rest:])
	q.queue = q.queue[:rest]
	return batch
}

// Done wakes the callers of a group whose results are filled in.
func Done(batch []*Request) {
	for _, r := range batch {
		close(r.done)
	}
}
