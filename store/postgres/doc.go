// Package postgres is the store.Store for PostgreSQL, for servers that want
// a database they already run and back up, and for several Cairn nodes
// sharing one database. It uses github.com/jackc/pgx/v5 natively
// (pgxpool, pipelined batches), not database/sql.
//
// Open(ctx, "postgres://user@host/db") connects, applies pending schema
// migrations and starts the group-commit writer. Migrations are numbered
// and recorded in cairn_schema_migrations; they run in one transaction
// under pg_advisory_xact_lock(migrationLock), so several processes opening
// the same database at once migrate it exactly once. The other tables have
// plain names (executions, state_machines, …): give Cairn its own database,
// or its own schema through the connection string
// (…?search_path=cairn).
//
// # Executions
//
// The semantics are those of store/sqlite:
//
//  1. A step is fenced by "WHERE arn = … AND version = … - 1" on the
//     summary row's UPDATE; data-modifying CTEs append its journal entry
//     and events (unnest of arrays) only when the UPDATE matched. A step
//     that matches nothing writes nothing and fails alone with
//     store.ErrStaleVersion or store.ErrNotFound; the same statement
//     reports which. One statement (roundSQL) carries a whole round of
//     steps, at most one per execution: round n holds the n-th step of
//     each execution in the group, so a group is usually one statement.
//     Creations go the same way (createRoundSQL: INSERT … ON CONFLICT DO
//     NOTHING from arrays, an ARN at most once a round).
//  2. Group commit (groupcommit.go, on the queue of
//     store/internal/groupcommit): concurrent CreateExecution and
//     CommitSteps callers queue their steps; a writer goroutine sends
//     everything queued as one pipelined pgx.Batch that begins a
//     transaction, then commits it: two round trips and one WAL flush for
//     the whole group. Each caller gets its own results. Two writers take
//     turns, so one group executes while another waits for its flush. A
//     step refused by a constraint (a duplicate event id) or by a data
//     error aborts the transaction; the group is replayed one statement
//     per step to find it, then without it, and its error goes to its
//     caller alone.
//  3. Within a group, steps are written in execution-ARN order (stable, so
//     one execution's steps keep theirs), so that two writers sharing
//     executions mostly take row locks in the same order; a deadlock that
//     a round's plan order still allows rolls the group back whole, and it
//     is retried.
//
// Times are stored as Unix nanoseconds (bigint), not timestamptz, whose
// microseconds would not round-trip what the API was given. History events
// and journal entries are bytea, returned byte for byte.
//
// # Several nodes (store.Cluster)
//
// Migration 3 adds to executions owner (the node holding it; empty once
// released) and fence (bumped by every claim), and the tables
// cluster_nodes (one row per node: lease_until in Unix nanoseconds of the
// database's clock), cluster_tasks (tokens waiting for an answer; activity
// tasks in FIFO order by an identity column) and cluster_messages (inputs
// queued for an execution, applied in id order).
//
//  1. Leases are per node: RenewLease upserts the node's row, so renewal
//     costs one row whatever the node holds, and an execution parked for a
//     year costs no write. Expiry is judged by clock_timestamp() on the
//     server, never by a time a node sends. RenewLease locks the old row
//     before reading the clock and reports kept when it had not lapsed.
//  2. ClaimExecutions is one statement. It lists the distinct owners of
//     RUNNING executions by skipping through executions_by_owner (owner,
//     id) WHERE status = 'RUNNING', one index descent per owner; an owner
//     is dead when it has no cluster_nodes row (it left, or never
//     registered) or its lease lapsed. It locks lapsed nodes' rows FOR
//     SHARE, so a renewal in flight either commits first (the claim
//     re-reads the row and finds the node live) or waits and reports
//     kept = false. It then takes up to limit executions of dead owners,
//     oldest id first, through the index (a range condition on owner
//     keeps the planner from a primary-key or sequential scan that reads
//     every running execution), FOR UPDATE SKIP LOCKED, and the UPDATE
//     sets owner and bumps fence. Claimers never wait for each other nor
//     get the same row: one another took since their snapshot is
//     re-checked under the lock and dropped. TakeActivityTask hands out
//     tasks the same way.
//  3. Steps carry their fence: the step UPDATE (stepSQL, and roundSQL as
//     an array element) also requires "fence = $fence" unless it is 0, so
//     a node that lost an execution fails with store.ErrStaleVersion even
//     when its version still lines up, and writes nothing.
//  4. ReleaseLeases clears the owner of the node's executions, locking
//     them in ARN order (as group commit mostly does), and retries a
//     deadlock; releasing all deletes the node's row too, so its
//     executions are free at once and its next renewal reports kept =
//     false.
//  5. Send with answers deletes the token's row and inserts the message
//     in one statement (data-modifying CTEs), for the task's execution;
//     concurrent answers queue on the row and all but the first find it
//     gone (ErrNotFound). Message ids are taken at insert, so two
//     messages sent concurrently may become visible out of id order.
//  6. Signals are NOTIFY payloads on one channel per schema ("cairn:" and
//     the schema name), sent by the statement that makes the change, so
//     they are delivered when it commits: 'w' (SignalWork), 'i' and the
//     owner's node (SignalInbox), 'a' and the activity ARN
//     (SignalActivity). Listen holds a connection of its own, checks it
//     after 30 s without a notification and reconnects with backoff; what
//     is sent while it is down is lost, so nodes poll too. Every node
//     hears every signal and picks its own. LISTEN needs a session of its
//     own: through PgBouncer, the listener must not go through a
//     transaction-pooling port.
//
// A step's UPDATE changes no indexed column, so it stays a HOT update
// (fillfactor 80); only claims and releases, which move owner, write
// index entries. PurgeExecutions deletes the tasks and messages of what it
// purges; Sweep deletes those of executions no longer RUNNING, and the rows
// of nodes whose lease lapsed over an hour ago and that hold nothing.
//
// # Tests and benchmarks
//
// The tests run the shared suites in store/storetest against a throwaway
// server that package pgtest starts (or against CAIRN_TEST_POSTGRES).
// go test -run '^$' -bench . ./store/postgres compares group commit at 64
// concurrent executions (BenchmarkCommitSteps) with the same rows inserted
// by one goroutine, 100 rows per transaction, pipelined or with COPY
// (BenchmarkBaseline100Rows); benchmarks run the server with fsync on.
package postgres
