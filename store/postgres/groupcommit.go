package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cairn-sfn/cairn/store"
)

// Group commit. Every CreateExecution and CommitSteps call queues a request;
// the writer goroutine takes everything queued (up to maxBatchSteps steps)
// and sends it as one pipelined batch, BEGIN and one statement per step,
// then COMMIT: two round trips and one WAL flush for the whole group. While
// one group commits, the next gathers, with no timer and no added latency
// when the store is idle. Each caller is woken with its own per-step
// results.
//
// Each step is a single statement (stepSQL) that fences, appends and
// reports in one go, so a stale or missing step writes nothing and leaves
// the transaction intact. A step that the server refuses outright (a
// duplicate event id: class 23; bad data such as a NUL in a text: class 22)
// aborts the transaction; the group is rolled back and replayed without
// that step, whose error goes to its caller alone.

// maxBatchSteps bounds one transaction, so one huge group cannot hold back
// the callers queued behind it for long.
const maxBatchSteps = 2048

// batchTimeout bounds one group's transaction, so a server that stops
// answering fails the callers instead of hanging them.
const batchTimeout = time.Minute

// createSQL inserts an execution with its first step. It returns one row:
// the new id, NULL when the ARN is taken.
const createSQL = `WITH e AS (
	INSERT INTO executions (arn, state_machine_arn, version_arn, alias_arn, name, status, role_arn, output,
		error, cause, trace_header, seed, start_date, stop_date, version, redrive_count)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
	ON CONFLICT (arn) DO NOTHING RETURNING id),
sp AS (INSERT INTO execution_specs (execution_id, definition, input) SELECT id, $17, $18 FROM e),
j AS (INSERT INTO execution_journal (execution_id, version, input) SELECT id, $15, $19 FROM e WHERE $19::bytea IS NOT NULL),
ev AS (INSERT INTO execution_events (execution_id, id, body)
	SELECT e.id, x.id, x.body FROM e, unnest($20::bigint[], $21::bytea[]) AS x (id, body))
SELECT (SELECT id FROM e), NULL::bigint`

// stepSQL returns the statement that commits one step (ending the
// execution when end is set). It returns one row: the execution's id when
// the step committed, else NULL and the current version (NULL too when
// the execution does not exist). The version is read from the statement's
// snapshot, from before its own UPDATE.
func stepSQL(end bool) string {
	set := `version = $2`
	if end {
		set += `, status = $6, output = $7, error = $8, cause = $9, stop_date = $10`
	}
	return `WITH u AS (UPDATE executions SET ` + set + ` WHERE arn = $1 AND version = $2 - 1 RETURNING id),
j AS (INSERT INTO execution_journal (execution_id, version, input) SELECT id, $2, $3 FROM u WHERE $3::bytea IS NOT NULL),
ev AS (INSERT INTO execution_events (execution_id, id, body)
	SELECT u.id, x.id, x.body FROM u, unnest($4::bigint[], $5::bytea[]) AS x (id, body))
SELECT (SELECT id FROM u), (SELECT version FROM executions WHERE arn = $1)`
}

var advanceSQL, endSQL = stepSQL(false), stepSQL(true)

// request is one caller's CreateExecution or CommitSteps.
type request struct {
	create *store.Execution // set for CreateExecution: steps[0] is its first step
	steps  []store.Step
	errs   []error // per step
	err    error   // the transaction failed: nothing of the request committed
	done   chan struct{}
}

type committer struct {
	pool *pgxpool.Pool

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []*request
	closed  bool
	writers sync.WaitGroup
	batches atomic.Int64 // transactions committed, for tests and benchmarks
}

// newCommitter starts n writers. Each takes everything queued when it is
// free, so with n > 1 one group executes while another waits for its WAL
// flush.
func newCommitter(pool *pgxpool.Pool, n int) *committer {
	c := &committer{pool: pool}
	c.cond = sync.NewCond(&c.mu)
	for range n {
		c.writers.Go(c.run)
	}
	return c
}

// submit queues a request and waits for its transaction. ctx is checked
// only before queuing: once queued, the outcome is always reported.
func (c *committer) submit(ctx context.Context, create *store.Execution, steps []store.Step) ([]error, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := &request{create: create, steps: steps, errs: make([]error, len(steps)), done: make(chan struct{})}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, errors.New("postgres store: closed")
	}
	c.queue = append(c.queue, r)
	c.cond.Signal()
	c.mu.Unlock()
	<-r.done
	return r.errs, r.err
}

// close stops accepting requests, lets the writer commit what is queued and
// waits for it to stop.
func (c *committer) close() {
	c.mu.Lock()
	c.closed = true
	c.cond.Broadcast()
	c.mu.Unlock()
	c.writers.Wait()
}

func (c *committer) run() {
	for {
		c.mu.Lock()
		for len(c.queue) == 0 && !c.closed {
			c.cond.Wait()
		}
		if len(c.queue) == 0 {
			c.mu.Unlock()
			return
		}
		n, steps := 0, 0
		for n < len(c.queue) && (n == 0 || steps+len(c.queue[n].steps) <= maxBatchSteps) {
			steps += len(c.queue[n].steps)
			n++
		}
		batch := make([]*request, n)
		copy(batch, c.queue)
		rest := copy(c.queue, c.queue[n:])
		clear(c.queue[rest:])
		c.queue = c.queue[:rest]
		c.mu.Unlock()

		c.commit(batch)
		c.batches.Add(1)
		for _, r := range batch {
			close(r.done)
		}
	}
}

// op is one step of a batch.
type op struct {
	r      *request
	i      int
	failed bool // refused by the server: left out of every retry
}

func (o *op) step() store.Step { return o.r.steps[o.i] }

// commit writes one batch, retrying without any step the server refused.
// Any other failure fails the whole batch: the database, not a step, is at
// fault, and retrying step by step would only repeat it.
func (c *committer) commit(batch []*request) {
	var ops []op
	for _, r := range batch {
		for i := range r.steps {
			ops = append(ops, op{r: r, i: i})
		}
	}
	// Row locks in ARN order (see the package doc); stable, so steps of
	// one execution keep their order.
	slices.SortStableFunc(ops, func(a, b op) int { return strings.Compare(a.step().ExecutionARN, b.step().ExecutionARN) })
	for {
		bad, err := c.attempt(ops)
		if err != nil {
			for _, r := range batch {
				r.err = err
			}
			return
		}
		if bad < 0 {
			return
		}
		ops[bad].failed = true
	}
}

// attempt runs the batch in one transaction. It returns the index of an op
// the server refused (the transaction is then rolled back), or -1 and the
// transaction's error.
func (c *committer) attempt(ops []op) (int, error) {
	// One caller's deadline must not fail the others.
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	conn, err := c.pool.Acquire(ctx)
	if err != nil {
		return -1, fmt.Errorf("postgres store: %w", err)
	}
	defer conn.Release()

	b := &pgx.Batch{}
	b.BeginTx(pgx.TxOptions{})
	live := make([]int, 0, len(ops))
	for k := range ops {
		if ops[k].failed {
			continue
		}
		queue(b, &ops[k])
		live = append(live, k)
	}
	br := conn.SendBatch(ctx, b)
	tx := br.Tx()
	abort := func(bad int, err error) (int, error) {
		br.Close()
		tx.Rollback(ctx) // fails only with the connection, which is then discarded
		return bad, err
	}
	if _, err := br.Exec(); err != nil {
		return abort(-1, fmt.Errorf("postgres store: begin: %w", err))
	}
	for _, k := range live {
		o := &ops[k]
		var id, cur *int64
		err := br.QueryRow().Scan(&id, &cur)
		if err != nil {
			if code := pgCode(err); strings.HasPrefix(code, "22") || strings.HasPrefix(code, "23") {
				o.r.errs[o.i] = o.describe(err)
				return abort(k, nil)
			}
			return abort(-1, fmt.Errorf("postgres store: %w", err))
		}
		o.r.errs[o.i] = o.outcome(id, cur)
	}
	if err := br.Close(); err != nil {
		return abort(-1, fmt.Errorf("postgres store: %w", err))
	}
	if err := tx.Commit(ctx); err != nil {
		return -1, fmt.Errorf("postgres store: commit: %w", err)
	}
	return -1, nil
}

// queue adds o's statement to b.
func queue(b *pgx.Batch, o *op) {
	st := o.step()
	ids := make([]int64, len(st.Events))
	bodies := make([][]byte, len(st.Events))
	for i, ev := range st.Events {
		ids[i], bodies[i] = ev.ID, ev.JSON
	}
	if e := o.create(); e != nil {
		x := *e
		x.Version = st.Version
		if ended(st) {
			x.Status, x.Output, x.Error, x.Cause, x.StopDate = st.Status, st.Output, st.Error, st.Cause, st.StopDate
		}
		b.Queue(createSQL, x.ARN, x.StateMachineARN, x.VersionARN, x.AliasARN, x.Name, x.Status, x.RoleARN, x.Output,
			x.Error, x.Cause, x.TraceHeader, int64(x.Seed), nanos(x.StartDate), nanos(x.StopDate), x.Version,
			x.RedriveCount, x.Definition, x.Input, st.Input, ids, bodies)
		return
	}
	if ended(st) {
		b.Queue(endSQL, st.ExecutionARN, st.Version, st.Input, ids, bodies,
			st.Status, st.Output, st.Error, st.Cause, nanos(st.StopDate))
		return
	}
	b.Queue(advanceSQL, st.ExecutionARN, st.Version, st.Input, ids, bodies)
}

// create returns the execution o creates, or nil for a plain step.
func (o *op) create() *store.Execution {
	if o.i == 0 {
		return o.r.create
	}
	return nil
}

// outcome turns a step statement's answer into the step's error.
func (o *op) outcome(id, cur *int64) error {
	st := o.step()
	switch {
	case id != nil:
		return nil
	case o.create() != nil:
		return fmt.Errorf("create execution %s: %w", st.ExecutionARN, store.ErrAlreadyExists)
	case cur == nil:
		return fmt.Errorf("commit step of %s: %w", st.ExecutionARN, store.ErrNotFound)
	default:
		return fmt.Errorf("commit step %d of %s (at %d): %w", st.Version, st.ExecutionARN, *cur, store.ErrStaleVersion)
	}
}

// describe wraps the server's refusal of o.
func (o *op) describe(err error) error {
	st := o.step()
	if o.create() != nil {
		return fmt.Errorf("create execution %s: %w", st.ExecutionARN, err)
	}
	return fmt.Errorf("commit step %d of %s: %w", st.Version, st.ExecutionARN, err)
}
