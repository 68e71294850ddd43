//go:build !unix

package sqlite

import "os"

// lockDir does nothing where flock is missing.
func lockDir(string) (*os.File, error) { return nil, nil }
