package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Batches reports how many group transactions s has committed.
func Batches(s *Store) int64 { return s.gc.batches.Load() }

// OpenWriters is Open with n group-commit writers.
func OpenWriters(ctx context.Context, connString string, n int) (*Store, error) {
	return open(ctx, connString, n)
}

// Pool returns s's connection pool.
func Pool(s *Store) *pgxpool.Pool { return s.pool }

// ClaimSQL is the statement ClaimExecutions runs: $1 node, $2 limit.
const ClaimSQL = claimSQL

// RenewSQL is the statement RenewLease runs: $1 node, $2 ttl in
// nanoseconds.
const RenewSQL = renewSQL

// SetMachineCacheTTL changes how long s caches state machines.
func SetMachineCacheTTL(s *Store, d time.Duration) { s.machines.ttl = d }
