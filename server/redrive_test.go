package server_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/server"
)

// flakyOnce fails in state Flaky on the first attempt only: the text it
// parses is chosen by $$.Execution.RedriveCount.
const flakyOnce = `{"StartAt":"First","States":{
	"First":{"Type":"Pass","Result":{"texts":["not json","{\"ok\":true}"]},"Next":"Flaky"},
	"Flaky":{"Type":"Pass","Parameters":{"parsed.$":"States.StringToJson(States.ArrayGetItem($.texts, $$.Execution.RedriveCount))","n.$":"$$.Execution.RedriveCount"},"End":true}}}`

func TestRedriveExecutionThroughSDK(t *testing.T) {
	t.Parallel()
	_, c := start(t, t.TempDir(), server.Config{})
	ctx := t.Context()
	sm := create(t, c, "flaky", flakyOnce, types.StateMachineTypeStandard)
	started, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Name: aws.String("r")})
	if err != nil {
		t.Fatal(err)
	}
	failed := waitDone(t, c, *started.ExecutionArn)
	if failed.Status != types.ExecutionStatusFailed || failed.RedriveStatus != types.ExecutionRedriveStatusRedrivable ||
		aws.ToInt32(failed.RedriveCount) != 0 || failed.RedriveStatusReason != nil || failed.RedriveDate != nil {
		t.Fatalf("first attempt: %s %s count %d reason %v", failed.Status, failed.RedriveStatus, aws.ToInt32(failed.RedriveCount), aws.ToString(failed.RedriveStatusReason))
	}
	redriven, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: started.ExecutionArn, ClientToken: aws.String("once")})
	if err != nil {
		t.Fatal(err)
	}
	done := waitDone(t, c, *started.ExecutionArn)
	if done.Status != types.ExecutionStatusSucceeded || aws.ToString(done.Output) != `{"parsed":{"ok":true},"n":1}` {
		t.Fatalf("after redrive: %s %s %s", done.Status, aws.ToString(done.Output), aws.ToString(done.Cause))
	}
	if aws.ToInt32(done.RedriveCount) != 1 || done.RedriveDate == nil || !done.RedriveDate.Equal(*redriven.RedriveDate) ||
		done.RedriveStatus != types.ExecutionRedriveStatusNotRedrivable ||
		aws.ToString(done.RedriveStatusReason) != "Execution is SUCCEEDED and cannot be redriven" {
		t.Errorf("describe after redrive: count %d date %v (redriven %v) %s %q", aws.ToInt32(done.RedriveCount), done.RedriveDate,
			redriven.RedriveDate, done.RedriveStatus, aws.ToString(done.RedriveStatusReason))
	}
	again, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: started.ExecutionArn, ClientToken: aws.String("once")})
	if err != nil || !again.RedriveDate.Equal(*redriven.RedriveDate) {
		t.Errorf("repeated request: %v %v", err, again)
	}
	_, err = c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: started.ExecutionArn})
	var notRedrivable *types.ExecutionNotRedrivable
	if !errorsAs(err, &notRedrivable) {
		t.Errorf("redrive of a succeeded execution: %v", err)
	}
	_, err = c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(*started.ExecutionArn + "-missing")})
	var missing *types.ExecutionDoesNotExist
	if !errorsAs(err, &missing) {
		t.Errorf("redrive of a missing execution: %v", err)
	}

	hist, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: started.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range hist.Events {
		got = append(got, string(e.Type))
		if e.Type == types.HistoryEventTypeExecutionRedriven &&
			(e.ExecutionRedrivenEventDetails == nil || aws.ToInt32(e.ExecutionRedrivenEventDetails.RedriveCount) != 1) {
			t.Errorf("ExecutionRedriven details: %+v", e.ExecutionRedrivenEventDetails)
		}
	}
	want := []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered", "ExecutionFailed",
		"ExecutionRedriven", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}
	if len(got) != len(want) {
		t.Fatalf("history %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("history %v, want %v", got, want)
		}
	}
	list, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm)})
	if err != nil || len(list.Executions) != 1 || aws.ToInt32(list.Executions[0].RedriveCount) != 1 || list.Executions[0].RedriveDate == nil {
		t.Errorf("list: %v %+v", err, list)
	}
	for filter, want := range map[types.ExecutionRedriveFilter]int{types.ExecutionRedriveFilterRedriven: 1, types.ExecutionRedriveFilterNotRedriven: 0} {
		list, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm), RedriveFilter: filter})
		if err != nil || len(list.Executions) != want {
			t.Errorf("list %s: %v, %d executions, want %d", filter, err, len(list.Executions), want)
		}
	}
}
