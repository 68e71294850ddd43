package sqlite

import "context"

// Batches reports how many group transactions s has committed.
func Batches(s *Store) int64 { return s.gc.batches.Load() }

// Pragma reads a pragma on the writer connection.
func Pragma(s *Store, name string) (string, error) {
	var v string
	err := s.db.QueryRow("PRAGMA " + name).Scan(&v)
	return v, err
}

// OpenNoSync opens a store that never fsyncs, for the shared suites: they
// test logic, and fsync latency on a busy disk made them slow. Durability
// is tested through Open (TestCrashConsistency, TestDurabilitySettings).
func OpenNoSync(ctx context.Context, dir string) (*Store, error) { return open(ctx, dir, "OFF") }
