package postgres

// Batches reports how many group transactions s has committed.
func Batches(s *Store) int64 { return s.gc.batches.Load() }
