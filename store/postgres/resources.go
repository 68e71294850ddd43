package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cairn-sfn/cairn/store"
)

// querier is what a pool and a transaction have in common.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
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

// collect scans every row with scan.
func collect[T any](rows pgx.Rows, scan func(pgx.Row) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

const smColumns = `arn, name, type, status, definition, role_arn, revision_id, logging, tracing, encryption, created_at, updated_at`

func scanSM(r pgx.Row) (store.StateMachine, error) {
	var sm store.StateMachine
	var created, updated int64
	err := r.Scan(&sm.ARN, &sm.Name, &sm.Type, &sm.Status, &sm.Definition, &sm.RoleARN, &sm.RevisionID,
		&sm.LoggingConfiguration, &sm.TracingConfiguration, &sm.EncryptionConfiguration, &created, &updated)
	sm.CreatedAt, sm.UpdatedAt = fromNanos(created), fromNanos(updated)
	return sm, err
}

// setTags sets tags on arn: new keys go after the existing ones in the
// order given, existing keys keep their place. A key given twice takes its
// last value.
func setTags(ctx context.Context, tx pgx.Tx, arn string, tags []store.Tag) error {
	if len(tags) == 0 {
		return nil
	}
	var keys, values []string
	at := map[string]int{}
	for _, t := range tags {
		if i, ok := at[t.Key]; ok {
			values[i] = t.Value
			continue
		}
		at[t.Key] = len(keys)
		keys, values = append(keys, t.Key), append(values, t.Value)
	}
	_, err := tx.Exec(ctx, `INSERT INTO tags (resource_arn, key, value, position)
		SELECT $1, k, v, (SELECT COALESCE(MAX(position), 0) FROM tags WHERE resource_arn = $1) + o
		FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS x (k, v, o)
		ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value`, arn, keys, values)
	if err != nil {
		return fmt.Errorf("tag %s: %w", arn, err)
	}
	return nil
}

func (s *Store) CreateStateMachine(ctx context.Context, sm store.StateMachine, tags []store.Tag) error {
	defer s.machines.drop(sm.ARN)
	return s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO state_machines (`+smColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			sm.ARN, sm.Name, sm.Type, sm.Status, sm.Definition, sm.RoleARN, sm.RevisionID,
			sm.LoggingConfiguration, sm.TracingConfiguration, sm.EncryptionConfiguration,
			nanos(sm.CreatedAt), nanos(sm.UpdatedAt))
		if pgCode(err) == uniqueViolation {
			return fmt.Errorf("create state machine %s: %w", sm.ARN, store.ErrAlreadyExists)
		}
		if err != nil {
			return fmt.Errorf("create state machine %s: %w", sm.ARN, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tags WHERE resource_arn = $1`, sm.ARN); err != nil {
			return fmt.Errorf("create state machine %s: %w", sm.ARN, err)
		}
		return setTags(ctx, tx, sm.ARN, tags)
	})
}

// getSM reads a machine; lock adds FOR UPDATE.
func getSM(ctx context.Context, q querier, arn string, lock bool) (store.StateMachine, error) {
	query := `SELECT ` + smColumns + ` FROM state_machines WHERE arn = $1`
	if lock {
		query += ` FOR UPDATE`
	}
	sm, err := scanSM(q.QueryRow(ctx, query, arn))
	if errors.Is(err, pgx.ErrNoRows) {
		return sm, fmt.Errorf("state machine %s: %w", arn, store.ErrNotFound)
	}
	if err != nil {
		return sm, fmt.Errorf("state machine %s: %w", arn, err)
	}
	return sm, nil
}

func (s *Store) GetStateMachine(ctx context.Context, arn string) (store.StateMachine, error) {
	now := time.Now()
	if sm, ok := s.machines.get(arn, now); ok {
		return sm, nil
	}
	sm, err := getSM(ctx, s.pool, arn, false)
	if err == nil {
		s.machines.put(sm, now)
	}
	return sm, err
}

func (s *Store) UpdateStateMachine(ctx context.Context, arn string, fn func(*store.StateMachine) error) (store.StateMachine, error) {
	defer s.machines.drop(arn)
	var out store.StateMachine
	err := s.tx(ctx, func(tx pgx.Tx) error {
		sm, err := getSM(ctx, tx, arn, true)
		if err != nil {
			return err
		}
		if err := fn(&sm); err != nil {
			return err
		}
		out, err = scanSM(tx.QueryRow(ctx, `UPDATE state_machines SET type = $1, status = $2, definition = $3, role_arn = $4,
			revision_id = $5, logging = $6, tracing = $7, encryption = $8, created_at = $9, updated_at = $10 WHERE arn = $11
			RETURNING `+smColumns,
			sm.Type, sm.Status, sm.Definition, sm.RoleARN, sm.RevisionID, sm.LoggingConfiguration,
			sm.TracingConfiguration, sm.EncryptionConfiguration, nanos(sm.CreatedAt), nanos(sm.UpdatedAt), arn))
		if err != nil {
			return fmt.Errorf("update state machine %s: %w", arn, err)
		}
		return nil
	})
	return out, err
}

func (s *Store) DeleteStateMachine(ctx context.Context, arn string) error {
	defer s.machines.drop(arn)
	return s.tx(ctx, func(tx pgx.Tx) error {
		for _, q := range []string{
			`DELETE FROM tags WHERE resource_arn = $1
				OR resource_arn IN (SELECT arn FROM versions WHERE state_machine_arn = $1)
				OR resource_arn IN (SELECT arn FROM aliases WHERE state_machine_arn = $1)`,
			`DELETE FROM alias_routes WHERE alias_arn IN (SELECT arn FROM aliases WHERE state_machine_arn = $1)`,
			`DELETE FROM aliases WHERE state_machine_arn = $1`,
			`DELETE FROM versions WHERE state_machine_arn = $1`,
		} {
			if _, err := tx.Exec(ctx, q, arn); err != nil {
				return fmt.Errorf("delete state machine %s: %w", arn, err)
			}
		}
		tag, err := tx.Exec(ctx, `DELETE FROM state_machines WHERE arn = $1`, arn)
		if err != nil {
			return fmt.Errorf("delete state machine %s: %w", arn, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("delete state machine %s: %w", arn, store.ErrNotFound)
		}
		return nil
	})
}

func (s *Store) ListStateMachines(ctx context.Context, p store.Page) ([]store.StateMachine, string, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+smColumns+` FROM state_machines WHERE arn > $1 ORDER BY arn`+limitClause(p), p.After)
	if err != nil {
		return nil, "", fmt.Errorf("list state machines: %w", err)
	}
	out, err := collect(rows, scanSM)
	if err != nil {
		return nil, "", fmt.Errorf("list state machines: %w", err)
	}
	out, next := cut(out, p, func(sm store.StateMachine) string { return sm.ARN })
	return out, next, nil
}

const versionColumns = `arn, state_machine_arn, number, description, name, type, definition, role_arn, revision_id, logging, tracing, encryption, created_at`

func scanVersion(r pgx.Row) (store.Version, error) {
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
	err := s.tx(ctx, func(tx pgx.Tx) error {
		// Locking the machine serialises publications of it, so the check
		// for an already published revision cannot race.
		sm, err := getSM(ctx, tx, req.StateMachineARN, true)
		if err != nil {
			return fmt.Errorf("publish version: %w", err)
		}
		if req.IfRevision != nil && *req.IfRevision != sm.RevisionID {
			return fmt.Errorf("publish version of %s: revision %q is not current: %w", sm.ARN, *req.IfRevision, store.ErrConflict)
		}
		newest, err := scanVersion(tx.QueryRow(ctx, `SELECT `+versionColumns+` FROM versions
			WHERE state_machine_arn = $1 ORDER BY number DESC LIMIT 1`, sm.ARN))
		switch {
		case err == nil && newest.RevisionID == sm.RevisionID:
			out = newest
			return nil
		case err != nil && !errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("publish version of %s: %w", sm.ARN, err)
		}
		var n int64
		if err := tx.QueryRow(ctx, `UPDATE state_machines SET next_version = next_version + 1 WHERE arn = $1
			RETURNING next_version - 1`, sm.ARN).Scan(&n); err != nil {
			return fmt.Errorf("publish version of %s: %w", sm.ARN, err)
		}
		out, err = scanVersion(tx.QueryRow(ctx, `INSERT INTO versions (`+versionColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING `+versionColumns,
			store.VersionARN(sm.ARN, n), sm.ARN, n, req.Description, sm.Name, sm.Type, sm.Definition, sm.RoleARN,
			sm.RevisionID, sm.LoggingConfiguration, sm.TracingConfiguration, sm.EncryptionConfiguration, nanos(req.CreatedAt)))
		if err != nil {
			return fmt.Errorf("publish version of %s: %w", sm.ARN, err)
		}
		created = true
		return nil
	})
	if err != nil {
		return store.Version{}, false, err
	}
	return out, created, nil
}

func (s *Store) GetVersion(ctx context.Context, arn string) (store.Version, error) {
	v, err := scanVersion(s.pool.QueryRow(ctx, `SELECT `+versionColumns+` FROM versions WHERE arn = $1`, arn))
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("get version %s: %w", arn, store.ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("get version %s: %w", arn, err)
	}
	return v, nil
}

func (s *Store) DeleteVersion(ctx context.Context, arn string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		var alias string
		err := tx.QueryRow(ctx, `SELECT alias_arn FROM alias_routes WHERE version_arn = $1 LIMIT 1`, arn).Scan(&alias)
		if err == nil {
			return fmt.Errorf("delete version %s: alias %s routes to it: %w", arn, alias, store.ErrConflict)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("delete version %s: %w", arn, err)
		}
		tag, err := tx.Exec(ctx, `DELETE FROM versions WHERE arn = $1`, arn)
		if pgCode(err) == foreignKeyViolation { // an alias routed to it meanwhile
			return fmt.Errorf("delete version %s: an alias routes to it: %w", arn, store.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("delete version %s: %w", arn, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("delete version %s: %w", arn, store.ErrNotFound)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tags WHERE resource_arn = $1`, arn); err != nil {
			return fmt.Errorf("delete version %s: %w", arn, err)
		}
		return nil
	})
}

// exists reports whether table has a row with arn.
func exists(ctx context.Context, q querier, table, arn string) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE arn = $1)`, arn).Scan(&ok)
	return ok, err
}

func (s *Store) ListVersions(ctx context.Context, smARN string, p store.Page) ([]store.Version, string, error) {
	after := int64(math.MaxInt64)
	if p.After != "" {
		if i := strings.LastIndexByte(p.After, ':'); i >= 0 {
			if n, err := strconv.ParseInt(p.After[i+1:], 10, 64); err == nil {
				after = n
			}
		}
	}
	var out []store.Version
	err := s.snapshot(ctx, func(tx pgx.Tx) error {
		if ok, err := exists(ctx, tx, "state_machines", smARN); err != nil || !ok {
			if err == nil {
				err = store.ErrNotFound
			}
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+versionColumns+` FROM versions WHERE state_machine_arn = $1 AND number < $2
			ORDER BY number DESC`+limitClause(p), smARN, after)
		if err != nil {
			return err
		}
		out, err = collect(rows, scanVersion)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list versions of %s: %w", smARN, err)
	}
	out, next := cut(out, p, func(v store.Version) string { return v.ARN })
	return out, next, nil
}

// aliasSelect reads aliases with their routes in order.
const aliasSelect = `SELECT a.arn, a.state_machine_arn, a.name, a.description, a.created_at, a.updated_at,
	COALESCE((SELECT array_agg(version_arn ORDER BY position) FROM alias_routes WHERE alias_arn = a.arn), '{}'),
	COALESCE((SELECT array_agg(weight ORDER BY position) FROM alias_routes WHERE alias_arn = a.arn), '{}')
	FROM aliases a`

func scanAlias(r pgx.Row) (store.Alias, error) {
	var a store.Alias
	var created, updated int64
	var versions []string
	var weights []int32
	if err := r.Scan(&a.ARN, &a.StateMachineARN, &a.Name, &a.Description, &created, &updated, &versions, &weights); err != nil {
		return a, err
	}
	if len(versions) != len(weights) {
		return a, fmt.Errorf("alias %s: %d routes but %d weights", a.ARN, len(versions), len(weights))
	}
	a.CreatedAt, a.UpdatedAt = fromNanos(created), fromNanos(updated)
	for i, v := range versions {
		a.Routes = append(a.Routes, store.Route{VersionARN: v, Weight: weights[i]})
	}
	return a, nil
}

// writeRoutes replaces an alias's routes after checking that every routed
// version exists and belongs to the alias's state machine.
func writeRoutes(ctx context.Context, tx pgx.Tx, a store.Alias) error {
	if _, err := tx.Exec(ctx, `DELETE FROM alias_routes WHERE alias_arn = $1`, a.ARN); err != nil {
		return err
	}
	for i, r := range a.Routes {
		// FOR SHARE keeps the version from being deleted before commit.
		var owner string
		err := tx.QueryRow(ctx, `SELECT state_machine_arn FROM versions WHERE arn = $1 FOR SHARE`, r.VersionARN).Scan(&owner)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && owner != a.StateMachineARN) {
			return fmt.Errorf("version %s: %w", r.VersionARN, store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO alias_routes (alias_arn, position, version_arn, weight) VALUES ($1, $2, $3, $4)`,
			a.ARN, i, r.VersionARN, r.Weight); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) CreateAlias(ctx context.Context, a store.Alias) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		// FOR SHARE keeps the machine from being deleted before commit.
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM state_machines WHERE arn = $1 FOR SHARE`, a.StateMachineARN).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			err = store.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("create alias %s: state machine: %w", a.ARN, err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO aliases (arn, state_machine_arn, name, description, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, a.ARN, a.StateMachineARN, a.Name, a.Description, nanos(a.CreatedAt), nanos(a.UpdatedAt))
		if pgCode(err) == uniqueViolation {
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

func getAlias(ctx context.Context, q querier, arn string, lock bool) (store.Alias, error) {
	query := aliasSelect + ` WHERE a.arn = $1`
	if lock {
		query += ` FOR UPDATE OF a`
	}
	a, err := scanAlias(q.QueryRow(ctx, query, arn))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("alias %s: %w", arn, store.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("alias %s: %w", arn, err)
	}
	return a, nil
}

func (s *Store) GetAlias(ctx context.Context, arn string) (store.Alias, error) {
	return getAlias(ctx, s.pool, arn, false)
}

func (s *Store) UpdateAlias(ctx context.Context, arn string, fn func(*store.Alias) error) (store.Alias, error) {
	var out store.Alias
	err := s.tx(ctx, func(tx pgx.Tx) error {
		a, err := getAlias(ctx, tx, arn, true)
		if err != nil {
			return err
		}
		old := a
		if err := fn(&a); err != nil {
			return err
		}
		a.ARN, a.StateMachineARN, a.Name = old.ARN, old.StateMachineARN, old.Name
		if _, err := tx.Exec(ctx, `UPDATE aliases SET description = $1, created_at = $2, updated_at = $3 WHERE arn = $4`,
			a.Description, nanos(a.CreatedAt), nanos(a.UpdatedAt), arn); err != nil {
			return fmt.Errorf("update alias %s: %w", arn, err)
		}
		if err := writeRoutes(ctx, tx, a); err != nil {
			return fmt.Errorf("update alias %s: %w", arn, err)
		}
		out, err = getAlias(ctx, tx, arn, false)
		return err
	})
	return out, err
}

func (s *Store) DeleteAlias(ctx context.Context, arn string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM alias_routes WHERE alias_arn = $1`, arn); err != nil {
			return fmt.Errorf("delete alias %s: %w", arn, err)
		}
		tag, err := tx.Exec(ctx, `DELETE FROM aliases WHERE arn = $1`, arn)
		if err != nil {
			return fmt.Errorf("delete alias %s: %w", arn, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("delete alias %s: %w", arn, store.ErrNotFound)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tags WHERE resource_arn = $1`, arn); err != nil {
			return fmt.Errorf("delete alias %s: %w", arn, err)
		}
		return nil
	})
}

func (s *Store) ListAliases(ctx context.Context, smARN string, p store.Page) ([]store.Alias, string, error) {
	var out []store.Alias
	err := s.snapshot(ctx, func(tx pgx.Tx) error {
		if ok, err := exists(ctx, tx, "state_machines", smARN); err != nil || !ok {
			if err == nil {
				err = store.ErrNotFound
			}
			return err
		}
		rows, err := tx.Query(ctx, aliasSelect+` WHERE a.state_machine_arn = $1 AND a.arn > $2 ORDER BY a.arn`+limitClause(p), smARN, p.After)
		if err != nil {
			return err
		}
		out, err = collect(rows, scanAlias)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list aliases of %s: %w", smARN, err)
	}
	out, next := cut(out, p, func(a store.Alias) string { return a.ARN })
	return out, next, nil
}

func (s *Store) CreateActivity(ctx context.Context, a store.Activity, tags []store.Tag) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO activities (arn, name, encryption, created_at) VALUES ($1, $2, $3, $4)`,
			a.ARN, a.Name, a.EncryptionConfiguration, nanos(a.CreatedAt))
		if pgCode(err) == uniqueViolation {
			return fmt.Errorf("create activity %s: %w", a.ARN, store.ErrAlreadyExists)
		}
		if err != nil {
			return fmt.Errorf("create activity %s: %w", a.ARN, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tags WHERE resource_arn = $1`, a.ARN); err != nil {
			return fmt.Errorf("create activity %s: %w", a.ARN, err)
		}
		return setTags(ctx, tx, a.ARN, tags)
	})
}

func scanActivity(r pgx.Row) (store.Activity, error) {
	var a store.Activity
	var created int64
	err := r.Scan(&a.ARN, &a.Name, &a.EncryptionConfiguration, &created)
	a.CreatedAt = fromNanos(created)
	return a, err
}

func (s *Store) GetActivity(ctx context.Context, arn string) (store.Activity, error) {
	a, err := scanActivity(s.pool.QueryRow(ctx, `SELECT arn, name, encryption, created_at FROM activities WHERE arn = $1`, arn))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("get activity %s: %w", arn, store.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("get activity %s: %w", arn, err)
	}
	return a, nil
}

func (s *Store) DeleteActivity(ctx context.Context, arn string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM activities WHERE arn = $1`, arn)
		if err != nil {
			return fmt.Errorf("delete activity %s: %w", arn, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("delete activity %s: %w", arn, store.ErrNotFound)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tags WHERE resource_arn = $1`, arn); err != nil {
			return fmt.Errorf("delete activity %s: %w", arn, err)
		}
		return nil
	})
}

func (s *Store) ListActivities(ctx context.Context, p store.Page) ([]store.Activity, string, error) {
	rows, err := s.pool.Query(ctx, `SELECT arn, name, encryption, created_at FROM activities WHERE arn > $1 ORDER BY arn`+limitClause(p), p.After)
	if err != nil {
		return nil, "", fmt.Errorf("list activities: %w", err)
	}
	out, err := collect(rows, scanActivity)
	if err != nil {
		return nil, "", fmt.Errorf("list activities: %w", err)
	}
	out, next := cut(out, p, func(a store.Activity) string { return a.ARN })
	return out, next, nil
}

// lockTaggable locks the state machine or activity arn, so tag changes of
// one resource serialise and the resource cannot go away meanwhile.
func lockTaggable(ctx context.Context, tx pgx.Tx, arn string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM state_machines WHERE arn = $1 FOR UPDATE`, arn).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		err = tx.QueryRow(ctx, `SELECT 1 FROM activities WHERE arn = $1 FOR UPDATE`, arn).Scan(&one)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

func (s *Store) ListTags(ctx context.Context, arn string) ([]store.Tag, error) {
	// One statement, so the existence check and the tags see one snapshot:
	// no row when the resource does not exist, one row of NULLs when it
	// has no tags.
	rows, err := s.pool.Query(ctx, `SELECT t.key, t.value
		FROM (SELECT WHERE EXISTS (SELECT 1 FROM state_machines WHERE arn = $1)
			OR EXISTS (SELECT 1 FROM activities WHERE arn = $1)) r
		LEFT JOIN tags t ON t.resource_arn = $1 ORDER BY t.position`, arn)
	if err != nil {
		return nil, fmt.Errorf("list tags of %s: %w", arn, err)
	}
	defer rows.Close()
	found := false
	var out []store.Tag
	for rows.Next() {
		found = true
		var k, v *string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("list tags of %s: %w", arn, err)
		}
		if k != nil && v != nil {
			out = append(out, store.Tag{Key: *k, Value: *v})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tags of %s: %w", arn, err)
	}
	if !found {
		return nil, fmt.Errorf("list tags of %s: %w", arn, store.ErrNotFound)
	}
	return out, nil
}

func (s *Store) TagResource(ctx context.Context, arn string, tags []store.Tag, limit int) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if err := lockTaggable(ctx, tx, arn); err != nil {
			return fmt.Errorf("tag %s: %w", arn, err)
		}
		if err := setTags(ctx, tx, arn, tags); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tags WHERE resource_arn = $1`, arn).Scan(&n); err != nil {
			return fmt.Errorf("tag %s: %w", arn, err)
		}
		if limit > 0 && n > limit {
			return fmt.Errorf("tag %s: %d tags exceed the limit of %d: %w", arn, n, limit, store.ErrConflict)
		}
		return nil
	})
}

func (s *Store) UntagResource(ctx context.Context, arn string, keys []string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if err := lockTaggable(ctx, tx, arn); err != nil {
			return fmt.Errorf("untag %s: %w", arn, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tags WHERE resource_arn = $1 AND key = ANY ($2)`, arn, keys); err != nil {
			return fmt.Errorf("untag %s: %w", arn, err)
		}
		return nil
	})
}
