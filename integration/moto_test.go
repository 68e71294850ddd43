package integration

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// motoProcess is a moto_server (a local emulator of AWS services) started
// for the tests; one is shared by the tests that use unique names, and
// the conformance test starts its own so that it can reset it.
type motoProcess struct {
	once sync.Once
	url  string
	err  error
	cmd  *exec.Cmd
	env  []string // extra environment of moto_server
}

// sharedMoto is stopped by TestMain (lambda_test.go).
var sharedMoto motoProcess

// motoURL returns the shared moto_server's URL, starting it on first use;
// it skips the test when moto_server is not installed.
func motoURL(t testing.TB) string {
	t.Helper()
	sharedMoto.once.Do(sharedMoto.start)
	if sharedMoto.err != nil {
		skipOrFail(t, sharedMoto.err)
	}
	return sharedMoto.url
}

// ownMoto starts a moto_server for t alone, whose resources belong to
// account.
func ownMoto(t testing.TB, account string) string {
	t.Helper()
	p := motoProcess{env: []string{"MOTO_ACCOUNT_ID=" + account}}
	p.start()
	t.Cleanup(p.stop)
	if p.err != nil {
		skipOrFail(t, p.err)
	}
	return p.url
}

type motoMissing struct{ error }

func skipOrFail(t testing.TB, err error) {
	t.Helper()
	if _, ok := err.(motoMissing); ok {
		t.Skipf("%v: pip install 'moto[server]' to run the AWS integration tests", err)
	}
	t.Fatal(err)
}

func (p *motoProcess) start() {
	path, err := exec.LookPath("moto_server")
	if err != nil {
		p.err = motoMissing{fmt.Errorf("moto_server not found")}
		return
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		p.err = err
		return
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var out bytes.Buffer
	p.cmd = exec.Command(path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	p.cmd.Stdout, p.cmd.Stderr = &out, &out
	p.cmd.Env = append(os.Environ(), p.env...)
	if err := p.cmd.Start(); err != nil {
		p.err = motoMissing{fmt.Errorf("moto_server: %w", err)}
		return
	}
	p.url = "http://127.0.0.1:" + strconv.Itoa(port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.url+"/moto-api/", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.stop()
	p.err = fmt.Errorf("moto_server did not start on port %d: %s", port, out.String())
}

func (p *motoProcess) stop() {
	if p.cmd != nil && p.cmd.Process != nil {
		p.cmd.Process.Kill()
		p.cmd.Wait()
		p.cmd = nil
	}
}

// resetMoto empties every service of the moto_server at url.
func resetMoto(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/moto-api/reset", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("moto reset: %s", resp.Status)
	}
	return nil
}
