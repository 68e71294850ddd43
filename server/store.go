package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/store/postgres"
)

// isPostgresURL reports whether a Config.Store names a PostgreSQL database.
func isPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// checkStoreURL validates Config.Store.
func checkStoreURL(u string) error {
	if u != "" && !isPostgresURL(u) {
		return fmt.Errorf("store %q: want empty (SQLite in the data directory) or a postgres:// URL", redact(u))
	}
	return nil
}

// openStore opens the store cfg chooses.
func openStore(ctx context.Context, cfg Config) (engine.Store, error) {
	if !isPostgresURL(cfg.Store) {
		return openSQLite(ctx, cfg.DataDir)
	}
	st, err := postgres.Open(ctx, cfg.Store)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", redact(cfg.Store), err)
	}
	return st, nil
}

// redact drops a password from a store URL before it is shown.
func redact(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	at := strings.LastIndexByte(strings.SplitN(rest, "/", 2)[0], '@')
	if at < 0 {
		return u
	}
	user, _, hasPass := strings.Cut(rest[:at], ":")
	if !hasPass {
		return u
	}
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}
