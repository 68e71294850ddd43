package server_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/server"
	"github.com/cairn-sfn/cairn/value"
)

func startWith(t *testing.T, dir string, cfg server.Config, deps server.Deps) (*server.Server, *sfn.Client) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = dir
	srv, err := server.New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	return srv, client(t, srv.Addr())
}

func historyTypes(t *testing.T, c *sfn.Client, arn string) string {
	t.Helper()
	h, err := c.GetExecutionHistory(t.Context(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, e := range h.Events {
		s = append(s, string(e.Type))
	}
	return strings.Join(s, " ")
}

func TestActivityWorker(t *testing.T) {
	t.Parallel()
	_, c := start(t, t.TempDir(), server.Config{})
	act, err := c.CreateActivity(t.Context(), &sfn.CreateActivityInput{Name: aws.String("doubler")})
	if err != nil {
		t.Fatal(err)
	}
	sm := create(t, c, "uses-activity", `{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"`+*act.ActivityArn+`","HeartbeatSeconds":60,"End":true}}}`, types.StateMachineTypeStandard)
	started, err := c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(`{"n":21}`)})
	if err != nil {
		t.Fatal(err)
	}
	task, err := c.GetActivityTask(t.Context(), &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("worker-1")})
	if err != nil || aws.ToString(task.TaskToken) == "" {
		t.Fatalf("get activity task: %v %+v", err, task)
	}
	if aws.ToString(task.Input) != `{"n":21}` {
		t.Errorf("task input %s", aws.ToString(task.Input))
	}
	if _, err := c.SendTaskHeartbeat(t.Context(), &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendTaskSuccess(t.Context(), &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"n":42}`)}); err != nil {
		t.Fatal(err)
	}
	done := waitDone(t, c, *started.ExecutionArn)
	if done.Status != types.ExecutionStatusSucceeded || aws.ToString(done.Output) != `{"n":42}` {
		t.Fatalf("status %s output %s", done.Status, aws.ToString(done.Output))
	}
	if got, want := historyTypes(t, c, *started.ExecutionArn), "ExecutionStarted TaskStateEntered ActivityScheduled ActivityStarted ActivitySucceeded TaskStateExited ExecutionSucceeded"; got != want {
		t.Fatalf("history %s", got)
	}
	// The token is spent now.
	_, err = c.SendTaskSuccess(t.Context(), &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{}`)})
	var gone *types.TaskDoesNotExist
	if !errorsAs(err, &gone) {
		t.Fatalf("second SendTaskSuccess: %v, want TaskDoesNotExist", err)
	}
	_, err = c.SendTaskFailure(t.Context(), &sfn.SendTaskFailureInput{TaskToken: aws.String("not-a-token")})
	var invalid *types.InvalidToken
	if !errorsAs(err, &invalid) {
		t.Fatalf("bad token: %v, want InvalidToken", err)
	}
	// No work: the poll comes back empty when the caller gives up.
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if out, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn}); err == nil && aws.ToString(out.TaskToken) != "" {
		t.Fatalf("got a task from an empty activity: %+v", out)
	}
}

func TestActivityHeartbeatTimeout(t *testing.T) {
	t.Parallel()
	_, c := start(t, t.TempDir(), server.Config{WaitScale: 0.05})
	act, err := c.CreateActivity(t.Context(), &sfn.CreateActivityInput{Name: aws.String("silent")})
	// The heartbeat allows 20s, scaled to 1s: time for the worker to take
	// the task first, even on a slow machine.
	if err != nil {
		t.Fatal(err)
	}
	sm := create(t, c, "silent-worker", `{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"`+*act.ActivityArn+`","HeartbeatSeconds":20,"TimeoutSeconds":600,"End":true}}}`, types.StateMachineTypeStandard)
	started, err := c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(sm)})
	if err != nil {
		t.Fatal(err)
	}
	task, err := c.GetActivityTask(t.Context(), &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("mute")})
	if err != nil || aws.ToString(task.TaskToken) == "" {
		t.Fatalf("get activity task: %v", err)
	}
	done := waitDone(t, c, *started.ExecutionArn)
	if done.Status != types.ExecutionStatusFailed || aws.ToString(done.Error) != "States.HeartbeatTimeout" {
		t.Fatalf("status %s error %s", done.Status, aws.ToString(done.Error))
	}
}

// callbackQueue is a fake queue service: sending a message records the
// task token in it, as a real integration would hand it to a consumer.
type callbackQueue struct {
	mu     sync.Mutex
	tokens chan string
}

func (q *callbackQueue) handlers() engine.Handlers {
	return engine.Handlers{"arn:aws:states:::sqs:sendMessage.waitForTaskToken": func(ctx context.Context, input any) (any, error) {
		o, _ := input.(*value.Object)
		tok, _ := o.Get("token")
		q.tokens <- tok.(string)
		return value.ObjectOf("MessageId", "m-1"), nil
	}}
}

const callbackDefinition = `{"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
	"Parameters":{"token.$":"$$.Task.Token","question.$":"$.question"},"ResultPath":"$.answer","End":true}}}`

// TestCallbackSurvivesRestart parks an execution on a task token, restarts
// the server, and approves the task through the new one.
func TestCallbackSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	q := &callbackQueue{tokens: make(chan string, 4)}
	srv, c := startWith(t, dir, server.Config{}, server.Deps{Invoker: q.handlers()})
	sm := create(t, c, "approval", callbackDefinition, types.StateMachineTypeStandard)
	started, err := c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(`{"question":"ship it?"}`)})
	if err != nil {
		t.Fatal(err)
	}
	var token string
	select {
	case token = <-q.tokens:
	case <-time.After(10 * time.Second):
		t.Fatal("the message with the token was never sent")
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	_, c2 := startWith(t, dir, server.Config{}, server.Deps{Invoker: q.handlers()})
	if _, err := c2.SendTaskSuccess(t.Context(), &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`"yes"`)}); err != nil {
		t.Fatalf("approve after restart: %v", err)
	}
	done := waitDone(t, c2, *started.ExecutionArn)
	if done.Status != types.ExecutionStatusSucceeded || aws.ToString(done.Output) != `{"question":"ship it?","answer":"yes"}` {
		t.Fatalf("status %s output %s", done.Status, aws.ToString(done.Output))
	}
}
