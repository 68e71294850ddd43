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
	"github.com/cairn-sfn/cairn/store/internal/groupcommit"
)

// Group commit. Every CreateExecution and CommitSteps call queues a request;
// a free writer takes everything queued (up to maxBatchSteps steps) and
// sends it as one pipelined batch, BEGIN, a statement per creation and one
// per round of steps, then COMMIT: two round trips and one WAL flush for
// the whole group. While one group commits, the next gathers, with no timer
// and no added latency when the store is idle. Each caller is woken with
// its own per-step results.
//
// Step statements fence, append and report in one go, so a stale or
// missing step writes nothing and leaves the transaction intact. A step
// that the server refuses outright (a duplicate event id: class 23; bad
// data such as a NUL in a text: class 22) aborts the transaction; the
// group is rolled back and replayed one statement per step (stepSQL) to
// find the step, then without it, whose error goes to its caller alone.

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
		error, cause, trace_header, seed, start_date, stop_date, version, redrive_count, owner, fence)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $22, $23)
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
// snapshot, from before its own UPDATE. A fence ($6) other than 0 must be
// the execution's; a mismatch, like a stale version, leaves the id NULL and
// the version set, which outcome reports as store.ErrStaleVersion.
func stepSQL(end bool) string {
	set := `version = $2`
	if end {
		set += `, status = $7, output = $8, error = $9, cause = $10, stop_date = $11`
	}
	return `WITH u AS (UPDATE executions SET ` + set + ` WHERE arn = $1 AND version = $2 - 1 AND ($6 = 0 OR fence = $6)
	RETURNING id),
j AS (INSERT INTO execution_journal (execution_id, version, input) SELECT id, $2, $3 FROM u WHERE $3::bytea IS NOT NULL),
ev AS (INSERT INTO execution_events (execution_id, id, body)
	SELECT u.id, x.id, x.body FROM u, unnest($4::bigint[], $5::bytea[]) AS x (id, body))
SELECT (SELECT id FROM u), (SELECT version FROM executions WHERE arn = $1)`
}

var advanceSQL, endSQL = stepSQL(false), stepSQL(true)

// redriveSQL commits a step that reopens an ended execution (store.Step's
// Redrive), as stepSQL does; a node ($12, empty for none) takes its lease.
const redriveSQL = `WITH u AS (UPDATE executions SET version = $2, status = $7, output = $8, error = $9, cause = $10,
		stop_date = $11, redrive_count = redrive_count + 1,
		owner = CASE WHEN $12 = '' THEN owner ELSE $12 END,
		fence = CASE WHEN $12 = '' THEN fence ELSE fence + 1 END
	WHERE arn = $1 AND version = $2 - 1 AND ($6 = 0 OR fence = $6)
	RETURNING id),
j AS (INSERT INTO execution_journal (execution_id, version, input) SELECT id, $2, $3 FROM u WHERE $3::bytea IS NOT NULL),
ev AS (INSERT INTO execution_events (execution_id, id, body)
	SELECT u.id, x.id, x.body FROM u, unnest($4::bigint[], $5::bytea[]) AS x (id, body))
SELECT (SELECT id FROM u), (SELECT version FROM executions WHERE arn = $1)`

// request is one caller's CreateExecution or CommitSteps.
type request = groupcommit.Request

type committer struct {
	pool    *pgxpool.Pool
	queue   *groupcommit.Queue
	writers sync.WaitGroup
	batches atomic.Int64 // transactions committed, for tests and benchmarks
}

// newCommitter starts n writers. Each takes everything queued when it is
// free, so with n > 1 one group executes while another waits for its WAL
// flush.
func newCommitter(pool *pgxpool.Pool, n int) *committer {
	c := &committer{pool: pool, queue: groupcommit.New("postgres store", maxBatchSteps, false)}
	for range n {
		c.writers.Go(c.run)
	}
	return c
}

// close stops accepting requests, lets the writers commit what is queued
// and waits for them to stop.
func (c *committer) close() {
	c.queue.Close()
	c.writers.Wait()
}

func (c *committer) run() {
	for batch := c.queue.Take(); batch != nil; batch = c.queue.Take() {
		c.commit(batch)
		c.batches.Add(1)
		groupcommit.Done(batch)
	}
}

// op is one step of a batch.
type op struct {
	r      *request
	i      int
	failed bool // refused by the server: left out of every retry
}

func (o *op) step() store.Step { return o.r.Steps[o.i] }

// commit writes one batch, retrying without any step the server refused.
// Any other failure fails the whole batch: the database, not a step, is at
// fault, and retrying step by step would only repeat it.
func (c *committer) commit(batch []*request) {
	var ops []op
	for _, r := range batch {
		for i := range r.Steps {
			ops = append(ops, op{r: r, i: i})
		}
	}
	// Row locks in ARN order (see the package doc); stable, so steps of
	// one execution keep their order.
	slices.SortStableFunc(ops, func(a, b op) int { return strings.Compare(a.step().ExecutionARN, b.step().ExecutionARN) })
	perStep, retries := false, 0
	for {
		bad, err := c.attempt(ops, perStep)
		switch {
		case errors.Is(err, errRoundRefused):
			perStep = true // find the step at fault
		case retryable(err) && retries < maxRetries:
			// Rolled back whole, so trying again is safe. Steps are
			// written in ARN order, but a round's UPDATE locks rows in
			// its plan's order, so two writers sharing executions can
			// deadlock.
			retries++
		case err != nil:
			for _, r := range batch {
				r.Err = err
			}
			return
		case bad < 0:
			return
		default:
			ops[bad].failed = true
		}
	}
}

// maxRetries bounds how often a batch is retried after a deadlock or a
// serialisation failure.
const maxRetries = 5

// retryable reports a transaction the server aborted for its timing, not
// its content: a deadlock or a serialisation failure.
func retryable(err error) bool {
	code := pgCode(err)
	return code == "40P01" || code == "40001"
}

// errRoundRefused: the server refused a round statement, which does not
// tell which of its steps was at fault.
var errRoundRefused = errors.New("round refused")

// stepFault reports an error that one step's data caused (class 22, data
// exception, or 23, integrity constraint violation); it aborts the
// transaction but says nothing against the others.
func stepFault(err error) bool {
	code := pgCode(err)
	return strings.HasPrefix(code, "22") || strings.HasPrefix(code, "23")
}

// pending is a queued statement whose answer attempt reads: one op's
// (createSQL, advanceSQL, endSQL) or a round's (roundSQL).
type pending struct {
	op     int   // index in ops, or -1 for a round
	round  []int // the round's ops, in its ordinality order
	create bool  // the round creates executions (createRoundSQL)
}

// attempt runs the batch in one transaction. It returns the index of an op
// the server refused (the transaction is then rolled back), or -1 and the
// transaction's error. Unless perStep, the plain steps are written by
// round statements: round n holds the n-th step of each execution in the
// batch, so a round touches an execution at most once.
func (c *committer) attempt(ops []op, perStep bool) (int, error) {
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
	var queued []pending
	var rounds, creates [][]int
	seen, createdSeen := map[string]int{}, map[string]int{}
	for k := range ops {
		o := &ops[k]
		if o.failed {
			continue
		}
		if !perStep && o.create() != nil {
			// Creations go by rounds too, an ARN at most once a round
			// (two starts with one name: the second finds the first).
			n := createdSeen[o.step().ExecutionARN]
			createdSeen[o.step().ExecutionARN] = n + 1
			for len(creates) <= n {
				creates = append(creates, nil)
			}
			creates[n] = append(creates[n], k)
			continue
		}
		if perStep || o.create() != nil || o.step().Redrive {
			// A redrive is rare: it goes alone, not in a round.
			queued = append(queued, pending{op: k})
			queue(b, o)
			continue
		}
		n := seen[o.step().ExecutionARN]
		seen[o.step().ExecutionARN] = n + 1
		for len(rounds) <= n {
			rounds = append(rounds, nil)
		}
		rounds[n] = append(rounds[n], k)
	}
	// Creates come first: a batch may hold an execution's creation and a
	// later step of it.
	for _, r := range creates {
		if len(r) == 1 {
			queued = append(queued, pending{op: r[0]})
			queue(b, &ops[r[0]])
			continue
		}
		queued = append(queued, pending{op: -1, round: r, create: true})
		queueCreateRound(b, ops, r)
	}
	for _, r := range rounds {
		queued = append(queued, pending{op: -1, round: r})
		queueRound(b, ops, r)
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
	for _, p := range queued {
		if p.op < 0 {
			if err := readRound(br, ops, p.round, p.create); err != nil {
				if stepFault(err) {
					return abort(-1, errRoundRefused)
				}
				return abort(-1, fmt.Errorf("postgres store: %w", err))
			}
			continue
		}
		o := &ops[p.op]
		var id, cur *int64
		if err := br.QueryRow().Scan(&id, &cur); err != nil {
			if stepFault(err) {
				o.r.Errs[o.i] = o.describe(err)
				return abort(p.op, nil)
			}
			return abort(-1, fmt.Errorf("postgres store: %w", err))
		}
		o.r.Errs[o.i] = o.outcome(id, cur)
	}
	if err := br.Close(); err != nil {
		return abort(-1, fmt.Errorf("postgres store: %w", err))
	}
	if err := tx.Commit(ctx); err != nil {
		return -1, fmt.Errorf("postgres store: commit: %w", err)
	}
	return -1, nil
}

// roundSQL commits several steps of distinct executions, given as arrays
// (one element per step, then one per event with its step's ordinality).
// It returns one row per step, as stepSQL does, with the ordinality first;
// a step's fence is checked as in stepSQL.
const roundSQL = `WITH s AS (
	SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[], $4::boolean[], $5::text[], $6::text[], $7::text[],
		$8::text[], $9::bigint[], $13::bigint[])
		WITH ORDINALITY AS s (arn, version, input, ends, status, output, error, cause, stop_date, fence, k)),
u AS (UPDATE executions e SET version = s.version,
		status = CASE WHEN s.ends THEN s.status ELSE e.status END,
		output = CASE WHEN s.ends THEN s.output ELSE e.output END,
		error = CASE WHEN s.ends THEN s.error ELSE e.error END,
		cause = CASE WHEN s.ends THEN s.cause ELSE e.cause END,
		stop_date = CASE WHEN s.ends THEN s.stop_date ELSE e.stop_date END
	FROM s WHERE e.arn = s.arn AND e.version = s.version - 1 AND (s.fence = 0 OR e.fence = s.fence)
	RETURNING e.id, s.k, s.version, s.input),
j AS (INSERT INTO execution_journal (execution_id, version, input) SELECT id, version, input FROM u WHERE input IS NOT NULL),
ev AS (INSERT INTO execution_events (execution_id, id, body)
	SELECT u.id, x.id, x.body FROM unnest($10::bigint[], $11::bigint[], $12::bytea[]) AS x (k, id, body) JOIN u ON u.k = x.k)
SELECT s.k, u.id, c.version FROM s LEFT JOIN u ON u.k = s.k LEFT JOIN executions c ON c.arn = s.arn`

// queueRound adds the round statement of ops[round] to b.
func queueRound(b *pgx.Batch, ops []op, round []int) {
	n := len(round)
	arns, versions, inputs, fences := make([]string, n), make([]int64, n), make([][]byte, n), make([]int64, n)
	ends, statuses, outputs, errs, causes, stops := make([]bool, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]int64, n)
	var evK, evID []int64
	var evBody [][]byte
	for i, k := range round {
		st := ops[k].step()
		arns[i], versions[i], inputs[i], fences[i] = st.ExecutionARN, st.Version, st.Input, st.Fence
		if ended(st) {
			ends[i], statuses[i], outputs[i], errs[i], causes[i], stops[i] = true, st.Status, st.Output, st.Error, st.Cause, nanos(st.StopDate)
		}
		for _, ev := range st.Events {
			evK, evID, evBody = append(evK, int64(i+1)), append(evID, ev.ID), append(evBody, ev.JSON)
		}
	}
	if evK == nil {
		evK, evID, evBody = []int64{}, []int64{}, [][]byte{}
	}
	b.Queue(roundSQL, arns, versions, inputs, ends, statuses, outputs, errs, causes, stops, evK, evID, evBody, fences)
}

// createRoundSQL creates several executions (distinct ARNs) with their
// first steps, given as arrays as roundSQL takes them. It returns one row
// per execution, its ordinality and its new id (NULL when the ARN was
// taken).
const createRoundSQL = `WITH x AS (
	SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
		$9::text[], $10::text[], $11::text[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::integer[],
		$17::text[], $18::bigint[], $19::text[], $20::text[], $21::bytea[])
	WITH ORDINALITY AS x (arn, state_machine_arn, version_arn, alias_arn, name, status, role_arn, output, error, cause,
		trace_header, seed, start_date, stop_date, version, redrive_count, owner, fence, definition, input, journal, k)),
e AS (INSERT INTO executions (arn, state_machine_arn, version_arn, alias_arn, name, status, role_arn, output,
		error, cause, trace_header, seed, start_date, stop_date, version, redrive_count, owner, fence)
	SELECT arn, state_machine_arn, version_arn, alias_arn, name, status, role_arn, output, error, cause, trace_header,
		seed, start_date, stop_date, version, redrive_count, owner, fence FROM x ORDER BY k
	ON CONFLICT (arn) DO NOTHING RETURNING id, arn),
ek AS (SELECT e.id, x.k, x.version, x.definition, x.input, x.journal FROM e JOIN x ON x.arn = e.arn),
sp AS (INSERT INTO execution_specs (execution_id, definition, input) SELECT id, definition, input FROM ek),
j AS (INSERT INTO execution_journal (execution_id, version, input) SELECT id, version, journal FROM ek WHERE journal IS NOT NULL),
ev AS (INSERT INTO execution_events (execution_id, id, body)
	SELECT ek.id, y.id, y.body FROM unnest($22::bigint[], $23::bigint[], $24::bytea[]) AS y (k, id, body) JOIN ek ON ek.k = y.k)
SELECT x.k, ek.id FROM x LEFT JOIN ek ON ek.k = x.k`

// queueCreateRound adds the creation round of ops[round] to b.
func queueCreateRound(b *pgx.Batch, ops []op, round []int) {
	n := len(round)
	arns, machines, versionARNs, aliases, names, statuses := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	roles, outputs, errs, causes, traces := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	seeds, starts, stops, versions, fences := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	redrives, owners, defs, inputs, journal := make([]int32, n), make([]string, n), make([]string, n), make([]string, n), make([][]byte, n)
	var evK, evID []int64
	var evBody [][]byte
	for i, k := range round {
		st := ops[k].step()
		x := *ops[k].create()
		x.Version = st.Version
		if ended(st) {
			x.Status, x.Output, x.Error, x.Cause, x.StopDate = st.Status, st.Output, st.Error, st.Cause, st.StopDate
		}
		arns[i], machines[i], versionARNs[i], aliases[i], names[i], statuses[i] = x.ARN, x.StateMachineARN, x.VersionARN, x.AliasARN, x.Name, x.Status
		roles[i], outputs[i], errs[i], causes[i], traces[i] = x.RoleARN, x.Output, x.Error, x.Cause, x.TraceHeader
		seeds[i], starts[i], stops[i], versions[i], fences[i] = int64(x.Seed), nanos(x.StartDate), nanos(x.StopDate), x.Version, x.Lease.Fence
		redrives[i], owners[i], defs[i], inputs[i], journal[i] = int32(x.RedriveCount), x.Lease.Node, x.Definition, x.Input, st.Input
		for _, ev := range st.Events {
			evK, evID, evBody = append(evK, int64(i+1)), append(evID, ev.ID), append(evBody, ev.JSON)
		}
	}
	if evK == nil {
		evK, evID, evBody = []int64{}, []int64{}, [][]byte{}
	}
	b.Queue(createRoundSQL, arns, machines, versionARNs, aliases, names, statuses, roles, outputs, errs, causes, traces,
		seeds, starts, stops, versions, redrives, owners, fences, defs, inputs, journal, evK, evID, evBody)
}

// readRound reads a round statement's answer into its ops' results: rows
// of (ordinality, id, current version) for steps, (ordinality, id) for
// creations.
func readRound(br pgx.BatchResults, ops []op, round []int, create bool) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	got := 0
	for rows.Next() {
		var k int64
		var id, cur *int64
		dest := []any{&k, &id, &cur}
		if create {
			dest = dest[:2]
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if k < 1 || int(k) > len(round) {
			return fmt.Errorf("round answered for op %d of %d", k, len(round))
		}
		o := &ops[round[k-1]]
		o.r.Errs[o.i] = o.outcome(id, cur)
		got++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if got != len(round) {
		return fmt.Errorf("round answered for %d of %d ops", got, len(round))
	}
	return nil
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
			x.RedriveCount, x.Definition, x.Input, st.Input, ids, bodies, x.Lease.Node, x.Lease.Fence)
		return
	}
	if st.Redrive {
		b.Queue(redriveSQL, st.ExecutionARN, st.Version, st.Input, ids, bodies, st.Fence,
			st.Status, st.Output, st.Error, st.Cause, nanos(st.StopDate), st.RedriveNode)
		return
	}
	if ended(st) {
		b.Queue(endSQL, st.ExecutionARN, st.Version, st.Input, ids, bodies, st.Fence,
			st.Status, st.Output, st.Error, st.Cause, nanos(st.StopDate))
		return
	}
	b.Queue(advanceSQL, st.ExecutionARN, st.Version, st.Input, ids, bodies, st.Fence)
}

// create returns the execution o creates, or nil for a plain step.
func (o *op) create() *store.Execution {
	if o.i == 0 {
		return o.r.Create
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
	case *cur == st.Version-1 && st.Fence != 0:
		// Most likely another node took the lease (or a concurrent writer
		// committed the same version).
		return fmt.Errorf("commit step %d of %s: fence %d is not current: %w", st.Version, st.ExecutionARN, st.Fence, store.ErrStaleVersion)
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
