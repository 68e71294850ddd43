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

// nowNS is the database's clock in Unix nanoseconds: lease expiry is
// judged by one clock, not by each node's. clock_timestamp() rather than
// now(), which is frozen at the start of the transaction.
const nowNS = `(extract(epoch FROM clock_timestamp()) * 1000000000)::bigint`

// renewSQL extends a node's lease and reports whether the previous one was
// still running. The old row is locked before the clock is read (k reads
// the clock when projecting the join's row, after old's scan has taken
// the lock), so a claim that found the lease lapsed and holds the row
// (claimSQL locks lapsed rows FOR SHARE) has committed before the renewal
// reads the clock, and the renewal answers kept = false. The upsert runs
// after the SELECT has read k.
const renewSQL = `WITH old AS (SELECT lease_until FROM cluster_nodes WHERE node = $1 FOR UPDATE),
k AS MATERIALIZED (SELECT old.lease_until AS old_until, ` + nowNS + ` AS now FROM (VALUES (1)) v LEFT JOIN old ON true),
up AS (INSERT INTO cluster_nodes (node, lease_until) SELECT $1, k.now + $2 FROM k
	ON CONFLICT (node) DO UPDATE SET lease_until = excluded.lease_until)
SELECT coalesce(old_until >= now, false) FROM k`

// maxTTL bounds a lease, so that lease_until cannot overflow.
const maxTTL = 100 * 365 * 24 * time.Hour

func (s *Store) RenewLease(ctx context.Context, node string, ttl time.Duration) (bool, error) {
	if node == "" {
		return false, errors.New("renew lease: no node name")
	}
	var kept bool
	err := retry(ctx, func() error {
		return s.pool.QueryRow(ctx, renewSQL, node, int64(min(ttl, maxTTL))).Scan(&kept)
	})
	if err != nil {
		return false, fmt.Errorf("renew lease of %s: %w", node, err)
	}
	return kept, nil
}

func (s *Store) HeldExecutions(ctx context.Context, node string) (map[string]int64, error) {
	if node == "" {
		return nil, errors.New("held executions: no node name")
	}
	rows, err := s.pool.Query(ctx, `SELECT arn, fence FROM executions WHERE owner = $1 AND status = 'RUNNING'`, node)
	if err != nil {
		return nil, fmt.Errorf("held executions of %s: %w", node, err)
	}
	out := map[string]int64{}
	var arn string
	var fence int64
	_, err = pgx.ForEachRow(rows, []any{&arn, &fence}, func() error {
		out[arn] = fence
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("held executions of %s: %w", node, err)
	}
	return out, nil
}

// claimSQL leases to a node RUNNING executions that no live node holds.
//
//   - owners lists the distinct owners of RUNNING executions ("" for
//     released ones) by skipping through executions_by_owner, one index
//     descent per owner, however many executions each holds.
//   - dead keeps the owners with no cluster_nodes row (a node that left,
//     or never registered) and those whose lease has lapsed. Lapsed rows
//     are locked FOR SHARE and re-read: a renewal that committed meanwhile
//     makes the node live again, and one still running waits for this
//     claim and then reports kept = false (see renewSQL).
//   - pick locks, skipping rows another claimer or a step holds, up to $2
//     executions of dead owners, each owner's oldest first, reading only their
//     entries of executions_by_owner and stopping at the limit. owner is
//     matched by a range, not "=": against an equality, the planner,
//     guessing the dead owner's rows spread evenly, walks the primary key
//     (or the table) filtering on owner, which reads every running
//     execution when they come last (TestClaimReadsLittle). A row another
//     claimer took since the snapshot is re-checked under the lock and
//     dropped, its new owner being live.
//   - the UPDATE gives them to the node and bumps their fences.
const claimSQL = `WITH RECURSIVE owners AS (
	(SELECT owner FROM executions WHERE status = 'RUNNING' ORDER BY owner LIMIT 1)
	UNION ALL
	SELECT (SELECT x.owner FROM executions x WHERE x.status = 'RUNNING' AND x.owner > o.owner ORDER BY x.owner LIMIT 1)
	FROM owners o WHERE o.owner IS NOT NULL),
c AS MATERIALIZED (SELECT ` + nowNS + ` AS now),
lapsed AS MATERIALIZED (SELECT n.node FROM cluster_nodes n
	WHERE n.node IN (SELECT owner FROM owners) AND n.lease_until < (SELECT now FROM c) FOR SHARE OF n),
dead AS MATERIALIZED (
	SELECT o.owner FROM owners o WHERE o.owner IS NOT NULL AND NOT EXISTS (SELECT FROM cluster_nodes n WHERE n.node = o.owner)
	UNION ALL SELECT node FROM lapsed),
pick AS MATERIALIZED (
	SELECT p.id FROM dead d CROSS JOIN LATERAL (
		SELECT x.id FROM executions x WHERE x.status = 'RUNNING' AND x.owner >= d.owner AND x.owner <= d.owner
		ORDER BY x.owner, x.id LIMIT $2 FOR UPDATE SKIP LOCKED) p
	LIMIT $2),
e AS (UPDATE executions x SET owner = $1, fence = x.fence + 1 FROM pick WHERE x.id = pick.id RETURNING x.*)
SELECT ` + execColumns + ` FROM e JOIN execution_specs s ON s.execution_id = e.id ORDER BY e.start_date, e.arn`

func (s *Store) ClaimExecutions(ctx context.Context, node string, limit int) ([]store.Execution, error) {
	if node == "" {
		return nil, errors.New("claim executions: no node name")
	}
	if limit <= 0 {
		return nil, nil
	}
	// A deadlock (with Sweep deleting node rows this locks) rolls the
	// claim back whole, so it is retried.
	var out []store.Execution
	err := retry(ctx, func() error {
		rows, err := s.pool.Query(ctx, claimSQL, node, limit)
		if err != nil {
			return err
		}
		out, err = collect(rows, scanExecution)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim executions: %w", err)
	}
	return out, nil
}

// releaseSQL clears the owner of a node's executions, locking them in ARN
// order (as group commit mostly does), and, when all are released, deletes
// the node's row: it has left, and its next renewal reports kept = false.
const releaseSQL = `WITH r AS (
	SELECT id FROM executions WHERE owner = $1 AND status = 'RUNNING' AND ($2::text[] IS NULL OR arn = ANY ($2))
	ORDER BY arn FOR UPDATE),
u AS (UPDATE executions e SET owner = '' FROM r WHERE e.id = r.id RETURNING 1),
d AS (DELETE FROM cluster_nodes WHERE node = $1 AND $2::text[] IS NULL)
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

// nodeForgottenAfter is how long Sweep keeps the row of a node whose lease
// lapsed and that holds nothing (a node that died, or was renamed).
const nodeForgottenAfter = time.Hour

// sweepSQL deletes what ended executions left behind and the rows of nodes
// long gone. A node renewing meanwhile makes its row's lease_until recent,
// which the DELETE re-checks under the row lock.
const sweepSQL = `WITH t AS (
	DELETE FROM cluster_tasks c WHERE NOT EXISTS (
		SELECT FROM executions e WHERE e.arn = c.execution_arn AND e.status = 'RUNNING') RETURNING 1),
m AS (
	DELETE FROM cluster_messages c WHERE NOT EXISTS (
		SELECT FROM executions e WHERE e.arn = c.execution_arn AND e.status = 'RUNNING') RETURNING 1),
n AS (
	DELETE FROM cluster_nodes c WHERE c.lease_until < ` + nowNS + ` - $1 AND NOT EXISTS (
		SELECT FROM executions e WHERE e.owner = c.node AND e.status = 'RUNNING') RETURNING 1)
SELECT (SELECT count(*) FROM t) + (SELECT count(*) FROM m) + (SELECT count(*) FROM n)`

func (s *Store) Sweep(ctx context.Context) (int, error) {
	var n int
	err := retry(ctx, func() error { return s.pool.QueryRow(ctx, sweepSQL, int64(nodeForgottenAfter)).Scan(&n) })
	if err != nil {
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
