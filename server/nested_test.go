package server_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/server"
	"github.com/cairn-sfn/cairn/value"
)

func nestedParent(childARN, resource, name string) string {
	return `{"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"` + resource + `",
		"Parameters":{"StateMachineArn":"` + childARN + `","Name":"` + name + `","Input":{"x.$":"$.x","AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$":"$$.Execution.Id"}},"End":true}}}`
}

func TestNestedExecutions(t *testing.T) {
	t.Parallel()
	_, c := start(t, t.TempDir(), server.Config{})
	child := create(t, c, "child", `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"doubled.$":"States.MathAdd($.x, $.x)"},"End":true}}}`, types.StateMachineTypeStandard)

	cases := []struct {
		resource string
		check    func(t *testing.T, out *value.Object)
	}{
		{"arn:aws:states:::states:startExecution.sync:2", func(t *testing.T, out *value.Object) {
			got, _ := out.Get("Output")
			if value.String(got) != `{"doubled":42}` {
				t.Errorf(".sync:2 Output %s, want the child's output as JSON", value.String(got))
			}
		}},
		{"arn:aws:states:::states:startExecution.sync", func(t *testing.T, out *value.Object) {
			got, _ := out.Get("Output")
			if got != `{"doubled":42}` {
				t.Errorf(".sync Output %s, want the child's output as JSON text", value.String(got))
			}
		}},
		{"arn:aws:states:::states:startExecution", func(t *testing.T, out *value.Object) {
			if _, ok := out.Get("StartDate"); !ok {
				t.Errorf("request-response answer %s has no StartDate", value.String(out))
			}
		}},
	}
	for i, tc := range cases {
		name := "kid-" + string(rune('a'+i))
		parent := create(t, c, "parent-"+string(rune('a'+i)), nestedParent(child, tc.resource, name), types.StateMachineTypeStandard)
		started, err := c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(parent), Input: aws.String(`{"x":21}`)})
		if err != nil {
			t.Fatal(err)
		}
		done := waitDone(t, c, *started.ExecutionArn)
		if done.Status != types.ExecutionStatusSucceeded {
			t.Fatalf("%s: parent %s: %s %s", tc.resource, done.Status, aws.ToString(done.Error), aws.ToString(done.Cause))
		}
		out, _ := value.MustParse(aws.ToString(done.Output)).(*value.Object)
		if arn, _ := out.Get("ExecutionArn"); arn != "arn:aws:states:us-east-1:123456789012:execution:child:"+name {
			t.Errorf("%s: child ARN %v", tc.resource, arn)
		}
		tc.check(t, out)
		childDone := waitDone(t, c, "arn:aws:states:us-east-1:123456789012:execution:child:"+name)
		in := value.MustParse(aws.ToString(childDone.Input)).(*value.Object)
		if by, _ := in.Get("AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"); by != *started.ExecutionArn {
			t.Errorf("child input %s does not name its parent", aws.ToString(childDone.Input))
		}
	}
	if got := historyTypes(t, c, "arn:aws:states:us-east-1:123456789012:execution:parent-a:"+lastPart(t, c, "parent-a")); got !=
		"ExecutionStarted TaskStateEntered TaskScheduled TaskStarted TaskSubmitted TaskSucceeded TaskStateExited ExecutionSucceeded" {
		t.Errorf(".sync:2 history %s", got)
	}
}

// lastPart returns the name of the only execution of a machine.
func lastPart(t *testing.T, c *sfn.Client, machine string) string {
	t.Helper()
	list, err := c.ListExecutions(t.Context(), &sfn.ListExecutionsInput{StateMachineArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:" + machine)})
	if err != nil || len(list.Executions) != 1 {
		t.Fatalf("list %s: %v", machine, err)
	}
	return *list.Executions[0].Name
}

func TestStoppingParentStopsSyncChild(t *testing.T) {
	t.Parallel()
	_, c := start(t, t.TempDir(), server.Config{})
	child := create(t, c, "sleepy-child", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`, types.StateMachineTypeStandard)
	parent := create(t, c, "waiting-parent", nestedParent(child, "arn:aws:states:::states:startExecution.sync", "sleeper"), types.StateMachineTypeStandard)
	started, err := c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(parent), Input: aws.String(`{"x":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	childARN := "arn:aws:states:us-east-1:123456789012:execution:sleepy-child:sleeper"
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := c.DescribeExecution(t.Context(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(childARN)})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the child never started: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := c.StopExecution(t.Context(), &sfn.StopExecutionInput{ExecutionArn: started.ExecutionArn}); err != nil {
		t.Fatal(err)
	}
	if done := waitDone(t, c, childARN); done.Status != types.ExecutionStatusAborted {
		t.Fatalf("child %s after its parent stopped", done.Status)
	}
}
