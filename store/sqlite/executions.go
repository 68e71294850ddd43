package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/internal/cursor"
)

// executionsSchema is migration 2. The summary row holds only what a step
// may change and what lists filter on; the definition and input, written
// once and often kilobytes long, live in execution_specs, because every
// step rewrites its summary row and a wide row would rewrite its overflow
// pages too (+75% WAL volume with a 10 KiB definition).
//
// Journal entries and events hang off the
// execution's integer id rather than its ARN, which keeps their rows small.
// They are rowid tables appended in commit order, with a unique index for
// reading one execution's rows in sequence: with many executions advancing
// at once, clustering the rows by execution instead would make every
// transaction rewrite a half-full leaf page per execution, which measured
// two to three times slower under synchronous=FULL (BenchmarkCommitSteps).
const executionsSchema = `CREATE TABLE executions (
	id                INTEGER PRIMARY KEY,
	arn               TEXT NOT NULL UNIQUE,
	state_machine_arn TEXT NOT NULL,
	version_arn       TEXT NOT NULL,
	alias_arn         TEXT NOT NULL,
	name              TEXT NOT NULL,
	status            TEXT NOT NULL,
	role_arn          TEXT NOT NULL,
	output            TEXT NOT NULL,
	error             TEXT NOT NULL,
	cause             TEXT NOT NULL,
	trace_header      TEXT NOT NULL,
	seed              INTEGER NOT NULL,
	start_date        INTEGER NOT NULL,
	stop_date         INTEGER NOT NULL,
	version           INTEGER NOT NULL,
	redrive_count     INTEGER NOT NULL
);
CREATE INDEX executions_by_machine ON executions (state_machine_arn, start_date DESC, arn);
CREATE INDEX executions_by_machine_status ON executions (state_machine_arn, status, start_date DESC, arn);
CREATE INDEX executions_running ON executions (start_date, arn) WHERE status = 'RUNNING';
CREATE INDEX executions_ended ON executions (stop_date) WHERE status <> 'RUNNING';
CREATE TABLE execution_specs (
	execution_id INTEGER PRIMARY KEY,
	definition   TEXT NOT NULL,
	input        TEXT NOT NULL
);
CREATE TABLE execution_journal (
	seq          INTEGER PRIMARY KEY,
	execution_id INTEGER NOT NULL,
	version      INTEGER NOT NULL,
	input        BLOB NOT NULL
);
CREATE UNIQUE INDEX execution_journal_by_version ON execution_journal (execution_id, version);
CREATE TABLE execution_events (
	seq          INTEGER PRIMARY KEY,
	execution_id INTEGER NOT NULL,
	id           INTEGER NOT NULL,
	body         TEXT NOT NULL
);
CREATE UNIQUE INDEX execution_events_by_id ON execution_events (execution_id, id);`

// execSelect reads whole executions; callers add WHERE and ORDER BY on
// columns of e.
const execSelect = `SELECT e.arn, e.state_machine_arn, e.version_arn, e.alias_arn, e.name, e.status, s.definition,
	e.role_arn, s.input, e.output, e.error, e.cause, e.trace_header, e.seed, e.start_date, e.stop_date, e.version,
	e.redrive_count FROM executions e JOIN execution_specs s ON s.execution_id = e.id`

// optNanos stores the zero time as 0 (UnixNano of the zero time is
// undefined), so an unset StopDate reads back as the zero time.
func optNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromOptNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return fromNanos(n)
}

func scanExecution(r scanner) (store.Execution, error) {
	var e store.Execution
	var seed, start, stop int64
	err := r.Scan(&e.ARN, &e.StateMachineARN, &e.VersionARN, &e.AliasARN, &e.Name, &e.Status, &e.Definition, &e.RoleARN,
		&e.Input, &e.Output, &e.Error, &e.Cause, &e.TraceHeader, &seed, &start, &stop, &e.Version, &e.RedriveCount)
	e.Seed, e.StartDate, e.StopDate = uint64(seed), fromOptNanos(start), fromOptNanos(stop)
	return e, err
}

// ended reports whether a step ends its execution.
// redriveClause narrows a listing to executions redriven or not.
func redriveClause(filter string) string {
	switch filter {
	case "REDRIVEN":
		return ` AND e.redrive_count > 0`
	case "NOT_REDRIVEN":
		return ` AND e.redrive_count = 0`
	}
	return ""
}

func ended(st store.Step) bool { return st.Status != "" && st.Status != "RUNNING" }

func (s *Store) CreateExecution(ctx context.Context, e store.Execution, first store.Step) error {
	return s.gc.queue.Create(ctx, e, first)
}

// CommitSteps queues the steps for the group-commit writer and waits until
// the transaction holding them is durable (see groupcommit.Queue.Commit).
// A non-nil error means none of the steps committed.
func (s *Store) CommitSteps(ctx context.Context, steps []store.Step) ([]error, error) {
	return s.gc.queue.Commit(ctx, steps)
}

func (s *Store) GetExecution(ctx context.Context, arn string) (store.Execution, error) {
	e, err := scanExecution(s.rd.QueryRowContext(ctx, execSelect+` WHERE e.arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("get execution %s: %w", arn, store.ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("get execution %s: %w", arn, err)
	}
	return e, nil
}

func (s *Store) ListExecutions(ctx context.Context, f store.ExecutionFilter, p store.Page) ([]store.Execution, string, error) {
	var q strings.Builder
	q.WriteString(execSelect + ` WHERE e.state_machine_arn = ?`)
	args := []any{f.StateMachineARN}
	for _, c := range []struct{ col, v string }{{"version_arn", f.VersionARN}, {"alias_arn", f.AliasARN}, {"status", f.Status}} {
		if c.v != "" {
			q.WriteString(` AND e.` + c.col + ` = ?`)
			args = append(args, c.v)
		}
	}
	q.WriteString(redriveClause(f.RedriveFilter))
	if p.After != "" {
		n, arn, err := cursor.Decode(p.After)
		if err != nil {
			return nil, "", fmt.Errorf("list executions: %w", err)
		}
		q.WriteString(` AND (e.start_date < ? OR (e.start_date = ? AND e.arn > ?))`)
		args = append(args, n, n, arn)
	}
	q.WriteString(` ORDER BY e.start_date DESC, e.arn` + limitClause(p))
	out, err := s.queryExecutions(ctx, q.String(), args...)
	if err != nil {
		return nil, "", fmt.Errorf("list executions: %w", err)
	}
	if p.Limit > 0 && len(out) > p.Limit {
		out = out[:p.Limit]
		last := out[len(out)-1]
		return out, cursor.Encode(optNanos(last.StartDate), last.ARN), nil
	}
	return out, "", nil
}

func (s *Store) queryExecutions(ctx context.Context, q string, args ...any) ([]store.Execution, error) {
	rows, err := s.rd.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Execution
	for rows.Next() {
		e, err := scanExecution(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *Store) RunningExecutions(ctx context.Context) ([]store.Execution, error) {
	out, err := s.queryExecutions(ctx, execSelect+` WHERE e.status = 'RUNNING' ORDER BY e.start_date, e.arn`)
	if err != nil {
		return nil, fmt.Errorf("running executions: %w", err)
	}
	return out, nil
}

// readExecution runs fn in one read transaction with the id of the
// execution arn, so the existence check and fn see one snapshot.
func (s *Store) readExecution(ctx context.Context, arn string, fn func(tx *sql.Tx, id int64) error) error {
	tx, err := s.rd.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM executions WHERE arn = ?`, arn).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	if err != nil {
		return err
	}
	return fn(tx, id)
}

func (s *Store) History(ctx context.Context, arn string, after int64, limit int, reverse bool) ([]store.Event, error) {
	q := `SELECT id, body FROM execution_events WHERE execution_id = ? AND id > ? ORDER BY id`
	if reverse {
		if after <= 0 {
			after = math.MaxInt64 // from the newest
		}
		q = `SELECT id, body FROM execution_events WHERE execution_id = ? AND id < ? ORDER BY id DESC`
	}
	if limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(limit)
	}
	var out []store.Event
	err := s.readExecution(ctx, arn, func(tx *sql.Tx, id int64) error {
		rows, err := tx.QueryContext(ctx, q, id, after)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var ev store.Event
			var body string
			if err := rows.Scan(&ev.ID, &body); err != nil {
				return err
			}
			ev.JSON = []byte(body)
			out = append(out, ev)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", arn, err)
	}
	return out, nil
}

func (s *Store) Journal(ctx context.Context, arn string) ([][]byte, error) {
	var out [][]byte
	err := s.readExecution(ctx, arn, func(tx *sql.Tx, id int64) error {
		rows, err := tx.QueryContext(ctx, `SELECT input FROM execution_journal WHERE execution_id = ? ORDER BY version`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var in []byte
			if err := rows.Scan(&in); err != nil {
				return err
			}
			if in == nil {
				in = []byte{}
			}
			out = append(out, in)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("journal of %s: %w", arn, err)
	}
	return out, nil
}

// purgeChunk bounds how many executions one purge transaction deletes, so a
// large purge does not hold the writer away from the group commit for long.
const purgeChunk = 256

func (s *Store) PurgeExecutions(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		n := 0
		err := s.tx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM executions WHERE status <> 'RUNNING' AND stop_date < ? LIMIT ?`,
				optNanos(before), purgeChunk)
			if err != nil {
				return err
			}
			var ids []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, id := range ids {
				for _, q := range []string{
					`DELETE FROM execution_events WHERE execution_id = ?`,
					`DELETE FROM execution_journal WHERE execution_id = ?`,
					`DELETE FROM execution_specs WHERE execution_id = ?`,
					`DELETE FROM executions WHERE id = ?`,
				} {
					if _, err := tx.ExecContext(ctx, q, id); err != nil {
						return err
					}
				}
			}
			n = len(ids)
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("purge executions: %w", err)
		}
		total += n
		if n < purgeChunk {
			return total, nil
		}
	}
}
