package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

// Errors of the task-token actions; the api maps them to AWS's names.
var (
	ErrInvalidToken     = errors.New("invalid token")
	ErrTaskDoesNotExist = errors.New("task does not exist")
)

// Mocked is an Invoker result that completes a task even when the task
// waits for a callback (.waitForTaskToken) or an activity worker: a mock
// answers for the worker.
type Mocked struct{ Output any }

// MaxActivityPoll is how long GetActivityTask waits for a task, as on AWS.
const MaxActivityPoll = 60 * time.Second

// parked is a task waiting for SendTask* by its token.
type parked struct {
	execution string
	taskID    int64
	activity  string // the activity ARN, for activity tasks
	input     string // the task's input as JSON text, handed to workers
}

// callbacks holds the tasks that wait on a token, and the activity tasks
// not yet handed to a worker. Parked tasks cost map entries, not
// goroutines.
type callbacks struct {
	mu      sync.Mutex
	byToken map[string]parked
	queues  map[string][]string      // activity ARN -> tokens not yet handed out
	wake    map[string]chan struct{} // activity ARN -> closed when work arrives
}

func newCallbacks() *callbacks {
	return &callbacks{byToken: map[string]parked{}, queues: map[string][]string{}, wake: map[string]chan struct{}{}}
}

func (c *callbacks) park(token string, p parked) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byToken[token] = p
	if p.activity != "" {
		c.queues[p.activity] = append(c.queues[p.activity], token)
		if ch, ok := c.wake[p.activity]; ok {
			close(ch)
			delete(c.wake, p.activity)
		}
	}
}

// release forgets a token (its task ended or was cancelled).
func (c *callbacks) release(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.byToken[token]
	if !ok {
		return
	}
	delete(c.byToken, token)
	if p.activity != "" {
		q := c.queues[p.activity]
		for i, t := range q {
			if t == token {
				c.queues[p.activity] = append(q[:i], q[i+1:]...)
				break
			}
		}
	}
}

func (c *callbacks) lookup(token string) (parked, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.byToken[token]
	return p, ok
}

// notify wakes the pollers of an activity.
func (c *callbacks) notify(activity string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.wake[activity]; ok {
		close(ch)
		delete(c.wake, activity)
	}
}

// waiter returns a channel closed when notify is next called for activity.
func (c *callbacks) waiter(activity string) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, ok := c.wake[activity]
	if !ok {
		ch = make(chan struct{})
		c.wake[activity] = ch
	}
	return ch
}

// take hands the next task of an activity to a worker, or returns a
// channel closed when one may have arrived.
func (c *callbacks) take(activity string) (string, parked, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.queues[activity]) > 0 {
		token := c.queues[activity][0]
		c.queues[activity] = c.queues[activity][1:]
		if p, ok := c.byToken[token]; ok {
			return token, p, nil
		}
	}
	ch, ok := c.wake[activity]
	if !ok {
		ch = make(chan struct{})
		c.wake[activity] = ch
	}
	return "", parked{}, ch
}

// isActivity reports whether a Task resource is an activity.
func isActivity(resource string) bool { return strings.Contains(resource, ":activity:") }

// waitsForCallback reports whether a task ends only through SendTask*.
func waitsForCallback(resource string) bool {
	return strings.HasSuffix(resource, ".waitForTaskToken")
}

// GetActivityTask long-polls for a task of an activity (up to
// MaxActivityPoll or until ctx ends) and hands it to the worker. It returns
// an empty token when none arrived.
func (e *Engine) GetActivityTask(ctx context.Context, activityARN, worker string) (token, input string, err error) {
	ctx, cancel := context.WithTimeout(ctx, MaxActivityPoll)
	defer cancel()
	if e.deps.Cluster != nil {
		return e.takeActivityTask(ctx, activityARN, worker)
	}
	for {
		token, p, wait := e.calls.take(activityARN)
		if token != "" {
			if err := e.deliverToken(token, p, interp.TaskStarted{Time: e.clock().UTC(), TaskID: p.taskID, WorkerName: worker}); err != nil {
				continue // the task or its execution ended meanwhile
			}
			return token, p.input, nil
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return "", "", nil
		case <-e.ctx.Done():
			return "", "", nil
		}
	}
}

// tokenTask finds the task a token names.
func (e *Engine) tokenTask(token string) (parked, error) {
	p, ok := e.calls.lookup(token)
	if ok {
		return p, nil
	}
	return parked{}, unknownToken(token)
}

// unknownToken tells a token whose task ended from one Cairn never issued.
func unknownToken(token string) error {
	if len(token) == 64 && strings.Trim(token, "0123456789abcdef") == "" {
		return fmt.Errorf("%w: the task for this token is no longer running", ErrTaskDoesNotExist)
	}
	return fmt.Errorf("%w: the token is not one Cairn issued", ErrInvalidToken)
}

// answer applies an answer sent with a task token: on this node, or in a
// cluster through the store to whichever node works the execution. final
// answers (success, failure) consume the token.
func (e *Engine) answer(ctx context.Context, token string, final bool, input func(taskID int64) interp.Input) error {
	if e.deps.Cluster != nil {
		return e.answerCluster(ctx, token, final, input)
	}
	p, err := e.tokenTask(token)
	if err != nil {
		return err
	}
	return e.deliverToken(token, p, input(p.taskID))
}

// SendTaskSuccess completes the task a token names with output (JSON).
func (e *Engine) SendTaskSuccess(ctx context.Context, token, output string) error {
	out, err := value.ParseString(output)
	if err != nil {
		return fmt.Errorf("invalid output: %w", err)
	}
	return e.answer(ctx, token, true, func(id int64) interp.Input {
		return interp.TaskSucceeded{Time: e.clock().UTC(), TaskID: id, Output: out}
	})
}

// SendTaskFailure fails the task a token names.
func (e *Engine) SendTaskFailure(ctx context.Context, token, errName, cause string) error {
	return e.answer(ctx, token, true, func(id int64) interp.Input {
		return interp.TaskFailed{Time: e.clock().UTC(), TaskID: id, Error: errName, Cause: cause}
	})
}

// SendTaskHeartbeat records a heartbeat for the task a token names.
func (e *Engine) SendTaskHeartbeat(ctx context.Context, token string) error {
	return e.answer(ctx, token, false, func(id int64) interp.Input {
		return interp.TaskHeartbeat{Time: e.clock().UTC(), TaskID: id}
	})
}
