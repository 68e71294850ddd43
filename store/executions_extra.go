package store

import "errors"

// ErrBadCursor: a ListExecutions cursor that the store did not hand out (or
// that another backend made). The API answers it with InvalidToken.
var ErrBadCursor = errors.New("bad cursor")

// Store is one backend serving both resources and executions, as
// store/memory and store/sqlite do.
type Store interface {
	Resources
	Executions
}
