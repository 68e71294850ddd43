// Package sqlite is the embedded store.Store: one SQLite database file
// in a data directory, opened with modernc.org/sqlite (pure Go, no cgo) in
// WAL mode with synchronous=FULL. The schema is versioned; pending
// migrations run on Open.
//
// All writes go through one connection. Execution steps (CommitSteps,
// CreateExecution) are queued to one writer goroutine that commits
// everything queued in one transaction, so one fsync serves many steps
// (groupcommit.go). Execution reads use a separate pool of read-only
// connections, which WAL lets run beside the writer.
//
// go test -run '^$' -bench . ./store/sqlite compares group commit at 64
// concurrent executions (BenchmarkCommitSteps) with the raw SQLite ceiling
// for the same rows (BenchmarkCeiling100Rows); TestCrashConsistency kills a
// committing process with SIGKILL and checks what survives.
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cairn-sfn/cairn/store"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

var _ store.Store = (*Store)(nil)

// FileName is the database file created in the data directory.
const FileName = "cairn.db"

// LockName is the file in the data directory that a process holding the
// store locks.
const LockName = "cairn.lock"

// ErrLocked: another process holds the data directory.
var ErrLocked = errors.New("data directory locked")

// component names this package's migrations in the schema_migrations table,
// so other stores can keep their own schema history in the same file.
const component = "resources"

// migrations are applied in order; never edit one that has shipped.
var migrations = []string{
	`CREATE TABLE state_machines (
		arn          TEXT PRIMARY KEY,
		name         TEXT NOT NULL,
		type         TEXT NOT NULL,
		status       TEXT NOT NULL,
		definition   TEXT NOT NULL,
		role_arn     TEXT NOT NULL,
		revision_id  TEXT NOT NULL,
		logging      BLOB,
		tracing      BLOB,
		encryption   BLOB,
		created_at   INTEGER NOT NULL,
		updated_at   INTEGER NOT NULL,
		next_version INTEGER NOT NULL DEFAULT 1
	);
	CREATE TABLE versions (
		arn               TEXT PRIMARY KEY,
		state_machine_arn TEXT NOT NULL REFERENCES state_machines(arn) ON DELETE CASCADE,
		number            INTEGER NOT NULL,
		description       TEXT NOT NULL,
		name              TEXT NOT NULL,
		type              TEXT NOT NULL,
		definition        TEXT NOT NULL,
		role_arn          TEXT NOT NULL,
		revision_id       TEXT NOT NULL,
		logging           BLOB,
		tracing           BLOB,
		encryption        BLOB,
		created_at        INTEGER NOT NULL,
		UNIQUE (state_machine_arn, number)
	);
	CREATE TABLE aliases (
		arn               TEXT PRIMARY KEY,
		state_machine_arn TEXT NOT NULL REFERENCES state_machines(arn) ON DELETE CASCADE,
		name              TEXT NOT NULL,
		description       TEXT NOT NULL,
		created_at        INTEGER NOT NULL,
		updated_at        INTEGER NOT NULL
	);
	CREATE INDEX aliases_by_machine ON aliases (state_machine_arn, arn);
	CREATE TABLE alias_routes (
		alias_arn   TEXT NOT NULL REFERENCES aliases(arn) ON DELETE CASCADE,
		position    INTEGER NOT NULL,
		version_arn TEXT NOT NULL REFERENCES versions(arn),
		weight      INTEGER NOT NULL,
		PRIMARY KEY (alias_arn, position)
	);
	CREATE INDEX alias_routes_by_version ON alias_routes (version_arn);
	CREATE TABLE activities (
		arn        TEXT PRIMARY KEY,
		name       TEXT NOT NULL,
		encryption BLOB,
		created_at INTEGER NOT NULL
	);
	CREATE TABLE tags (
		resource_arn TEXT NOT NULL,
		key          TEXT NOT NULL,
		value        TEXT NOT NULL,
		position     INTEGER NOT NULL,
		PRIMARY KEY (resource_arn, key)
	);`,
	executionsSchema,
}

// Store is a store.Store over one SQLite database.
type Store struct {
	// db is the writer: one connection, so our own writers queue in Go
	// instead of meeting SQLITE_BUSY. Resource reads use it too (they are
	// rare); execution reads go to rd, which WAL lets run beside the writer.
	db *sql.DB
	rd *sql.DB
	gc *committer

	// machines caches state machines by ARN: every execution start reads
	// its machine, and this process is the database's only writer, so the
	// cache is dropped on each write to a machine and never goes stale.
	machines smCache
	// lock holds the directory for this process (lock_unix.go): the
	// machine cache, the recovery of running executions and the
	// single-writer group commit all assume no other process writes.
	lock *os.File
}

type smCache struct {
	mu sync.Mutex
	m  map[string]store.StateMachine
}

func (c *smCache) get(arn string) (store.StateMachine, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sm, ok := c.m[arn]
	return sm, ok
}

func (c *smCache) put(sm store.StateMachine) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 4096 {
		c.m = map[string]store.StateMachine{}
	}
	c.m[sm.ARN] = sm
}

func (c *smCache) forget(arn string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, arn)
}

// copySM returns sm with its own byte slices, as callers may change what
// they get.
func copySM(sm store.StateMachine) store.StateMachine {
	sm.LoggingConfiguration = bytes.Clone(sm.LoggingConfiguration)
	sm.TracingConfiguration = bytes.Clone(sm.TracingConfiguration)
	sm.EncryptionConfiguration = bytes.Clone(sm.EncryptionConfiguration)
	return sm
}

// Open opens (creating if needed) the database in dir, migrates it and
// starts the group-commit writer; Close stops it.
//
// Durability: WAL with synchronous=FULL, so every commit (one per group of
// steps) is fsynced before CommitSteps returns. NORMAL would survive kill -9
// (the OS keeps the written WAL) but can lose the last commits on power
// loss; group commit makes the fsync cheap enough to keep FULL.
func Open(ctx context.Context, dir string) (*Store, error) { return open(ctx, dir, "FULL") }

// open is Open with a choice of synchronous setting; only tests that do
// not test durability pass anything but FULL.
func open(ctx context.Context, dir, synchronous string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	s, err := openLocked(ctx, dir, synchronous)
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		return nil, err
	}
	s.lock = lock
	return s, nil
}

// openLocked opens the database of a directory this process has locked.
func openLocked(ctx context.Context, dir, synchronous string) (*Store, error) {
	file := "file:" + filepath.Join(dir, FileName)
	db, err := sql.Open("sqlite", file+
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous("+synchronous+")&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite store: open: %w", err)
	}
	db.SetMaxOpenConns(1)
	s := &Store{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	s.rd, err = sql.Open("sqlite", file+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite store: open: %w", err)
	}
	s.rd.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	if s.gc, err = newCommitter(ctx, db); err != nil {
		s.rd.Close()
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close commits the steps already queued, stops the writer and closes the
// database.
func (s *Store) Close() error {
	s.gc.close()
	err := errors.Join(s.rd.Close(), s.db.Close())
	if s.lock != nil {
		err = errors.Join(err, s.lock.Close())
	}
	return err
}

// SchemaVersion reports how many migrations have been applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT version FROM schema_migrations WHERE component = ?`, component).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("sqlite store: schema version: %w", err)
	}
	return v, nil
}

func (s *Store) migrate(ctx context.Context) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT PRIMARY KEY, version INTEGER NOT NULL)`); err != nil {
			return fmt.Errorf("sqlite store: migrate: %w", err)
		}
		var have int
		err := tx.QueryRowContext(ctx, `SELECT version FROM schema_migrations WHERE component = ?`, component).Scan(&have)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlite store: migrate: %w", err)
		}
		if have > len(migrations) {
			return fmt.Errorf("sqlite store: schema version %d is newer than this binary (%d)", have, len(migrations))
		}
		for i := have; i < len(migrations); i++ {
			if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
				return fmt.Errorf("sqlite store: migration %d: %w", i+1, err)
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (component, version) VALUES (?, ?)
			ON CONFLICT (component) DO UPDATE SET version = excluded.version`, component, len(migrations))
		if err != nil {
			return fmt.Errorf("sqlite store: migrate: %w", err)
		}
		return nil
	})
}

// tx runs fn in one transaction, committing when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite store: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite store: commit: %w", err)
	}
	return nil
}

func nanos(t time.Time) int64 { return t.UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// blob keeps nil as SQL NULL so absent configurations stay absent.
func blob(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

type scanner interface{ Scan(dest ...any) error }

const smColumns = `arn, name, type, status, definition, role_arn, revision_id, logging, tracing, encryption, created_at, updated_at`

func scanSM(r scanner) (store.StateMachine, error) {
	var sm store.StateMachine
	var created, updated int64
	err := r.Scan(&sm.ARN, &sm.Name, &sm.Type, &sm.Status, &sm.Definition, &sm.RoleARN, &sm.RevisionID,
		&sm.LoggingConfiguration, &sm.TracingConfiguration, &sm.EncryptionConfiguration, &created, &updated)
	sm.CreatedAt, sm.UpdatedAt = fromNanos(created), fromNanos(updated)
	return sm, err
}

func insertTags(ctx context.Context, tx *sql.Tx, arn string, tags []store.Tag) error {
	for _, t := range tags {
		_, err := tx.ExecContext(ctx, `INSERT INTO tags (resource_arn, key, value, position)
			VALUES (?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM tags WHERE resource_arn = ?))
			ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value`, arn, t.Key, t.Value, arn)
		if err != nil {
			return fmt.Errorf("tag %s: %w", arn, err)
		}
	}
	return nil
}

func (s *Store) CreateStateMachine(ctx context.Context, sm store.StateMachine, tags []store.Tag) error {
	defer s.machines.forget(sm.ARN)
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO state_machines (`+smColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sm.ARN, sm.Name, sm.Type, sm.Status, sm.Definition, sm.RoleARN, sm.RevisionID,
			blob(sm.LoggingConfiguration), blob(sm.TracingConfiguration), blob(sm.EncryptionConfiguration),
			nanos(sm.CreatedAt), nanos(sm.UpdatedAt))
		if isUnique(err) {
			return fmt.Errorf("create state machine %s: %w", sm.ARN, store.ErrAlreadyExists)
		}
		if err != nil {
			return fmt.Errorf("create state machine %s: %w", sm.ARN, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE resource_arn = ?`, sm.ARN); err != nil {
			return fmt.Errorf("create state machine %s: %w", sm.ARN, err)
		}
		return insertTags(ctx, tx, sm.ARN, tags)
	})
}

func getSM(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, arn string) (store.StateMachine, error) {
	sm, err := scanSM(q.QueryRowContext(ctx, `SELECT `+smColumns+` FROM state_machines WHERE arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return sm, fmt.Errorf("state machine %s: %w", arn, store.ErrNotFound)
	}
	if err != nil {
		return sm, fmt.Errorf("state machine %s: %w", arn, err)
	}
	return sm, nil
}

func (s *Store) GetStateMachine(ctx context.Context, arn string) (store.StateMachine, error) {
	if sm, ok := s.machines.get(arn); ok {
		return copySM(sm), nil
	}
	sm, err := getSM(ctx, s.db, arn)
	if err != nil {
		return sm, err
	}
	s.machines.put(copySM(sm))
	return sm, nil
}

func (s *Store) UpdateStateMachine(ctx context.Context, arn string, fn func(*store.StateMachine) error) (store.StateMachine, error) {
	defer s.machines.forget(arn)
	var out store.StateMachine
	err := s.tx(ctx, func(tx *sql.Tx) error {
		sm, err := getSM(ctx, tx, arn)
		if err != nil {
			return err
		}
		if err := fn(&sm); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE state_machines SET type = ?, status = ?, definition = ?, role_arn = ?,
			revision_id = ?, logging = ?, tracing = ?, encryption = ?, created_at = ?, updated_at = ? WHERE arn = ?`,
			sm.Type, sm.Status, sm.Definition, sm.RoleARN, sm.RevisionID, blob(sm.LoggingConfiguration),
			blob(sm.TracingConfiguration), blob(sm.EncryptionConfiguration), nanos(sm.CreatedAt), nanos(sm.UpdatedAt), arn)
		if err != nil {
			return fmt.Errorf("update state machine %s: %w", arn, err)
		}
		out, err = getSM(ctx, tx, arn)
		return err
	})
	return out, err
}

func (s *Store) DeleteStateMachine(ctx context.Context, arn string) error {
	defer s.machines.forget(arn)
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE resource_arn = ?
			OR resource_arn IN (SELECT arn FROM versions WHERE state_machine_arn = ?)
			OR resource_arn IN (SELECT arn FROM aliases WHERE state_machine_arn = ?)`, arn, arn, arn)
		if err != nil {
			return fmt.Errorf("delete state machine %s: %w", arn, err)
		}
		for _, q := range []string{
			`DELETE FROM alias_routes WHERE alias_arn IN (SELECT arn FROM aliases WHERE state_machine_arn = ?)`,
			`DELETE FROM aliases WHERE state_machine_arn = ?`,
			`DELETE FROM versions WHERE state_machine_arn = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, arn); err != nil {
				return fmt.Errorf("delete state machine %s: %w", arn, err)
			}
		}
		_ = res
		res, err = tx.ExecContext(ctx, `DELETE FROM state_machines WHERE arn = ?`, arn)
		if err != nil {
			return fmt.Errorf("delete state machine %s: %w", arn, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delete state machine %s: %w", arn, store.ErrNotFound)
		}
		return nil
	})
}

// limitClause turns Page.Limit into a LIMIT that fetches one extra row, to
// learn whether another page follows.
func limitClause(p store.Page) string {
	if p.Limit <= 0 {
		return ""
	}
	return " LIMIT " + strconv.Itoa(p.Limit+1)
}

// cut trims the extra row fetched by limitClause and returns the cursor.
func cut[T any](items []T, p store.Page, key func(T) string) ([]T, string) {
	if p.Limit > 0 && len(items) > p.Limit {
		items = items[:p.Limit]
		return items, key(items[len(items)-1])
	}
	return items, ""
}

func (s *Store) ListStateMachines(ctx context.Context, p store.Page) ([]store.StateMachine, string, error) {
	return listRows(ctx, s.db, "list state machines", p, scanSM, func(sm store.StateMachine) string { return sm.ARN },
		`SELECT `+smColumns+` FROM state_machines WHERE arn > ? ORDER BY arn`+limitClause(p), p.After)
}

// listRows runs a list query, scans each row and cuts the page at p's
// limit, returning the next page's cursor (the key of the last item).
func listRows[T any](ctx context.Context, db *sql.DB, what string, p store.Page, scan func(scanner) (T, error),
	key func(T) string, query string, args ...any) ([]T, string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("%s: %w", what, err)
	}
	out, next := cut(out, p, key)
	return out, next, nil
}

const versionColumns = `arn, state_machine_arn, number, description, name, type, definition, role_arn, revision_id, logging, tracing, encryption, created_at`

func scanVersion(r scanner) (store.Version, error) {
	var v store.Version
	var created int64
	err := r.Scan(&v.ARN, &v.StateMachineARN, &v.Number, &v.Description, &v.Name, &v.Type, &v.Definition, &v.RoleARN,
		&v.RevisionID, &v.LoggingConfiguration, &v.TracingConfiguration, &v.EncryptionConfiguration, &created)
	v.CreatedAt = fromNanos(created)
	return v, err
}

func (s *Store) PublishVersion(ctx context.Context, req store.PublishRequest) (store.Version, bool, error) {
	var out store.Version
	var created bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		sm, err := getSM(ctx, tx, req.StateMachineARN)
		if err != nil {
			return fmt.Errorf("publish version: %w", err)
		}
		if req.IfRevision != nil && *req.IfRevision != sm.RevisionID {
			return fmt.Errorf("publish version of %s: revision %q is not current: %w", sm.ARN, *req.IfRevision, store.ErrConflict)
		}
		newest, err := scanVersion(tx.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM versions
			WHERE state_machine_arn = ? ORDER BY number DESC LIMIT 1`, sm.ARN))
		switch {
		case err == nil && newest.RevisionID == sm.RevisionID:
			out = newest
			return nil
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("publish version of %s: %w", sm.ARN, err)
		}
		var n int64
		if err := tx.QueryRowContext(ctx, `UPDATE state_machines SET next_version = next_version + 1 WHERE arn = ?
			RETURNING next_version - 1`, sm.ARN).Scan(&n); err != nil {
			return fmt.Errorf("publish version of %s: %w", sm.ARN, err)
		}
		out = store.Version{
			ARN: store.VersionARN(sm.ARN, n), StateMachineARN: sm.ARN, Number: n, Description: req.Description,
			Name: sm.Name, Type: sm.Type, Definition: sm.Definition, RoleARN: sm.RoleARN, RevisionID: sm.RevisionID,
			LoggingConfiguration: sm.LoggingConfiguration, TracingConfiguration: sm.TracingConfiguration,
			EncryptionConfiguration: sm.EncryptionConfiguration, CreatedAt: req.CreatedAt,
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO versions (`+versionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			out.ARN, out.StateMachineARN, out.Number, out.Description, out.Name, out.Type, out.Definition, out.RoleARN,
			out.RevisionID, blob(out.LoggingConfiguration), blob(out.TracingConfiguration), blob(out.EncryptionConfiguration),
			nanos(out.CreatedAt))
		if err != nil {
			return fmt.Errorf("publish version of %s: %w", sm.ARN, err)
		}
		out.CreatedAt = fromNanos(nanos(out.CreatedAt))
		created = true
		return nil
	})
	if err != nil {
		return store.Version{}, false, err
	}
	return out, created, nil
}

func (s *Store) GetVersion(ctx context.Context, arn string) (store.Version, error) {
	v, err := scanVersion(s.db.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM versions WHERE arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("get version %s: %w", arn, store.ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("get version %s: %w", arn, err)
	}
	return v, nil
}

func (s *Store) DeleteVersion(ctx context.Context, arn string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var alias string
		err := tx.QueryRowContext(ctx, `SELECT alias_arn FROM alias_routes WHERE version_arn = ? LIMIT 1`, arn).Scan(&alias)
		if err == nil {
			return fmt.Errorf("delete version %s: alias %s routes to it: %w", arn, alias, store.ErrConflict)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("delete version %s: %w", arn, err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM versions WHERE arn = ?`, arn)
		if err != nil {
			return fmt.Errorf("delete version %s: %w", arn, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delete version %s: %w", arn, store.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE resource_arn = ?`, arn); err != nil {
			return fmt.Errorf("delete version %s: %w", arn, err)
		}
		return nil
	})
}

func (s *Store) exists(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, table, arn string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE arn = ?`, arn).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func (s *Store) ListVersions(ctx context.Context, smARN string, p store.Page) ([]store.Version, string, error) {
	if ok, err := s.exists(ctx, s.db, "state_machines", smARN); err != nil || !ok {
		if err == nil {
			err = store.ErrNotFound
		}
		return nil, "", fmt.Errorf("list versions of %s: %w", smARN, err)
	}
	after := int64(1) << 62
	if p.After != "" {
		if i := strings.LastIndexByte(p.After, ':'); i >= 0 {
			if n, err := strconv.ParseInt(p.After[i+1:], 10, 64); err == nil {
				after = n
			}
		}
	}
	return listRows(ctx, s.db, "list versions of "+smARN, p, scanVersion, func(v store.Version) string { return v.ARN },
		`SELECT `+versionColumns+` FROM versions WHERE state_machine_arn = ? AND number < ?
		ORDER BY number DESC`+limitClause(p), smARN, after)
}

// writeRoutes replaces an alias's routes after checking that every routed
// version exists and belongs to the alias's state machine.
func writeRoutes(ctx context.Context, tx *sql.Tx, a store.Alias) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM alias_routes WHERE alias_arn = ?`, a.ARN); err != nil {
		return err
	}
	for i, r := range a.Routes {
		var owner string
		err := tx.QueryRowContext(ctx, `SELECT state_machine_arn FROM versions WHERE arn = ?`, r.VersionARN).Scan(&owner)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != a.StateMachineARN) {
			return fmt.Errorf("version %s: %w", r.VersionARN, store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO alias_routes (alias_arn, position, version_arn, weight) VALUES (?, ?, ?, ?)`,
			a.ARN, i, r.VersionARN, r.Weight); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) CreateAlias(ctx context.Context, a store.Alias) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if ok, err := s.exists(ctx, tx, "state_machines", a.StateMachineARN); err != nil || !ok {
			if err == nil {
				err = store.ErrNotFound
			}
			return fmt.Errorf("create alias %s: state machine: %w", a.ARN, err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO aliases (arn, state_machine_arn, name, description, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, a.ARN, a.StateMachineARN, a.Name, a.Description, nanos(a.CreatedAt), nanos(a.UpdatedAt))
		if isUnique(err) {
			return fmt.Errorf("create alias %s: %w", a.ARN, store.ErrAlreadyExists)
		}
		if err != nil {
			return fmt.Errorf("create alias %s: %w", a.ARN, err)
		}
		if err := writeRoutes(ctx, tx, a); err != nil {
			return fmt.Errorf("create alias %s: %w", a.ARN, err)
		}
		return nil
	})
}

func getAlias(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, arn string) (store.Alias, error) {
	var a store.Alias
	var created, updated int64
	err := q.QueryRowContext(ctx, `SELECT arn, state_machine_arn, name, description, created_at, updated_at FROM aliases WHERE arn = ?`, arn).
		Scan(&a.ARN, &a.StateMachineARN, &a.Name, &a.Description, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("alias %s: %w", arn, store.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("alias %s: %w", arn, err)
	}
	a.CreatedAt, a.UpdatedAt = fromNanos(created), fromNanos(updated)
	rows, err := q.QueryContext(ctx, `SELECT version_arn, weight FROM alias_routes WHERE alias_arn = ? ORDER BY position`, arn)
	if err != nil {
		return a, fmt.Errorf("alias %s: %w", arn, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r store.Route
		if err := rows.Scan(&r.VersionARN, &r.Weight); err != nil {
			return a, fmt.Errorf("alias %s: %w", arn, err)
		}
		a.Routes = append(a.Routes, r)
	}
	return a, rows.Err()
}

func (s *Store) GetAlias(ctx context.Context, arn string) (store.Alias, error) {
	return getAlias(ctx, s.db, arn)
}

func (s *Store) UpdateAlias(ctx context.Context, arn string, fn func(*store.Alias) error) (store.Alias, error) {
	var out store.Alias
	err := s.tx(ctx, func(tx *sql.Tx) error {
		a, err := getAlias(ctx, tx, arn)
		if err != nil {
			return err
		}
		old := a
		if err := fn(&a); err != nil {
			return err
		}
		a.ARN, a.StateMachineARN, a.Name = old.ARN, old.StateMachineARN, old.Name
		if _, err := tx.ExecContext(ctx, `UPDATE aliases SET description = ?, created_at = ?, updated_at = ? WHERE arn = ?`,
			a.Description, nanos(a.CreatedAt), nanos(a.UpdatedAt), arn); err != nil {
			return fmt.Errorf("update alias %s: %w", arn, err)
		}
		if err := writeRoutes(ctx, tx, a); err != nil {
			return fmt.Errorf("update alias %s: %w", arn, err)
		}
		out, err = getAlias(ctx, tx, arn)
		return err
	})
	return out, err
}

func (s *Store) DeleteAlias(ctx context.Context, arn string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM alias_routes WHERE alias_arn = ?`, arn); err != nil {
			return fmt.Errorf("delete alias %s: %w", arn, err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM aliases WHERE arn = ?`, arn)
		if err != nil {
			return fmt.Errorf("delete alias %s: %w", arn, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delete alias %s: %w", arn, store.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE resource_arn = ?`, arn); err != nil {
			return fmt.Errorf("delete alias %s: %w", arn, err)
		}
		return nil
	})
}

func (s *Store) ListAliases(ctx context.Context, smARN string, p store.Page) ([]store.Alias, string, error) {
	var out []store.Alias
	var next string
	// One transaction gives a consistent snapshot of aliases and routes.
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if ok, err := s.exists(ctx, tx, "state_machines", smARN); err != nil || !ok {
			if err == nil {
				err = store.ErrNotFound
			}
			return fmt.Errorf("list aliases of %s: %w", smARN, err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT arn FROM aliases WHERE state_machine_arn = ? AND arn > ? ORDER BY arn`+limitClause(p), smARN, p.After)
		if err != nil {
			return fmt.Errorf("list aliases of %s: %w", smARN, err)
		}
		var arns []string
		for rows.Next() {
			var a string
			if err := rows.Scan(&a); err != nil {
				rows.Close()
				return fmt.Errorf("list aliases of %s: %w", smARN, err)
			}
			arns = append(arns, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list aliases of %s: %w", smARN, err)
		}
		arns, next = cut(arns, p, func(a string) string { return a })
		for _, arn := range arns {
			a, err := getAlias(ctx, tx, arn)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	return out, next, err
}

func (s *Store) CreateActivity(ctx context.Context, a store.Activity, tags []store.Tag) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO activities (arn, name, encryption, created_at) VALUES (?, ?, ?, ?)`,
			a.ARN, a.Name, blob(a.EncryptionConfiguration), nanos(a.CreatedAt))
		if isUnique(err) {
			return fmt.Errorf("create activity %s: %w", a.ARN, store.ErrAlreadyExists)
		}
		if err != nil {
			return fmt.Errorf("create activity %s: %w", a.ARN, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE resource_arn = ?`, a.ARN); err != nil {
			return fmt.Errorf("create activity %s: %w", a.ARN, err)
		}
		return insertTags(ctx, tx, a.ARN, tags)
	})
}

func scanActivity(r scanner) (store.Activity, error) {
	var a store.Activity
	var created int64
	err := r.Scan(&a.ARN, &a.Name, &a.EncryptionConfiguration, &created)
	a.CreatedAt = fromNanos(created)
	return a, err
}

func (s *Store) GetActivity(ctx context.Context, arn string) (store.Activity, error) {
	a, err := scanActivity(s.db.QueryRowContext(ctx, `SELECT arn, name, encryption, created_at FROM activities WHERE arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("get activity %s: %w", arn, store.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("get activity %s: %w", arn, err)
	}
	return a, nil
}

func (s *Store) DeleteActivity(ctx context.Context, arn string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM activities WHERE arn = ?`, arn)
		if err != nil {
			return fmt.Errorf("delete activity %s: %w", arn, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delete activity %s: %w", arn, store.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE resource_arn = ?`, arn); err != nil {
			return fmt.Errorf("delete activity %s: %w", arn, err)
		}
		return nil
	})
}

func (s *Store) ListActivities(ctx context.Context, p store.Page) ([]store.Activity, string, error) {
	return listRows(ctx, s.db, "list activities", p, scanActivity, func(a store.Activity) string { return a.ARN },
		`SELECT arn, name, encryption, created_at FROM activities WHERE arn > ? ORDER BY arn`+limitClause(p), p.After)
}

func (s *Store) taggable(ctx context.Context, tx *sql.Tx, arn string) error {
	for _, table := range []string{"state_machines", "activities"} {
		ok, err := s.exists(ctx, tx, table, arn)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
	}
	return store.ErrNotFound
}

func (s *Store) ListTags(ctx context.Context, arn string) ([]store.Tag, error) {
	var out []store.Tag
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.taggable(ctx, tx, arn); err != nil {
			return fmt.Errorf("list tags of %s: %w", arn, err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT key, value FROM tags WHERE resource_arn = ? ORDER BY position`, arn)
		if err != nil {
			return fmt.Errorf("list tags of %s: %w", arn, err)
		}
		defer rows.Close()
		for rows.Next() {
			var t store.Tag
			if err := rows.Scan(&t.Key, &t.Value); err != nil {
				return fmt.Errorf("list tags of %s: %w", arn, err)
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	return out, err
}

func (s *Store) TagResource(ctx context.Context, arn string, tags []store.Tag, limit int) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.taggable(ctx, tx, arn); err != nil {
			return fmt.Errorf("tag %s: %w", arn, err)
		}
		if err := insertTags(ctx, tx, arn, tags); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tags WHERE resource_arn = ?`, arn).Scan(&n); err != nil {
			return fmt.Errorf("tag %s: %w", arn, err)
		}
		if limit > 0 && n > limit {
			return fmt.Errorf("tag %s: %d tags exceed the limit of %d: %w", arn, n, limit, store.ErrConflict)
		}
		return nil
	})
}

func (s *Store) UntagResource(ctx context.Context, arn string, keys []string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.taggable(ctx, tx, arn); err != nil {
			return fmt.Errorf("untag %s: %w", arn, err)
		}
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE resource_arn = ? AND key = ?`, arn, k); err != nil {
				return fmt.Errorf("untag %s: %w", arn, err)
			}
		}
		return nil
	})
}
