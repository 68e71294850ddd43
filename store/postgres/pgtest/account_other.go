//go:build !unix

package pgtest

import (
	"os"
	"syscall"
)

// account is unused where there is no root to avoid.
type account struct{ uid, gid int }

func serverAccount() (*account, error) { return nil, nil }

func (*account) procAttr() *syscall.SysProcAttr { return nil }

func tempBase(*account) string { return os.TempDir() }
