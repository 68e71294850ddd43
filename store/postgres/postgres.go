package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cairn-sfn/cairn/store"
)

var _ store.Store = (*Store)(nil)

// migrationLock is the pg_advisory_xact_lock key that serialises schema
// migrations between processes ("cairn" in ASCII, then "mig").
const migrationLock int64 = 0x636169726e6d6967

// Store is a store.Store over one PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	gc   *committer
	// channel is the NOTIFY channel of this schema's Cairn nodes (see
	// Listen).
	channel string
	// closed ends with Close, and with it the listeners.
	closed context.Context
	close  context.CancelFunc
	// machines caches GetStateMachine for a moment (smcache.go).
	machines smCache
}

// Open connects to the database named by connString (a postgres:// URL or
// key=value pairs, as libpq takes them), applies pending migrations and
// starts the group-commit writer; Close stops it and closes the pool.
//
// Durability is the server's: CommitSteps returns after COMMIT, which with
// the default synchronous_commit=on means the WAL is flushed.
//
// The pool gets at least defaultWriters connections more than pgxpool's
// default (pool_max_conns in connString is raised to that). Statements are
// prepared per connection (pgx's statement cache), so a pooler in between
// must support prepared statements (PgBouncer 1.21+), or connString must
// say default_query_exec_mode=exec.
func Open(ctx context.Context, connString string) (*Store, error) {
	return open(ctx, connString, defaultWriters)
}

// defaultWriters is how many group-commit writers Open starts. A second
// writer overlaps one group's execution with the other's WAL flush; more
// make smaller groups and more flushes. BenchmarkCommitSteps (64
// executions, 2 cores, fsync on), events/s: 1 writer 37-40k, 2 writers
// 44-47k, 4 writers 37-39k; on a loaded machine, 2 were never slower.
const defaultWriters = 2

func open(ctx context.Context, connString string, writers int) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	// Each writer holds a connection while it commits; leave the readers
	// pgxpool's usual share besides.
	if need := int32(writers + max(4, runtime.NumCPU())); cfg.MaxConns < need {
		cfg.MaxConns = need
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	s := &Store{pool: pool, machines: smCache{ttl: smCacheTTL}}
	s.closed, s.close = context.WithCancel(context.Background())
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	var schema string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	s.channel = channelName(schema)
	s.gc = newCommitter(pool, writers)
	return s, nil
}

// Close commits the steps already queued, stops the writer and the
// listeners, and closes the pool.
func (s *Store) Close() error {
	s.close()
	s.gc.close()
	s.pool.Close()
	return nil
}

// SchemaVersion reports how many migrations have been applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.pool.QueryRow(ctx, `SELECT version FROM cairn_schema_migrations WHERE component = 'store'`).Scan(&v); err != nil {
		return 0, fmt.Errorf("postgres store: schema version: %w", err)
	}
	return v, nil
}

func (s *Store) migrate(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The lock comes first: CREATE TABLE IF NOT EXISTS is not safe
		// against a concurrent creator of the same table.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS cairn_schema_migrations (
			component text PRIMARY KEY, version integer NOT NULL)`); err != nil {
			return err
		}
		var have int
		err := tx.QueryRow(ctx, `SELECT version FROM cairn_schema_migrations WHERE component = 'store'`).Scan(&have)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if have > len(migrations) {
			return fmt.Errorf("schema version %d is newer than this binary (%d)", have, len(migrations))
		}
		for i := have; i < len(migrations); i++ {
			if _, err := tx.Exec(ctx, migrations[i]); err != nil {
				return fmt.Errorf("migration %d: %w", i+1, err)
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO cairn_schema_migrations (component, version) VALUES ('store', $1)
			ON CONFLICT (component) DO UPDATE SET version = excluded.version`, len(migrations))
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres store: migrate: %w", err)
	}
	return nil
}

// tx runs fn in one read-committed transaction, committing when fn returns
// nil. Read-modify-write callers lock what they read (FOR UPDATE).
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// snapshot runs fn in one read-only repeatable-read transaction, so its
// queries see one snapshot.
func (s *Store) snapshot(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

// nanos stores the zero time as 0 (UnixNano of the zero time is
// undefined), so an unset time reads back as the zero time.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// pgCode returns the SQLSTATE of a server error, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)
