package server_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/server"
	"github.com/cairn-sfn/cairn/store/memory"
)

// Stop must not wait for activity workers' long polls (up to a minute
// each) to run out: a poll in flight ends with no task.
func TestStopEndsActivityLongPolls(t *testing.T) {
	t.Parallel()
	srv, c := startWith(t, t.TempDir(), server.Config{}, server.Deps{Store: memory.New()})
	act, err := c.CreateActivity(t.Context(), &sfn.CreateActivityInput{Name: aws.String("idle")})
	if err != nil {
		t.Fatal(err)
	}
	polled := make(chan error, 1)
	go func() {
		out, err := c.GetActivityTask(t.Context(), &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("w")})
		if err == nil && aws.ToString(out.TaskToken) != "" {
			t.Errorf("got token %q from an idle activity", aws.ToString(out.TaskToken))
		}
		polled <- err
	}()
	time.Sleep(100 * time.Millisecond) // let the poll reach the engine
	began := time.Now()
	if err := srv.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("Stop took %v with a worker polling", took)
	}
	select {
	case <-polled:
	case <-time.After(5 * time.Second):
		t.Error("the poll did not end with Stop")
	}
}

// Stop must not wait for a StartSyncExecution that waits in real time
// (up to the five-minute Express limit); the caller gets an error, not a
// made-up result.
func TestStopEndsSyncExpress(t *testing.T) {
	t.Parallel()
	srv, c := startWith(t, t.TempDir(), server.Config{WaitScale: 1}, server.Deps{Store: memory.New()})
	sm := create(t, c, "slow-express", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}`, types.StateMachineTypeExpress)
	done := make(chan error, 1)
	go func() {
		out, err := c.StartSyncExecution(t.Context(), &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(sm)})
		if err == nil {
			t.Errorf("StartSyncExecution cut off by Stop answered %s", out.Status)
		}
		done <- err
	}()
	time.Sleep(100 * time.Millisecond) // let the execution start waiting
	began := time.Now()
	if err := srv.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("Stop took %v with a sync Express execution waiting", took)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Error("StartSyncExecution did not end with Stop")
	}
}
