package server

import (
	"context"
	"fmt"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/store/sqlite"
)

// openSQLite opens the default store.
func openSQLite(ctx context.Context, dir string) (engine.Store, error) {
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("open store in %s: %w", dir, err)
	}
	return st, nil
}
