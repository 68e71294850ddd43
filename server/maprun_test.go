package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/server"
)

// twoMapRuns runs two Distributed Maps side by side, over $.a (one item
// at a time, one failure tolerated) and $.b; items equal to "bad" fail.
const twoMapRuns = `{"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
 {"StartAt":"A","States":{"A":{"Type":"Map","ItemsPath":"$.a","End":true,"MaxConcurrency":1,"ToleratedFailureCount":1,
  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Check","States":{
   "Check":{"Type":"Choice","Choices":[{"Variable":"$","StringEquals":"bad","Next":"Bad"}],"Default":"Ok"},
   "Bad":{"Type":"Fail","Error":"Bad"},"Ok":{"Type":"Pass","End":true}}}}}},
 {"StartAt":"B","States":{"B":{"Type":"Map","ItemsPath":"$.b","End":true,
  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{
   "P":{"Type":"Pass","End":true}}}}}}]}}}`

func TestMapRunsThroughSDK(t *testing.T) {
	t.Parallel()
	_, c := start(t, t.TempDir(), server.Config{})
	ctx := t.Context()
	sm := create(t, c, "maps", twoMapRuns, types.StateMachineTypeStandard)
	cases := []struct {
		name, input string
		status      types.ExecutionStatus
		want        map[string]sfn.DescribeMapRunOutput // by label A / B: status and counts
	}{
		{"ok", `{"a":[1,"bad",3],"b":["x","y"]}`, types.ExecutionStatusSucceeded, map[string]sfn.DescribeMapRunOutput{
			"A": {Status: types.MapRunStatusSucceeded, ItemCounts: &types.MapRunItemCounts{Succeeded: 2, Failed: 1, Total: 3}},
			"B": {Status: types.MapRunStatusSucceeded, ItemCounts: &types.MapRunItemCounts{Succeeded: 2, Total: 2}},
		}},
		{"bad", `{"a":["bad","bad","x"],"b":[]}`, types.ExecutionStatusFailed, map[string]sfn.DescribeMapRunOutput{
			"A": {Status: types.MapRunStatusFailed, ItemCounts: &types.MapRunItemCounts{Failed: 2, Aborted: 1, Total: 3}},
		}},
	}
	for _, tc := range cases {
		started, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Name: aws.String(tc.name), Input: aws.String(tc.input)})
		if err != nil {
			t.Fatal(err)
		}
		done := waitDone(t, c, *started.ExecutionArn)
		if done.Status != tc.status {
			t.Fatalf("%s: status %s (%s)", tc.name, done.Status, aws.ToString(done.Cause))
		}
		// One run per page, as many pages as runs. In "bad", A fails
		// before B's branch starts its Map: B has no run.
		var arns []string
		token := (*string)(nil)
		for page := 0; ; page++ {
			list, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: started.ExecutionArn, MaxResults: 1, NextToken: token})
			if err != nil {
				t.Fatalf("%s: ListMapRuns: %v", tc.name, err)
			}
			if len(list.MapRuns) != 1 {
				t.Fatalf("%s: page %d has %d runs", tc.name, page, len(list.MapRuns))
			}
			r := list.MapRuns[0]
			if aws.ToString(r.ExecutionArn) != *started.ExecutionArn || aws.ToString(r.StateMachineArn) != sm ||
				r.StartDate == nil || r.StopDate == nil || r.StopDate.Before(*r.StartDate) {
				t.Errorf("%s: list item %+v", tc.name, r)
			}
			arns = append(arns, aws.ToString(r.MapRunArn))
			if token = list.NextToken; token == nil {
				break
			}
			if page >= len(tc.want) {
				t.Fatalf("%s: more than %d pages", tc.name, len(tc.want))
			}
		}
		if len(arns) != len(tc.want) {
			t.Fatalf("%s: map runs %v", tc.name, arns)
		}
		seen := map[string]bool{}
		for _, arn := range arns {
			d, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(arn)})
			if err != nil {
				t.Fatalf("%s: DescribeMapRun %s: %v", tc.name, arn, err)
			}
			label := arn[strings.LastIndexByte(arn, '/')+1 : strings.LastIndexByte(arn, ':')]
			want, ok := tc.want[label]
			if !ok || seen[label] {
				t.Fatalf("%s: unexpected run %s", tc.name, arn)
			}
			seen[label] = true
			if aws.ToString(d.MapRunArn) != arn || aws.ToString(d.ExecutionArn) != *started.ExecutionArn ||
				d.Status != want.Status || d.StartDate == nil || d.StopDate == nil {
				t.Errorf("%s %s: %s %s %v %v", tc.name, label, aws.ToString(d.ExecutionArn), d.Status, d.StartDate, d.StopDate)
			}
			if label == "A" && (d.MaxConcurrency != 1 || d.ToleratedFailureCount != 1) ||
				label == "B" && (d.MaxConcurrency != 0 || d.ToleratedFailureCount != 0) {
				t.Errorf("%s %s: maxConcurrency %d toleratedFailureCount %d", tc.name, label, d.MaxConcurrency, d.ToleratedFailureCount)
			}
			if *d.ItemCounts != *want.ItemCounts || *d.ExecutionCounts != types.MapRunExecutionCounts(*want.ItemCounts) {
				t.Errorf("%s %s: items %+v executions %+v, want %+v", tc.name, label, *d.ItemCounts, *d.ExecutionCounts, *want.ItemCounts)
			}
		}
		missing := arns[0][:strings.LastIndexByte(arns[0], ':')+1] + "00000000-0000-4000-8000-000000000000"
		_, err = c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(missing)})
		var notFound *types.ResourceNotFound
		if !errorsAs(err, &notFound) {
			t.Errorf("%s: DescribeMapRun of an unknown run: %v", tc.name, err)
		}
		_, err = c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: aws.String(missing), MaxConcurrency: aws.Int32(1)})
		if !errorsAs(err, &notFound) {
			t.Errorf("%s: UpdateMapRun of an unknown run: %v", tc.name, err)
		}
	}
	_, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: aws.String(strings.Replace(sm, ":stateMachine:", ":execution:", 1) + ":nope")})
	var noExec *types.ExecutionDoesNotExist
	if !errorsAs(err, &noExec) {
		t.Errorf("ListMapRuns of an unknown execution: %v", err)
	}
}

func TestMapRunWhileRunningThenStopped(t *testing.T) {
	t.Parallel()
	_, c := start(t, t.TempDir(), server.Config{})
	ctx := t.Context()
	sm := create(t, c, "waits", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$","MaxConcurrency":2,"End":true,
	 "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"W","States":{
	  "W":{"Type":"Wait","Seconds":3600,"End":true}}}}}}`, types.StateMachineTypeStandard)
	started, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(`[1,2,3,4,5]`)})
	if err != nil {
		t.Fatal(err)
	}
	var arn string
	for range 200 {
		list, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: started.ExecutionArn})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.MapRuns) == 1 {
			arn = aws.ToString(list.MapRuns[0].MapRunArn)
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if arn == "" {
		t.Fatal("no map run started")
	}
	d, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	want := types.MapRunItemCounts{Running: 2, Pending: 3, Total: 5}
	if d.Status != types.MapRunStatusRunning || d.StopDate != nil || d.MaxConcurrency != 2 || *d.ItemCounts != want {
		t.Errorf("running: %s stop %v max %d items %+v", d.Status, d.StopDate, d.MaxConcurrency, *d.ItemCounts)
	}
	if _, err := c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: started.ExecutionArn}); err != nil {
		t.Fatal(err)
	}
	waitDone(t, c, *started.ExecutionArn)
	d, err = c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	want = types.MapRunItemCounts{Aborted: 5, Total: 5}
	if d.Status != types.MapRunStatusAborted || d.StopDate == nil || *d.ItemCounts != want {
		t.Errorf("stopped: %s stop %v items %+v", d.Status, d.StopDate, *d.ItemCounts)
	}
	_, err = c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: aws.String(arn), MaxConcurrency: aws.Int32(1)})
	if err == nil || !strings.Contains(err.Error(), "NotImplemented") {
		t.Errorf("UpdateMapRun: %v, want NotImplemented", err)
	}
}
