package sqlite

// Batches reports how many group transactions s has committed.
func Batches(s *Store) int64 { return s.gc.batches.Load() }

// Pragma reads a pragma on the writer connection.
func Pragma(s *Store, name string) (string, error) {
	var v string
	err := s.db.QueryRow("PRAGMA " + name).Scan(&v)
	return v, err
}
