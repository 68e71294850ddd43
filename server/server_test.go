package server_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/server"
)

// start runs a server on a random port over SQLite in dir and returns an
// SDK client for it. The client's transport dials the server whatever the
// host, so the "sync-" host prefix SDKs add reaches it.
func start(t *testing.T, dir string, cfg server.Config) (*server.Server, *sfn.Client) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = dir
	srv, err := server.New(cfg, server.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	return srv, client(t, srv.Addr())
}

func client(t *testing.T, addr string) *sfn.Client {
	transport := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	t.Cleanup(transport.CloseIdleConnections)
	return sfn.New(sfn.Options{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
		BaseEndpoint:     aws.String("http://" + addr),
		HTTPClient:       &http.Client{Transport: transport},
		RetryMaxAttempts: 3, // the SDK default; see aws-sdk-go-v2 #2737
	})
}

func create(t *testing.T, c *sfn.Client, name, def string, typ types.StateMachineType) string {
	t.Helper()
	out, err := c.CreateStateMachine(t.Context(), &sfn.CreateStateMachineInput{
		Name: aws.String(name), Definition: aws.String(def), Type: typ,
		RoleArn: aws.String("arn:aws:iam::123456789012:role/cairn"),
	})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return *out.StateMachineArn
}

// waitDone polls DescribeExecution until the execution leaves RUNNING.
func waitDone(t *testing.T, c *sfn.Client, arn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := c.DescribeExecution(t.Context(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatalf("describe: %v", err)
		}
		if out.Status != types.ExecutionStatusRunning {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("execution %s still running", arn)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const passThenWait = `{"StartAt":"P","States":{
	"P":{"Type":"Pass","Parameters":{"greeting.$":"States.Format('hi {}', $.who)"},"Next":"W"},
	"W":{"Type":"Wait","Seconds":2,"Next":"Done"},
	"Done":{"Type":"Succeed"}}}`

func TestStandardExecutionThroughSDK(t *testing.T) {
	t.Parallel()
	_, c := start(t, t.TempDir(), server.Config{WaitScale: 0.2})
	sm := create(t, c, "greeter", passThenWait, types.StateMachineTypeStandard)
	started, err := c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Name: aws.String("run-1"), Input: aws.String(`{"who":"Ada"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(*started.ExecutionArn, ":execution:greeter:run-1") {
		t.Errorf("execution ARN %s", *started.ExecutionArn)
	}
	// Same name, same input, still running: the same execution.
	again, err := c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Name: aws.String("run-1"), Input: aws.String(`{"who":"Ada"}`)})
	if err != nil || *again.ExecutionArn != *started.ExecutionArn {
		t.Fatalf("idempotent start: %v", err)
	}
	done := waitDone(t, c, *started.ExecutionArn)
	if done.Status != types.ExecutionStatusSucceeded || aws.ToString(done.Output) != `{"greeting":"hi Ada"}` {
		t.Fatalf("status %s output %s", done.Status, aws.ToString(done.Output))
	}
	// Same name after it ended: ExecutionAlreadyExists.
	_, err = c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Name: aws.String("run-1"), Input: aws.String(`{"who":"Ada"}`)})
	var exists *types.ExecutionAlreadyExists
	if !errorsAs(err, &exists) {
		t.Fatalf("start again: %v, want ExecutionAlreadyExists", err)
	}
	hist, err := c.GetExecutionHistory(t.Context(), &sfn.GetExecutionHistoryInput{ExecutionArn: started.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range hist.Events {
		got = append(got, string(e.Type))
	}
	want := "ExecutionStarted PassStateEntered PassStateExited WaitStateEntered WaitStateExited SucceedStateEntered SucceedStateExited ExecutionSucceeded"
	if strings.Join(got, " ") != want {
		t.Fatalf("history %v", got)
	}
	if d := hist.Events[4].Timestamp.Sub(*hist.Events[3].Timestamp); d < 300*time.Millisecond {
		t.Errorf("the Wait state took %v; want about 2s scaled by 0.2", d)
	}
	list, err := c.ListExecutions(t.Context(), &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm), StatusFilter: types.ExecutionStatusSucceeded})
	if err != nil || len(list.Executions) != 1 {
		t.Fatalf("list: %v %+v", err, list)
	}
}

func TestStopExecution(t *testing.T) {
	t.Parallel()
	_, c := start(t, t.TempDir(), server.Config{})
	sm := create(t, c, "waiter", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`, types.StateMachineTypeStandard)
	started, err := c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(sm)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.StopExecution(t.Context(), &sfn.StopExecutionInput{ExecutionArn: started.ExecutionArn, Error: aws.String("Halt"), Cause: aws.String("enough")}); err != nil {
		t.Fatal(err)
	}
	done := waitDone(t, c, *started.ExecutionArn)
	if done.Status != types.ExecutionStatusAborted || aws.ToString(done.Error) != "Halt" || aws.ToString(done.Cause) != "enough" {
		t.Fatalf("status %s error %s cause %s", done.Status, aws.ToString(done.Error), aws.ToString(done.Cause))
	}
}

func TestExpressSync(t *testing.T) {
	t.Parallel()
	_, c := start(t, t.TempDir(), server.Config{})
	sm := create(t, c, "express", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.ok","BooleanEquals":true,"Next":"Y"}],"Default":"N"},
		"Y":{"Type":"Pass","Result":{"fine":true},"End":true},"N":{"Type":"Fail","Error":"NotOK","Cause":"said no"}}}`, types.StateMachineTypeExpress)
	out, err := c.StartSyncExecution(t.Context(), &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(`{"ok":true}`)})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != types.SyncExecutionStatusSucceeded || aws.ToString(out.Output) != `{"fine":true}` || out.BillingDetails == nil {
		t.Fatalf("%+v", out)
	}
	out, err = c.StartSyncExecution(t.Context(), &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(`{"ok":false}`)})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != types.SyncExecutionStatusFailed || aws.ToString(out.Error) != "NotOK" || aws.ToString(out.Cause) != "said no" {
		t.Fatalf("%+v", out)
	}
	// Express machines refuse patterns that need durable waiting.
	_, err = c.CreateStateMachine(t.Context(), &sfn.CreateStateMachineInput{
		Name: aws.String("bad-express"), Type: types.StateMachineTypeExpress, RoleArn: aws.String("arn:aws:iam::123456789012:role/cairn"),
		Definition: aws.String(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}}}`),
	})
	var invalid *types.InvalidDefinition
	if !errorsAs(err, &invalid) {
		t.Fatalf("express with .waitForTaskToken: %v, want InvalidDefinition", err)
	}
	// StartSyncExecution on a Standard machine is refused.
	std := create(t, c, "standard", passThenWait, types.StateMachineTypeStandard)
	_, err = c.StartSyncExecution(t.Context(), &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(std)})
	var unsupported *types.StateMachineTypeNotSupported
	if !errorsAs(err, &unsupported) {
		t.Fatalf("sync start of a standard machine: %v", err)
	}
}

// TestRestartResumesWaitingExecution stops a server while an execution
// waits and starts another on the same data: the execution finishes.
func TestRestartResumesWaitingExecution(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv, c := start(t, dir, server.Config{WaitScale: 0.5})
	sm := create(t, c, "sleeper", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},"P":{"Type":"Pass","Result":"woke","End":true}}}`, types.StateMachineTypeStandard)
	started, err := c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(sm)})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	_, c2 := start(t, dir, server.Config{WaitScale: 0.5})
	done := waitDone(t, c2, *started.ExecutionArn)
	if done.Status != types.ExecutionStatusSucceeded || aws.ToString(done.Output) != `"woke"` {
		t.Fatalf("status %s output %s", done.Status, aws.ToString(done.Output))
	}
}

func errorsAs[T error](err error, target *T) bool { return errors.As(err, target) }
