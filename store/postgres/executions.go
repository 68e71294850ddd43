package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/internal/cursor"
)

// execColumns are what scanExecution reads, from e (executions) and s
// (execution_specs).
const execColumns = `e.arn, e.state_machine_arn, e.version_arn, e.alias_arn, e.name, e.status, s.definition,
	e.role_arn, s.input, e.output, e.error, e.cause, e.trace_header, e.seed, e.start_date, e.stop_date, e.version,
	e.redrive_count, e.owner, e.fence`

// execSelect reads whole executions; callers add WHERE and ORDER BY on
// columns of e.
const execSelect = `SELECT ` + execColumns + ` FROM executions e JOIN execution_specs s ON s.execution_id = e.id`

func scanExecution(r pgx.Row) (store.Execution, error) {
	var e store.Execution
	var seed, start, stop int64
	err := r.Scan(&e.ARN, &e.StateMachineARN, &e.VersionARN, &e.AliasARN, &e.Name, &e.Status, &e.Definition, &e.RoleARN,
		&e.Input, &e.Output, &e.Error, &e.Cause, &e.TraceHeader, &seed, &start, &stop, &e.Version, &e.RedriveCount,
		&e.Lease.Node, &e.Lease.Fence)
	e.Seed, e.StartDate, e.StopDate = uint64(seed), fromNanos(start), fromNanos(stop)
	return e, err
}

// ended reports whether a step ends its execution.
func ended(st store.Step) bool { return st.Status != "" && st.Status != "RUNNING" }

func (s *Store) CreateExecution(ctx context.Context, e store.Execution, first store.Step) error {
	return s.gc.queue.Create(ctx, e, first)
}

// CommitSteps queues the steps for the group-commit writer and waits until
// the transaction holding them has committed (see groupcommit.Queue.Commit).
// A non-nil error means the transaction failed; only when the connection
// broke during COMMIT may it have committed all the same, which the step's
// version tells on reload.
func (s *Store) CommitSteps(ctx context.Context, steps []store.Step) ([]error, error) {
	return s.gc.queue.Commit(ctx, steps)
}

func (s *Store) GetExecution(ctx context.Context, arn string) (store.Execution, error) {
	e, err := scanExecution(s.pool.QueryRow(ctx, execSelect+` WHERE e.arn = $1`, arn))
	if errors.Is(err, pgx.ErrNoRows) {
		return e, fmt.Errorf("get execution %s: %w", arn, store.ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("get execution %s: %w", arn, err)
	}
	return e, nil
}

func (s *Store) ListExecutions(ctx context.Context, f store.ExecutionFilter, p store.Page) ([]store.Execution, string, error) {
	var q strings.Builder
	q.WriteString(execSelect + ` WHERE e.state_machine_arn = $1`)
	args := []any{f.StateMachineARN}
	param := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	for _, c := range []struct{ col, v string }{{"version_arn", f.VersionARN}, {"alias_arn", f.AliasARN}, {"status", f.Status}} {
		if c.v != "" {
			q.WriteString(` AND e.` + c.col + ` = ` + param(c.v))
		}
	}
	switch f.RedriveFilter {
	case "REDRIVEN":
		q.WriteString(` AND e.redrive_count > 0`)
	case "NOT_REDRIVEN":
		q.WriteString(` AND e.redrive_count = 0`)
	}
	if p.After != "" {
		n, arn, err := cursor.Decode(p.After)
		if err != nil {
			return nil, "", fmt.Errorf("list executions: %w", err)
		}
		pn := param(n)
		q.WriteString(` AND (e.start_date < ` + pn + ` OR (e.start_date = ` + pn + ` AND e.arn > ` + param(arn) + `))`)
	}
	q.WriteString(` ORDER BY e.start_date DESC, e.arn` + limitClause(p))
	rows, err := s.pool.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, "", fmt.Errorf("list executions: %w", err)
	}
	out, err := collect(rows, scanExecution)
	if err != nil {
		return nil, "", fmt.Errorf("list executions: %w", err)
	}
	if p.Limit > 0 && len(out) > p.Limit {
		out = out[:p.Limit]
		last := out[len(out)-1]
		return out, cursor.Encode(nanos(last.StartDate), last.ARN), nil
	}
	return out, "", nil
}

func (s *Store) RunningExecutions(ctx context.Context) ([]store.Execution, error) {
	rows, err := s.pool.Query(ctx, execSelect+` WHERE e.status = 'RUNNING' ORDER BY e.start_date, e.arn`)
	if err != nil {
		return nil, fmt.Errorf("running executions: %w", err)
	}
	out, err := collect(rows, scanExecution)
	if err != nil {
		return nil, fmt.Errorf("running executions: %w", err)
	}
	return out, nil
}

// readRows runs query, whose first parameter is an execution's id, as a
// lateral subquery of the execution arn: one statement, one snapshot, no
// row when the execution does not exist and one row of NULLs when the
// subquery finds nothing. It returns the non-NULL rows.
func (s *Store) readRows(ctx context.Context, arn, query string, scan func(pgx.Row) error, args ...any) error {
	rows, err := s.pool.Query(ctx, `SELECT x.* FROM executions e LEFT JOIN LATERAL (`+query+`) x ON true WHERE e.arn = $1`,
		append([]any{arn}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		found = true
		if err := scan(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if !found {
		return store.ErrNotFound
	}
	return nil
}

func (s *Store) History(ctx context.Context, arn string, after int64, limit int, reverse bool) ([]store.Event, error) {
	q := `SELECT id, body FROM execution_events WHERE execution_id = e.id AND id > $2 ORDER BY id`
	if reverse {
		q = `SELECT id, body FROM execution_events WHERE execution_id = e.id AND ($2 <= 0 OR id < $2) ORDER BY id DESC`
	}
	var lim *int64 // LIMIT NULL is no limit
	if limit > 0 {
		l := int64(limit)
		lim = &l
	}
	var out []store.Event
	err := s.readRows(ctx, arn, q+` LIMIT $3`, func(r pgx.Row) error {
		var id *int64
		var body []byte
		if err := r.Scan(&id, &body); err != nil || id == nil {
			return err
		}
		out = append(out, store.Event{ID: *id, JSON: body})
		return nil
	}, after, lim)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", arn, err)
	}
	return out, nil
}

func (s *Store) Journal(ctx context.Context, arn string) ([][]byte, error) {
	var out [][]byte
	err := s.readRows(ctx, arn, `SELECT version, input FROM execution_journal WHERE execution_id = e.id ORDER BY version`,
		func(r pgx.Row) error {
			var v *int64
			var in []byte
			if err := r.Scan(&v, &in); err != nil || v == nil {
				return err
			}
			if in == nil {
				in = []byte{}
			}
			out = append(out, in)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("journal of %s: %w", arn, err)
	}
	return out, nil
}

// purgeChunk bounds how many executions one purge statement deletes, so a
// large purge holds no locks for long.
const purgeChunk = 256

func (s *Store) PurgeExecutions(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		var n int
		err := s.pool.QueryRow(ctx, `WITH gone AS (
				DELETE FROM executions WHERE id IN (
					SELECT id FROM executions WHERE status <> 'RUNNING' AND stop_date < $1
					LIMIT $2 FOR UPDATE SKIP LOCKED)
				RETURNING id, arn),
			ev AS (DELETE FROM execution_events WHERE execution_id IN (SELECT id FROM gone)),
			j AS (DELETE FROM execution_journal WHERE execution_id IN (SELECT id FROM gone)),
			sp AS (DELETE FROM execution_specs WHERE execution_id IN (SELECT id FROM gone)),
			t AS (DELETE FROM cluster_tasks WHERE execution_arn IN (SELECT arn FROM gone)),
			m AS (DELETE FROM cluster_messages WHERE execution_arn IN (SELECT arn FROM gone))
			SELECT count(*) FROM gone`, nanos(before), purgeChunk).Scan(&n)
		if err != nil {
			return total, fmt.Errorf("purge executions: %w", err)
		}
		total += n
		if n < purgeChunk {
			return total, nil
		}
	}
}
