//go:build unix

package pgtest

import (
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// account is the user a throwaway server runs as when the tests run as
// root, which PostgreSQL refuses to be; nil runs it as the current user.
type account struct{ uid, gid int }

// serverAccount returns nil when not root, else "postgres" or "nobody".
func serverAccount() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 == nil && err2 == nil && uid != 0 {
			return &account{uid: uid, gid: gid}, nil
		}
	}
	return nil, errors.New("running as root and found neither a postgres nor a nobody user to run PostgreSQL as")
}

// procAttr runs a child as a (when not nil) and, on Linux, kills it when
// the test process dies, so a crashed or timed-out test leaves no server
// behind.
func (a *account) procAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{}
	if a != nil {
		attr.Credential = &syscall.Credential{Uid: uint32(a.uid), Gid: uint32(a.gid)}
	}
	setPdeathsig(attr)
	return attr
}

// tempBase returns where to make the server's directory: the usual temp
// directory, unless a is another user who cannot reach it (TMPDIR under
// root's home, say); then /tmp.
func tempBase(a *account) string {
	base := os.TempDir()
	if a == nil {
		return base
	}
	for d := base; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return "/tmp"
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if fi.Mode().Perm()&0o001 == 0 && !(ok && int(st.Uid) == a.uid) {
			return "/tmp"
		}
		if d == filepath.Dir(d) {
			return base
		}
	}
}
