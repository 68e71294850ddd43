package postgres_test

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/server"
)

// TestServerOverPostgres runs `cairn serve --store postgres://…` in
// process: an execution started on one server finishes and is found,
// with its history, by a second server on the same database. It lives
// here because this package has the PostgreSQL server.
func TestServerOverPostgres(t *testing.T) {
	t.Parallel()
	cs := pg.Database(t)
	serve := func() (*server.Server, *sfn.Client) {
		srv, err := server.New(server.Config{Addr: "127.0.0.1:0", Store: cs, DataDir: t.TempDir(), WaitScale: -1}, server.Deps{})
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		addr := srv.Addr()
		transport := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}
		t.Cleanup(transport.CloseIdleConnections)
		return srv, sfn.New(sfn.Options{
			Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
			BaseEndpoint: aws.String("http://" + addr), HTTPClient: &http.Client{Transport: transport},
		})
	}
	srv, c := serve()
	ctx := t.Context()
	sm, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("pg"), Type: types.StateMachineTypeStandard, RoleArn: aws.String("arn:aws:iam::123456789012:role/cairn"),
		Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"ok":true},"Next":"W"},"W":{"Type":"Wait","Seconds":1,"End":true}}}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: aws.String("r1")})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: run.ExecutionArn})
		if err != nil {
			t.Fatal(err)
		}
		if out.Status == types.ExecutionStatusSucceeded {
			break
		}
		if out.Status != types.ExecutionStatusRunning || time.Now().After(deadline) {
			t.Fatalf("execution %s", out.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}

	srv, c = serve()
	defer srv.Stop()
	hist, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: run.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	var got []types.HistoryEventType
	for _, e := range hist.Events {
		got = append(got, e.Type)
	}
	want := []types.HistoryEventType{"ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"}
	if len(got) != len(want) {
		t.Fatalf("history after restart: %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("history after restart: %v, want %v", got, want)
		}
	}
}
