// Package pgtest gives tests a PostgreSQL server: the one named by the
// CAIRN_TEST_POSTGRES connection string, or else a throwaway one it starts
// from the PostgreSQL binaries on this machine (initdb and postgres, found
// on PATH or under /usr/lib/postgresql/*/bin) in a temporary directory,
// listening on a free port of 127.0.0.1 and on a socket in that directory.
//
// A package shares one server, set up in TestMain, and gives each test its own
// database, so tests run in parallel:
//
//	var pg *pgtest.Server
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &pg, pgtest.Options{})) }
//
//	func TestX(t *testing.T) { connString := pg.Database(t) }
//
// The server starts when the first test asks for a database. When no
// binaries are installed, Database skips the test with a message
// saying how to install them. PostgreSQL refuses to run as root; a test
// run as root starts the server as the "postgres" user (or "nobody" where
// there is none), which owns the temporary directory.
package pgtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvConnString names the environment variable that points the tests at an
// existing server instead; it must allow CREATE DATABASE.
const EnvConnString = "CAIRN_TEST_POSTGRES"

// ErrNotInstalled: no PostgreSQL binaries were found.
var ErrNotInstalled = errors.New("PostgreSQL server binaries (initdb, postgres) not found; install PostgreSQL 15 (apt-get install postgresql-15) or set " + EnvConnString)

// Options tune a throwaway server.
type Options struct {
	// Fsync keeps fsync on. Off by default: tests check logic, and the
	// server's data is thrown away.
	Fsync bool
	// Log receives the server's output; nil keeps it in memory, to be shown
	// when the server fails to start.
	Log io.Writer
}

// Server is a PostgreSQL server for tests, started when the first test
// asks for a database, so a run that selects none of them pays nothing.
type Server struct {
	opts Options
	once sync.Once
	err  error // why there is no server: ErrNotInstalled skips the tests

	connString string        // of the maintenance database, as a superuser
	release    chan struct{} // closed by Stop: frees the thread that started the server

	dir  string    // the throwaway server's directory, removed by Stop
	cmd  *exec.Cmd // the throwaway postgres process
	exit chan error
	log  *lockedBuffer

	adminOnce sync.Once
	admin     *pgxpool.Pool
	adminErr  error
}

// errStopped: the server was asked for after Stop.
var errStopped = errors.New("pgtest: server stopped")

// Main sets up the server the tests will share, runs them, stops the
// server and returns m.Run's code.
func Main(m *testing.M, srv **Server, opts Options) int {
	flag.Parse()
	if !opts.Fsync && benchmarking() {
		opts.Fsync = true // benchmarks measure what production pays
	}
	s := &Server{opts: opts}
	*srv = s
	code := m.Run()
	if err := s.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: stop: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// benchmarking reports whether go test was asked to run benchmarks.
func benchmarking() bool {
	f := flag.Lookup("test.bench")
	return f != nil && f.Value.String() != ""
}

// Start returns the server named by CAIRN_TEST_POSTGRES, or starts a
// throwaway one now. ErrNotInstalled when neither is possible.
func Start(opts Options) (*Server, error) {
	s := &Server{opts: opts}
	if err := s.ensure(); err != nil {
		return nil, err
	}
	return s, nil
}

// ensure starts the server once and reports why there is none.
func (s *Server) ensure() error {
	s.once.Do(func() { s.err = s.launch() })
	return s.err
}

func (s *Server) launch() error {
	if cs := os.Getenv(EnvConnString); cs != "" {
		s.connString = cs
		return nil
	}
	bin, err := findBinaries()
	if err != nil {
		return err
	}
	s.log, s.exit = &lockedBuffer{}, make(chan error, 1)
	var out io.Writer = s.log
	if s.opts.Log != nil {
		out = io.MultiWriter(s.log, s.opts.Log)
	}
	// The server is started from a thread kept alive until Stop: on
	// Linux the child's parent-death signal fires when the thread that
	// started it exits, not only when the process does.
	started, release := make(chan error), make(chan struct{})
	s.release = release
	go func() {
		runtime.LockOSThread()
		started <- s.start(bin, s.opts, out)
		<-release
	}()
	if err := <-started; err != nil {
		s.shutdown()
		return err
	}
	return nil
}

// findBinaries returns the directory holding initdb and postgres.
func findBinaries() (string, error) {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	// Debian keeps them off PATH; take the newest version.
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(found, func(a, b string) int { return version(b) - version(a) })
	dirs = append(dirs, found...)
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", ErrNotInstalled
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExec(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

func (s *Server) start(bin string, opts Options, out io.Writer) error {
	acct, err := serverAccount()
	if err != nil {
		return err
	}
	if s.dir, err = os.MkdirTemp(tempBase(acct), "cairn-pgtest-"); err != nil {
		return err
	}
	if acct != nil {
		if err := os.Chown(s.dir, acct.uid, acct.gid); err != nil {
			return err
		}
	}
	data := filepath.Join(s.dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "cairn", "--auth=trust",
		"--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions")
	initdb.Dir, initdb.Stdout, initdb.Stderr = s.dir, out, out
	initdb.SysProcAttr = acct.procAttr()
	if err := initdb.Run(); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, s.log.String())
	}
	fsync := "off"
	if opts.Fsync {
		fsync = "on"
	}
	// A port taken between choosing and binding makes postgres exit; try
	// again with another.
	for try := 0; ; try++ {
		port, err := freePort()
		if err != nil {
			return err
		}
		s.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port),
			"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+s.dir,
			"-c", "fsync="+fsync, "-c", "full_page_writes="+fsync, "-c", "max_connections=200",
			"-c", "shared_buffers=128MB", "-c", "max_wal_size=1GB")
		s.cmd.Dir, s.cmd.Stdout, s.cmd.Stderr = s.dir, out, out
		s.cmd.SysProcAttr = acct.procAttr()
		if err := s.cmd.Start(); err != nil {
			return fmt.Errorf("postgres: %w", err)
		}
		exit := make(chan error, 1)
		cmd := s.cmd
		go func() { exit <- cmd.Wait() }()
		s.exit = exit
		s.connString = fmt.Sprintf("postgres://cairn@127.0.0.1:%d/postgres?sslmode=disable", port)
		err = s.waitReady(30 * time.Second)
		if err == nil {
			return nil
		}
		if try < 2 && strings.Contains(s.log.String(), "could not bind") {
			continue
		}
		return err
	}
}

// waitReady waits until the server accepts connections.
func (s *Server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, s.connString)
		cancel()
		if err == nil {
			return conn.Close(context.Background())
		}
		select {
		case werr := <-s.exit:
			s.cmd = nil
			return fmt.Errorf("postgres exited (%v) before accepting connections:\n%s", werr, s.log.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres not ready after %v: %v\n%s", timeout, err, s.log.String())
		}
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Stop stops a throwaway server and removes its directory; for a server
// named by CAIRN_TEST_POSTGRES it only closes the connections. A server
// never asked for is never started.
func (s *Server) Stop() error {
	s.once.Do(func() { s.err = errStopped })
	return s.shutdown()
}

func (s *Server) shutdown() error {
	if s.admin != nil {
		s.admin.Close()
	}
	var err error
	if s.cmd != nil {
		// SIGINT is a fast shutdown: no waiting for clients.
		s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.exit:
		case <-time.After(15 * time.Second):
			s.cmd.Process.Kill()
			<-s.exit
			err = errors.New("postgres did not stop within 15s; killed")
		}
		s.cmd = nil
	}
	if s.release != nil {
		close(s.release)
		s.release = nil
	}
	if s.dir != "" {
		if rerr := os.RemoveAll(s.dir); err == nil {
			err = rerr
		}
		s.dir = ""
	}
	return err
}

// ConnString returns the connection string of the server's maintenance
// database, starting the server if needed; tests should use their own
// database from Database.
func (s *Server) ConnString() (string, error) {
	if err := s.ensure(); err != nil {
		return "", err
	}
	return s.connString, nil
}

// Database creates an empty database for the test, dropped when the test
// ends, and returns its connection string. It skips the test when there
// is no server.
func (s *Server) Database(t testing.TB) string {
	t.Helper()
	if s == nil {
		t.Fatal("pgtest: no server; call pgtest.Main from TestMain")
	}
	if err := s.ensure(); errors.Is(err, ErrNotInstalled) {
		t.Skip(err.Error())
	} else if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	var b [8]byte
	rand.Read(b[:])
	name := "cairn_test_" + hex.EncodeToString(b[:])
	if err := s.exec(t.Context(), `CREATE DATABASE `+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	if s.cmd == nil {
		// Not our server: leave nothing behind. A throwaway server goes
		// whole, which saves the drop (~0.1 s a test).
		t.Cleanup(func() {
			if err := s.exec(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
				t.Errorf("pgtest: drop database: %v", err)
			}
		})
	}
	cs, err := withDatabase(s.connString, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return cs
}

// exec runs one statement on the maintenance database.
func (s *Server) exec(ctx context.Context, sql string) error {
	s.adminOnce.Do(func() { s.admin, s.adminErr = pgxpool.New(context.Background(), s.connString) })
	if s.adminErr != nil {
		return s.adminErr
	}
	_, err := s.admin.Exec(ctx, sql)
	return err
}

// withDatabase returns connString with its database replaced by name.
func withDatabase(connString, name string) (string, error) {
	if strings.HasPrefix(connString, "postgres://") || strings.HasPrefix(connString, "postgresql://") {
		u, err := url.Parse(connString)
		if err != nil {
			return "", fmt.Errorf("connection string: %w", err)
		}
		u.Path = "/" + name
		return u.String(), nil
	}
	// key=value form: a later key wins.
	return connString + " dbname=" + name, nil
}

// lockedBuffer collects the server's output from its writer goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
