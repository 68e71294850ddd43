package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestMain lets the test binary act as `cairn` itself, so the crash test can
// run real server processes and kill them.
func TestMain(m *testing.M) {
	if args := os.Getenv("CAIRN_TEST_MAIN"); args != "" {
		os.Exit(dispatch(strings.Split(args, " "), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// serverProcess is `cairn serve` running as a child process.
type serverProcess struct {
	cmd  *exec.Cmd
	addr string
}

func startServe(t *testing.T, dir string, extra ...string) *serverProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--wait-scale", "0.05", "--data-dir", dir}, extra...)
	cmd.Env = append(os.Environ(), "CAIRN_TEST_MAIN="+strings.Join(args, " "))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logFile, err := os.CreateTemp(t.TempDir(), "serve-*.log")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logFile
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(logFile.Name())
			t.Logf("server log %s:\n%s", logFile.Name(), tail(string(b), 3000))
		}
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("server did not start: %v", err)
	}
	go io.Copy(io.Discard, stdout)
	i := strings.Index(line, "http://")
	if i < 0 {
		t.Fatalf("unexpected server banner %q", line)
	}
	addr := strings.Fields(line[i+len("http://"):])[0]
	return &serverProcess{cmd: cmd, addr: addr}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (p *serverProcess) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
}

func sdkClient(t *testing.T, addr string) *sfn.Client {
	transport := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	t.Cleanup(transport.CloseIdleConnections)
	return sfn.New(sfn.Options{
		Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
		BaseEndpoint: aws.String("http://" + addr), HTTPClient: &http.Client{Transport: transport, Timeout: 5 * time.Second},
		// The SDK's own default: it retries a connection its transport
		// closed under a finished response (aws-sdk-go-v2 #2737).
		RetryMaxAttempts: 3,
	})
}

// crashDefinition waits, fans out, waits again and computes its output from
// the input, so every execution's output says it ran every step once.
const crashDefinition = `{"StartAt":"First","States":{
	"First":{"Type":"Pass","Parameters":{"n.$":"$.n","sum.$":"States.MathAdd($.n, 1)"},"Next":"Nap"},
	"Nap":{"Type":"Wait","Seconds":2,"Next":"Fan"},
	"Fan":{"Type":"Map","ItemsPath":"$$.Execution.Input.items","MaxConcurrency":2,"ResultPath":"$.items",
		"ItemProcessor":{"StartAt":"Item","States":{"Item":{"Type":"Wait","Seconds":1,"Next":"Double"},
			"Double":{"Type":"Pass","Parameters":{"v.$":"States.MathAdd($, $)"},"End":true}}},"Next":"Last"},
	"Last":{"Type":"Pass","Parameters":{"n.$":"$.n","sum.$":"$.sum","items.$":"$.items[*].v"},"End":true}}}`

// TestKillNineLosesNothing starts executions, kills the server with
// SIGKILL at random moments and restarts it; every execution must finish
// with the right output and a history without gaps or duplicates.
func TestKillNineLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	dir := t.TempDir()
	srv := startServe(t, dir)
	defer func() { srv.kill() }()
	c := sdkClient(t, srv.addr)
	ctx := t.Context()
	created, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("crashy"), Definition: aws.String(crashDefinition), RoleArn: aws.String("arn:aws:iam::123456789012:role/cairn"),
	})
	if err != nil {
		t.Fatal(err)
	}
	sm := created.StateMachineArn
	rng := rand.New(rand.NewPCG(1, 2))
	var arns []string
	want := map[string]string{}
	startSome := func(c *sfn.Client, k int) {
		for range k {
			n := len(arns)
			input := fmt.Sprintf(`{"n":%d,"items":[%d,%d,%d]}`, n, n, n+1, n+2)
			out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm, Name: aws.String(fmt.Sprintf("e%03d", n)), Input: aws.String(input)})
			if err != nil {
				t.Fatalf("start: %v", err)
			}
			arns = append(arns, *out.ExecutionArn)
			want[*out.ExecutionArn] = fmt.Sprintf(`{"n":%d,"sum":%d,"items":[%d,%d,%d]}`, n, n+1, 2*n, 2*(n+1), 2*(n+2))
		}
	}
	startSome(c, 20)
	for round := 0; round < 5; round++ {
		time.Sleep(time.Duration(20+rng.IntN(150)) * time.Millisecond)
		srv.kill()
		srv = startServe(t, dir)
		c = sdkClient(t, srv.addr)
		startSome(c, 4)
	}
	deadline := time.Now().Add(60 * time.Second)
	for _, arn := range arns {
		seen, _, ok := settledHistory(t, c, arn, want[arn], deadline)
		if ok && (seen["ExecutionStarted"] != 1 || seen["ExecutionSucceeded"] != 1 || seen["MapIterationSucceeded"] != 3 || seen["WaitStateEntered"] != 4) {
			t.Errorf("%s: history counts %v", arn, seen)
		}
	}
}

// settledHistory waits (until deadline) for an execution to end, checks it
// SUCCEEDED with wantOutput and that its history's ids run 1..n, each after
// its previous event, and returns how many events of each type it has and
// n. ok is false when a check failed (already reported).
func settledHistory(t *testing.T, c *sfn.Client, arn, wantOutput string, deadline time.Time) (seen map[string]int, n int, ok bool) {
	t.Helper()
	ctx := t.Context()
	var out *sfn.DescribeExecutionOutput
	for {
		var err error
		out, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatalf("describe %s: %v", arn, err)
		}
		if out.Status != types.ExecutionStatusRunning || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if out.Status != types.ExecutionStatusSucceeded || aws.ToString(out.Output) != wantOutput {
		t.Errorf("%s: status %s output %s, want %s", arn, out.Status, aws.ToString(out.Output), wantOutput)
		return nil, 0, false
	}
	hist, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	if err != nil {
		t.Fatal(err)
	}
	seen = map[string]int{}
	for i, e := range hist.Events {
		if e.Id != int64(i+1) || e.PreviousEventId >= e.Id {
			t.Errorf("%s: event %d has id %d, previous %d", arn, i+1, e.Id, e.PreviousEventId)
			return nil, 0, false
		}
		seen[string(e.Type)]++
	}
	return seen, len(hist.Events), true
}
