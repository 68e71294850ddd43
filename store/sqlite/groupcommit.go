package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/internal/groupcommit"
)

// Group commit. Every CreateExecution and CommitSteps call queues a request;
// one writer goroutine takes everything queued (up to maxBatchSteps steps;
// the queue is store/internal/groupcommit, shared with store/postgres),
// writes it in one transaction and wakes each caller with its own per-step
// results. While a transaction is being fsynced the next batch gathers, so
// the fsync cost is shared by every step that arrived in the meantime, with
// no timer and no added latency when the store is idle.
//
// Fencing happens inside the transaction, before a step writes anything: the
// summary row is updated with WHERE arn = ? AND version = ?, and a step that
// matches no row fails alone with ErrStaleVersion (or ErrNotFound), leaving
// the batch intact. A step that breaks a constraint after writing (a
// duplicate event id) is a caller bug: the transaction is rolled back and
// the batch is replayed without that step, whose error is reported to its
// caller alone.

// maxBatchSteps bounds one transaction, so one huge batch cannot hold back
// the callers queued behind it for long.
const maxBatchSteps = 2048

// maxRowsPerInsert is the most event rows one INSERT statement carries.
const maxRowsPerInsert = 16

// request is one caller's CreateExecution or CommitSteps.
type request = groupcommit.Request

type committer struct {
	db        *sql.DB
	queue     *groupcommit.Queue
	stopped   chan struct{}
	closeOnce sync.Once
	batches   atomic.Int64 // transactions committed, for tests

	create, spec, advance, end, redrive, version, journal *sql.Stmt
	events                                                [maxRowsPerInsert + 1]*sql.Stmt // by row count
}

func newCommitter(ctx context.Context, db *sql.DB) (*committer, error) {
	// Callers woken by the previous commit are often a moment away from
	// queuing their next step; a writer that lingers while the queue still
	// grows lets them join its group instead of paying for a second fsync
	// (+10-40% steps/s in BenchmarkCommitSteps).
	c := &committer{db: db, queue: groupcommit.New("sqlite store", maxBatchSteps, true), stopped: make(chan struct{})}
	prep := func(dst **sql.Stmt, q string) error {
		s, err := db.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("sqlite store: prepare: %w", err)
		}
		*dst = s
		return nil
	}
	qs := map[**sql.Stmt]string{
		&c.create: `INSERT INTO executions (arn, state_machine_arn, version_arn, alias_arn, name, status, role_arn, output,
			error, cause, trace_header, seed, start_date, stop_date, version, redrive_count)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (arn) DO NOTHING RETURNING id`,
		&c.spec:    `INSERT INTO execution_specs (execution_id, definition, input) VALUES (?, ?, ?)`,
		&c.advance: `UPDATE executions SET version = ? WHERE arn = ? AND version = ? RETURNING id`,
		&c.end: `UPDATE executions SET version = ?, status = ?, output = ?, error = ?, cause = ?, stop_date = ?
			WHERE arn = ? AND version = ? RETURNING id`,
		&c.redrive: `UPDATE executions SET version = ?, status = ?, output = ?, error = ?, cause = ?, stop_date = ?,
			redrive_count = redrive_count + 1 WHERE arn = ? AND version = ? RETURNING id`,
		&c.version: `SELECT version FROM executions WHERE arn = ?`,
		&c.journal: `INSERT INTO execution_journal (execution_id, version, input) VALUES (?, ?, ?)`,
	}
	for n := 1; n <= maxRowsPerInsert; n++ {
		qs[&c.events[n]] = `INSERT INTO execution_events (execution_id, id, body) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", n), ", ")
	}
	for dst, q := range qs {
		if err := prep(dst, q); err != nil {
			c.closeStmts()
			return nil, err
		}
	}
	go c.run()
	return c, nil
}

func (c *committer) closeStmts() {
	for _, s := range append([]*sql.Stmt{c.create, c.spec, c.advance, c.end, c.redrive, c.version, c.journal}, c.events[:]...) {
		if s != nil {
			s.Close()
		}
	}
}

// close stops accepting requests, lets the writer commit what is queued and
// waits for it to stop.
func (c *committer) close() {
	c.queue.Close()
	<-c.stopped
	c.closeOnce.Do(c.closeStmts)
}

func (c *committer) run() {
	defer close(c.stopped)
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
	failed bool // failed after writing: left out of every retry
}

// commit writes one batch, retrying without any step that broke a
// constraint after writing (see the comment at the top of the file). Any
// other failure fails the whole batch: the database, not a step, is at
// fault, and retrying step by step would only repeat it.
func (c *committer) commit(batch []*request) {
	var ops []op
	for _, r := range batch {
		for i := range r.Steps {
			ops = append(ops, op{r: r, i: i})
		}
	}
	for {
		bad, err := c.attempt(ops)
		if err != nil {
			for _, r := range batch {
				r.Err = err
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
// that broke a constraint after writing (the transaction is then rolled
// back), or -1 and the transaction's error.
func (c *committer) attempt(ops []op) (int, error) {
	ctx := context.Background() // one caller's deadline must not fail the others
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return -1, fmt.Errorf("sqlite store: begin: %w", err)
	}
	w := txWriter{c: c, tx: tx, ctx: ctx, stmts: map[*sql.Stmt]*sql.Stmt{}}
	for k, o := range ops {
		if o.failed {
			continue
		}
		st := o.r.Steps[o.i]
		var err error
		if o.r.Create != nil && o.i == 0 {
			err = w.createExecution(*o.r.Create, st)
		} else {
			err = w.commitStep(st)
		}
		o.r.Errs[o.i] = err
		var fence *fenceError
		switch {
		case err == nil:
		case errors.As(err, &fence):
			o.r.Errs[o.i] = fence.err
		case isConstraint(err):
			tx.Rollback()
			return k, nil
		default:
			tx.Rollback()
			return -1, err
		}
	}
	if err := tx.Commit(); err != nil {
		return -1, fmt.Errorf("sqlite store: commit: %w", err)
	}
	return -1, nil
}

// isConstraint reports a statement refused by a constraint (a duplicate
// event id or journal version), which leaves the transaction usable.
func isConstraint(err error) bool {
	return err != nil && strings.Contains(err.Error(), "constraint failed")
}

// fenceError marks a step refused before it wrote anything, so the
// transaction can go on without it.
type fenceError struct{ err error }

func (e *fenceError) Error() string { return e.err.Error() }

// txWriter writes steps inside one batch transaction.
type txWriter struct {
	c     *committer
	tx    *sql.Tx
	ctx   context.Context
	stmts map[*sql.Stmt]*sql.Stmt
	args  []any
}

// stmt binds a prepared statement to the transaction once per attempt.
func (w *txWriter) stmt(s *sql.Stmt) *sql.Stmt {
	ts, ok := w.stmts[s]
	if !ok {
		ts = w.tx.StmtContext(w.ctx, s)
		w.stmts[s] = ts
	}
	return ts
}

func (w *txWriter) createExecution(e store.Execution, first store.Step) error {
	e.Version = first.Version
	if ended(first) {
		e.Status, e.Output, e.Error, e.Cause, e.StopDate = first.Status, first.Output, first.Error, first.Cause, first.StopDate
	}
	var id int64
	err := w.stmt(w.c.create).QueryRowContext(w.ctx, e.ARN, e.StateMachineARN, e.VersionARN, e.AliasARN, e.Name, e.Status,
		e.RoleARN, e.Output, e.Error, e.Cause, e.TraceHeader, int64(e.Seed), optNanos(e.StartDate),
		optNanos(e.StopDate), e.Version, e.RedriveCount).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return &fenceError{fmt.Errorf("create execution %s: %w", e.ARN, store.ErrAlreadyExists)}
	}
	if err != nil {
		return fmt.Errorf("create execution %s: %w", e.ARN, err)
	}
	if _, err := w.stmt(w.c.spec).ExecContext(w.ctx, id, e.Definition, e.Input); err != nil {
		return fmt.Errorf("create execution %s: %w", e.ARN, err)
	}
	if err := w.appendStep(id, first); err != nil {
		return fmt.Errorf("create execution %s: %w", e.ARN, err)
	}
	return nil
}

func (w *txWriter) commitStep(st store.Step) error {
	var id int64
	var err error
	if st.Redrive {
		err = w.stmt(w.c.redrive).QueryRowContext(w.ctx, st.Version, st.Status, st.Output, st.Error, st.Cause, optNanos(st.StopDate),
			st.ExecutionARN, st.Version-1).Scan(&id)
	} else if ended(st) {
		err = w.stmt(w.c.end).QueryRowContext(w.ctx, st.Version, st.Status, st.Output, st.Error, st.Cause, optNanos(st.StopDate),
			st.ExecutionARN, st.Version-1).Scan(&id)
	} else {
		err = w.stmt(w.c.advance).QueryRowContext(w.ctx, st.Version, st.ExecutionARN, st.Version-1).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		var have int64
		err := w.stmt(w.c.version).QueryRowContext(w.ctx, st.ExecutionARN).Scan(&have)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return &fenceError{fmt.Errorf("commit step of %s: %w", st.ExecutionARN, store.ErrNotFound)}
		case err != nil:
			return fmt.Errorf("commit step of %s: %w", st.ExecutionARN, err)
		}
		return &fenceError{fmt.Errorf("commit step %d of %s (at %d): %w", st.Version, st.ExecutionARN, have, store.ErrStaleVersion)}
	}
	if err != nil {
		return fmt.Errorf("commit step %d of %s: %w", st.Version, st.ExecutionARN, err)
	}
	if err := w.appendStep(id, st); err != nil {
		return fmt.Errorf("commit step %d of %s: %w", st.Version, st.ExecutionARN, err)
	}
	return nil
}

// appendStep writes a step's journal entry and events, the events in
// multi-row INSERTs.
func (w *txWriter) appendStep(id int64, st store.Step) error {
	if st.Input != nil {
		if _, err := w.stmt(w.c.journal).ExecContext(w.ctx, id, st.Version, st.Input); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
	}
	for evs := st.Events; len(evs) > 0; {
		n := min(len(evs), maxRowsPerInsert)
		w.args = w.args[:0]
		for _, ev := range evs[:n] {
			w.args = append(w.args, id, ev.ID, string(ev.JSON))
		}
		if _, err := w.stmt(w.c.events[n]).ExecContext(w.ctx, w.args...); err != nil {
			return fmt.Errorf("events: %w", err)
		}
		evs = evs[n:]
	}
	return nil
}
