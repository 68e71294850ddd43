package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cairn-sfn/cairn/store"
)

var _ store.Cluster = (*Store)(nil)

// Signals travel as NOTIFY payloads on the store's channel: one of these
// letters, then the signal's Arg. The statements below write them.
const (
	payloadWork     = "w"
	payloadInbox    = "i"
	payloadActivity = "a"
)

// channelName is the NOTIFY channel of the Cairn nodes using schema, so
// that installations in several schemas of one database do not wake each
// other. Channel names are identifiers, at most 63 bytes.
func channelName(schema string) string {
	c := "cairn:" + schema
	if len(c) > 63 {
		sum := sha256.Sum256([]byte(schema))
		c = "cairn:" + hex.EncodeToString(sum[:16])
	}
	return c
}

// claimSQL leases expired RUNNING executions to a node. The CTE locks the
// rows it picks, skipping those another claimer (or a step) holds; a row
// another claimer took since the snapshot is re-checked under the lock and
// dropped, as its lease is no longer expired.
const claimSQL = `WITH pick AS MATERIALIZED (
	SELECT id FROM executions WHERE status = 'RUNNING' AND lease_until < $3
	ORDER BY lease_until LIMIT $4 FOR UPDATE SKIP LOCKED),
e AS (UPDATE executions x SET owner = $1, lease_until = $2, fence = x.fence + 1 FROM pick WHERE x.id = pick.id
	RETURNING x.*)
SELECT ` + execColumns + ` FROM e JOIN execution_specs s ON s.execution_id = e.id ORDER BY e.start_date, e.arn`

func (s *Store) ClaimExecutions(ctx context.Context, node string, now, until time.Time, limit int) ([]store.Execution, error) {
	if node == "" {
		return nil, errors.New("claim executions: no node name")
	}
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, claimSQL, node, nanos(until), nanos(now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim executions: %w", err)
	}
	out, err := collect(rows, scanExecution)
	if err != nil {
		return nil, fmt.Errorf("claim executions: %w", err)
	}
	return out, nil
}

// renewSQL locks the node's rows in ARN order, the order group commit
// mostly takes them in, so that a renewal and a group rarely deadlock.
const renewSQL = `WITH r AS (
	SELECT id FROM executions WHERE owner = $1 AND status = 'RUNNING' ORDER BY arn FOR UPDATE)
UPDATE executions e SET lease_until = $2 FROM r WHERE e.id = r.id RETURNING e.arn, e.fence`

func (s *Store) RenewLeases(ctx context.Context, node string, until time.Time) (map[string]int64, error) {
	if node == "" {
		return nil, errors.New("renew leases: no node name")
	}
	var out map[string]int64
	err := retry(ctx, func() error {
		out = map[string]int64{}
		rows, err := s.pool.Query(ctx, renewSQL, node, nanos(until))
		if err != nil {
			return err
		}
		var arn string
		var fence int64
		_, err = pgx.ForEachRow(rows, []any{&arn, &fence}, func() error {
			out[arn] = fence
			return nil
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("renew leases of %s: %w", node, err)
	}
	return out, nil
}

// releaseSQL ends a node's leases; the owner is cleared too, so that a
// renewal racing the release cannot revive them.
const releaseSQL = `WITH r AS (
	SELECT id FROM executions WHERE owner = $1 AND status = 'RUNNING' AND ($2::text[] IS NULL OR arn = ANY ($2))
	ORDER BY arn FOR UPDATE),
u AS (UPDATE executions e SET owner = '', lease_until = 0 FROM r WHERE e.id = r.id RETURNING 1)
SELECT pg_notify($3, '` + payloadWork + `') FROM (SELECT count(*) AS n FROM u) c WHERE c.n > 0`

func (s *Store) ReleaseLeases(ctx context.Context, node string, arns []string) error {
	if node == "" {
		return errors.New("release leases: no node name")
	}
	if arns != nil && len(arns) == 0 {
		return nil
	}
	err := retry(ctx, func() error {
		_, err := s.pool.Exec(ctx, releaseSQL, node, arns, s.channel)
		return err
	})
	if err != nil {
		return fmt.Errorf("release leases of %s: %w", node, err)
	}
	return nil
}

// retry runs fn again when the server aborted it for a deadlock or a
// serialisation failure (see retryable).
func retry(ctx context.Context, fn func() error) error {
	for i := 0; ; i++ {
		err := fn()
		if err == nil || i == maxRetries || !retryable(err) || ctx.Err() != nil {
			return err
		}
	}
}

// putTaskSQL records a task and wakes the activity's pollers while it
// waits for one (newly put, or put again and not yet handed out).
const putTaskSQL = `WITH i AS (
	INSERT INTO cluster_tasks (token, execution_arn, task_id, activity, input) VALUES ($1, $2, $3, $4::text, $5)
	ON CONFLICT (token) DO NOTHING RETURNING 1)
SELECT pg_notify($6, '` + payloadActivity + `' || $4::text) WHERE $4::text <> ''
	AND (EXISTS (SELECT FROM i) OR EXISTS (SELECT FROM cluster_tasks WHERE token = $1 AND NOT handed_out))`

func (s *Store) PutTask(ctx context.Context, t store.TaskRef) error {
	if t.Token == "" {
		return fmt.Errorf("put task of %s: no token", t.ExecutionARN)
	}
	if _, err := s.pool.Exec(ctx, putTaskSQL, t.Token, t.ExecutionARN, t.TaskID, t.Activity, t.Input, s.channel); err != nil {
		return fmt.Errorf("put task of %s: %w", t.ExecutionARN, err)
	}
	return nil
}

const taskColumns = `token, execution_arn, task_id, activity, input`

func scanTask(r pgx.Row) (store.TaskRef, error) {
	var t store.TaskRef
	err := r.Scan(&t.Token, &t.ExecutionARN, &t.TaskID, &t.Activity, &t.Input)
	return t, err
}

func (s *Store) Task(ctx context.Context, token string) (store.TaskRef, error) {
	t, err := scanTask(s.pool.QueryRow(ctx, `SELECT `+taskColumns+` FROM cluster_tasks WHERE token = $1`, token))
	if errors.Is(err, pgx.ErrNoRows) {
		return t, fmt.Errorf("task %s: %w", token, store.ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("task %s: %w", token, err)
	}
	return t, nil
}

func (s *Store) DeleteTasks(ctx context.Context, tokens []string) error {
	if len(tokens) == 0 {
		return nil
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM cluster_tasks WHERE token = ANY ($1)`, tokens); err != nil {
		return fmt.Errorf("delete tasks: %w", err)
	}
	return nil
}

// takeSQL hands out the oldest waiting task of an activity; pollers at
// once lock different rows (SKIP LOCKED) instead of queuing on one.
const takeSQL = `UPDATE cluster_tasks SET handed_out = true WHERE token = (
	SELECT token FROM cluster_tasks WHERE activity = $1 AND NOT handed_out ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING ` + taskColumns

func (s *Store) TakeActivityTask(ctx context.Context, activity string) (store.TaskRef, error) {
	if activity == "" { // callback tasks are recorded with no activity and never handed out
		return store.TaskRef{}, fmt.Errorf("take activity task: no activity: %w", store.ErrNotFound)
	}
	t, err := scanTask(s.pool.QueryRow(ctx, takeSQL, activity))
	if errors.Is(err, pgx.ErrNoRows) {
		return t, fmt.Errorf("take task of %s: %w", activity, store.ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("take task of %s: %w", activity, err)
	}
	return t, nil
}

// sendSQL queues a message and wakes the node holding its execution.
const sendSQL = `WITH m AS (INSERT INTO cluster_messages (execution_arn, input, token) VALUES ($1, $2, $3))
SELECT pg_notify($4, '` + payloadInbox + `' || owner) FROM executions WHERE arn = $1 AND owner <> ''`

// answerSQL forgets a task and queues the message answering it, for the
// task's execution, only when the task was there; concurrent answers of
// one token queue on its row, and all but the first then find it gone.
const answerSQL = `WITH t AS (DELETE FROM cluster_tasks WHERE token = $2 RETURNING ` + taskColumns + `),
m AS (INSERT INTO cluster_messages (execution_arn, input, token) SELECT execution_arn, $1, token FROM t)
SELECT ` + taskColumns + `,
	(SELECT count(pg_notify($3, '` + payloadInbox + `' || e.owner)) FROM executions e WHERE e.arn = t.execution_arn AND e.owner <> '')
FROM t`

// Send queues m. An answer goes to the execution of the task its token
// names, so m.ExecutionARN may then be left empty (SendTaskSuccess knows
// only the token).
func (s *Store) Send(ctx context.Context, m store.Message, answers bool) (store.TaskRef, error) {
	input := m.Input
	if input == nil {
		input = []byte{}
	}
	if !answers {
		if _, err := s.pool.Exec(ctx, sendSQL, m.ExecutionARN, input, m.Token, s.channel); err != nil {
			return store.TaskRef{}, fmt.Errorf("send to %s: %w", m.ExecutionARN, err)
		}
		return store.TaskRef{}, nil
	}
	var t store.TaskRef
	var woken int64
	err := s.pool.QueryRow(ctx, answerSQL, input, m.Token, s.channel).Scan(&t.Token, &t.ExecutionARN, &t.TaskID, &t.Activity, &t.Input, &woken)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, fmt.Errorf("answer task %s: %w", m.Token, store.ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("answer task %s: %w", m.Token, err)
	}
	return t, nil
}

const messageColumns = `m.id, m.execution_arn, m.input, m.token`

// Inbox reads the messages of arn, whoever holds it, when arn is given;
// else those of the RUNNING executions node holds.
func (s *Store) Inbox(ctx context.Context, node, arn string) ([]store.Message, error) {
	var rows pgx.Rows
	var err error
	switch {
	case arn != "":
		rows, err = s.pool.Query(ctx, `SELECT `+messageColumns+` FROM cluster_messages m WHERE m.execution_arn = $1 ORDER BY m.id`, arn)
	case node != "":
		rows, err = s.pool.Query(ctx, `SELECT `+messageColumns+` FROM cluster_messages m
			JOIN executions e ON e.arn = m.execution_arn WHERE e.owner = $1 AND e.status = 'RUNNING' ORDER BY m.id`, node)
	default:
		return nil, errors.New("inbox: no node name")
	}
	if err != nil {
		return nil, fmt.Errorf("inbox of %s%s: %w", node, arn, err)
	}
	out, err := collect(rows, func(r pgx.Row) (store.Message, error) {
		var m store.Message
		err := r.Scan(&m.ID, &m.ExecutionARN, &m.Input, &m.Token)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("inbox of %s%s: %w", node, arn, err)
	}
	return out, nil
}

func (s *Store) DeleteMessages(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM cluster_messages WHERE id = ANY ($1)`, ids); err != nil {
		return fmt.Errorf("delete messages: %w", err)
	}
	return nil
}

const sweepSQL = `WITH t AS (
	DELETE FROM cluster_tasks c WHERE NOT EXISTS (
		SELECT FROM executions e WHERE e.arn = c.execution_arn AND e.status = 'RUNNING') RETURNING 1),
m AS (
	DELETE FROM cluster_messages c WHERE NOT EXISTS (
		SELECT FROM executions e WHERE e.arn = c.execution_arn AND e.status = 'RUNNING') RETURNING 1)
SELECT (SELECT count(*) FROM t) + (SELECT count(*) FROM m)`

func (s *Store) Sweep(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, sweepSQL).Scan(&n); err != nil {
		return 0, fmt.Errorf("sweep: %w", err)
	}
	return n, nil
}

// Listening. The notifications are sent by the statements that make the
// change, so they are delivered when it commits, and not at all when it
// rolls back.
const (
	// listenBuffer is the signal channel's capacity; a full channel holds
	// the listener back (PostgreSQL queues the notifications meanwhile).
	listenBuffer = 64
	// listenIdle is how long the listener waits for a notification
	// before checking that its connection is still alive, so that a
	// connection dropped without a word is found.
	listenIdle = 30 * time.Second
	// listenPing bounds that check.
	listenPing = 10 * time.Second
	// Reconnection waits from listenBackoff, doubling, to
	// listenMaxBackoff.
	listenBackoff    = 50 * time.Millisecond
	listenMaxBackoff = 5 * time.Second
)

// Listen subscribes a connection of its own (not one of the pool's, which
// it would hold for ever) to the store's channel and returns once it is
// subscribed. When the connection drops it reconnects, backing off, until
// ctx ends; signals sent meanwhile are lost. The channel is closed when
// ctx ends or the store is closed.
func (s *Store) Listen(ctx context.Context) (<-chan store.Signal, error) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.closed, cancel)
	conn, err := s.listenConn(ctx)
	if err != nil {
		stop()
		cancel()
		return nil, fmt.Errorf("listen: %w", err)
	}
	ch := make(chan store.Signal, listenBuffer)
	go func() {
		defer cancel()
		defer stop()
		s.listen(ctx, conn, ch)
	}()
	return ch, nil
}

func (s *Store) listenConn(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		closeConn(conn)
		return nil, err
	}
	return conn, nil
}

func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	conn.Close(ctx)
}

func (s *Store) listen(ctx context.Context, conn *pgx.Conn, ch chan<- store.Signal) {
	defer close(ch)
	backoff := listenBackoff
	for {
		if conn == nil {
			c, err := s.listenConn(ctx)
			if err != nil {
				select {
				case <-ctx.Done():
					return
				case <-time.After(backoff):
				}
				backoff = min(2*backoff, listenMaxBackoff)
				continue
			}
			conn, backoff = c, listenBackoff
		}
		wctx, cancel := context.WithTimeout(ctx, listenIdle)
		n, err := conn.WaitForNotification(wctx)
		idle := wctx.Err() != nil
		cancel()
		switch {
		case ctx.Err() != nil:
			closeConn(conn)
			return
		case err == nil:
			sig, ok := parseSignal(n.Payload)
			if !ok {
				continue
			}
			select {
			case ch <- sig:
			case <-ctx.Done():
				closeConn(conn)
				return
			}
		case idle && !conn.IsClosed():
			pctx, cancel := context.WithTimeout(ctx, listenPing)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				closeConn(conn)
				conn = nil
			}
		default:
			closeConn(conn)
			conn = nil
		}
	}
}

// parseSignal reads a notification's payload; it reports false for one it
// does not know (from a newer Cairn, say).
func parseSignal(p string) (store.Signal, bool) {
	if p == "" {
		return store.Signal{}, false
	}
	kind, arg := p[:1], p[1:]
	switch kind {
	case payloadWork:
		return store.Signal{Kind: store.SignalWork}, true
	case payloadInbox:
		return store.Signal{Kind: store.SignalInbox, Arg: arg}, true
	case payloadActivity:
		return store.Signal{Kind: store.SignalActivity, Arg: arg}, true
	}
	return store.Signal{}, false
}
