// Package postgres is the store.Store for PostgreSQL, for servers that want
// a database they already run and back up, and later for several Cairn
// nodes sharing one database. It uses github.com/jackc/pgx/v5 natively
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
//  2. Group commit (groupcommit.go): concurrent CreateExecution and
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
// # Leasing, later
//
// Multi-node leasing is not implemented. The schema leaves room for it: a
// later migration adds to executions
//
//	owner       text   NOT NULL DEFAULT ''  -- node holding the lease
//	lease_until bigint NOT NULL DEFAULT 0   -- Unix nanoseconds
//	fence       bigint NOT NULL DEFAULT 0   -- bumped on every takeover
//
// (constant defaults, so adding them rewrites no rows), and the step
// statement gains "AND fence = $n", so a node that lost its lease fails
// with ErrStaleVersion like any stale writer. The executions table has
// fillfactor 80 so that the per-step UPDATE, which changes no indexed
// column, stays a HOT update; a lease renewal would be one too.
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
