package pgtest

import "syscall"

// sysProcAttr runs a child as cred (when not nil) and kills it when the
// test process dies, so a crashed or timed-out test leaves no server
// behind.
func sysProcAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
}
