package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cairn-sfn/cairn/api"
	"github.com/cairn-sfn/cairn/store/memory"
)

// fakeEngine records what reaches it and answers fixed shapes.
type fakeEngine struct {
	mu    sync.Mutex
	calls []string
	last  any
}

var _ api.Engine = (*fakeEngine)(nil)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 123000000, time.UTC)

func (f *fakeEngine) record(name string, in any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, name)
	f.last = in
}

func (f *fakeEngine) lastInput() any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

func (f *fakeEngine) StartExecution(_ context.Context, in *api.StartExecutionInput) (*api.StartExecutionOutput, error) {
	f.record("StartExecution", in)
	if strings.HasSuffix(in.StateMachineArn, ":missing") {
		return nil, api.Errorf(api.StateMachineDoesNotExist, "State Machine Does Not Exist: '%s'", in.StateMachineArn)
	}
	return &api.StartExecutionOutput{ExecutionArn: "arn:aws:states:us-east-1:123456789012:execution:m:" + in.Name, StartDate: api.At(t0)}, nil
}

func (f *fakeEngine) StartSyncExecution(_ context.Context, in *api.StartSyncExecutionInput) (*api.StartSyncExecutionOutput, error) {
	f.record("StartSyncExecution", in)
	return &api.StartSyncExecutionOutput{ExecutionArn: "arn:aws:states:us-east-1:123456789012:express:m:e:1", StartDate: api.At(t0),
		StopDate: api.At(t0.Add(1500 * time.Millisecond)), Status: "SUCCEEDED", Output: in.Input,
		OutputDetails:  &api.CloudWatchEventsExecutionDataDetails{Included: true},
		BillingDetails: &api.BillingDetails{BilledMemoryUsedInMB: 64, BilledDurationInMilliseconds: 1500}}, nil
}

func (f *fakeEngine) StopExecution(_ context.Context, in *api.StopExecutionInput) (*api.StopExecutionOutput, error) {
	f.record("StopExecution", in)
	return &api.StopExecutionOutput{StopDate: api.At(t0)}, nil
}

func (f *fakeEngine) DescribeExecution(_ context.Context, in *api.DescribeExecutionInput) (*api.DescribeExecutionOutput, error) {
	f.record("DescribeExecution", in)
	if strings.HasSuffix(in.ExecutionArn, ":gone") {
		return nil, api.Errorf(api.ExecutionDoesNotExist, "Execution Does Not Exist: '%s'", in.ExecutionArn)
	}
	zero := int32(0)
	return &api.DescribeExecutionOutput{ExecutionArn: in.ExecutionArn, StateMachineArn: smPre + "m", Name: "e", Status: "FAILED",
		StartDate: api.At(t0), StopDate: api.At(t0.Add(time.Second)), Input: "{}", InputDetails: &api.CloudWatchEventsExecutionDataDetails{Included: true},
		Error: "States.TaskFailed", Cause: "boom", RedriveCount: &zero, RedriveStatus: "REDRIVABLE"}, nil
}

func (f *fakeEngine) ListExecutions(_ context.Context, in *api.ListExecutionsInput) (*api.ListExecutionsOutput, error) {
	f.record("ListExecutions", in)
	return &api.ListExecutionsOutput{Executions: []api.ExecutionListItem{}}, nil
}

func (f *fakeEngine) GetExecutionHistory(_ context.Context, in *api.GetExecutionHistoryInput) (*api.GetExecutionHistoryOutput, error) {
	f.record("GetExecutionHistory", in)
	return &api.GetExecutionHistoryOutput{Events: []api.HistoryEvent{
		{Id: 1, Type: "ExecutionStarted", Timestamp: api.At(t0), ExecutionStartedEventDetails: &api.ExecutionStartedEventDetails{
			Input: "{}", InputDetails: &api.HistoryEventExecutionDataDetails{}, RoleArn: role}},
		{Id: 2, PreviousEventId: 1, Type: "MapStateStarted", Timestamp: api.At(t0), MapStateStartedEventDetails: &api.MapStateStartedEventDetails{Length: 0}},
		{Id: 3, PreviousEventId: 2, Type: "TaskFailed", Timestamp: api.At(t0), TaskFailedEventDetails: &api.TaskErrorEventDetails{
			ResourceType: "lambda", Resource: "invoke", Error: "E", Cause: "C"}},
	}}, nil
}

func (f *fakeEngine) DescribeStateMachineForExecution(_ context.Context, in *api.DescribeStateMachineForExecutionInput) (*api.DescribeStateMachineForExecutionOutput, error) {
	f.record("DescribeStateMachineForExecution", in)
	return &api.DescribeStateMachineForExecutionOutput{StateMachineArn: smPre + "m", Name: "m", Definition: passDef, RoleArn: role, UpdateDate: api.At(t0)}, nil
}

func (f *fakeEngine) RedriveExecution(_ context.Context, in *api.RedriveExecutionInput) (*api.RedriveExecutionOutput, error) {
	f.record("RedriveExecution", in)
	return &api.RedriveExecutionOutput{RedriveDate: api.At(t0)}, nil
}

func (f *fakeEngine) GetActivityTask(_ context.Context, in *api.GetActivityTaskInput) (*api.GetActivityTaskOutput, error) {
	f.record("GetActivityTask", in)
	return &api.GetActivityTaskOutput{TaskToken: "tok", Input: `{"a":1}`}, nil
}

func (f *fakeEngine) SendTaskSuccess(_ context.Context, in *api.SendTaskSuccessInput) (*api.SendTaskSuccessOutput, error) {
	f.record("SendTaskSuccess", in)
	if in.TaskToken == "expired" {
		return nil, api.Errorf(api.TaskTimedOut, "Task Timed Out: '%s'", in.TaskToken)
	}
	return nil, nil // (nil, nil) must still answer {}
}

func (f *fakeEngine) SendTaskFailure(_ context.Context, in *api.SendTaskFailureInput) (*api.SendTaskFailureOutput, error) {
	f.record("SendTaskFailure", in)
	return &api.SendTaskFailureOutput{}, nil
}

func (f *fakeEngine) SendTaskHeartbeat(_ context.Context, in *api.SendTaskHeartbeatInput) (*api.SendTaskHeartbeatOutput, error) {
	f.record("SendTaskHeartbeat", in)
	return &api.SendTaskHeartbeatOutput{}, nil
}

func (f *fakeEngine) TestState(_ context.Context, in *api.TestStateInput) (*api.TestStateOutput, error) {
	f.record("TestState", in)
	return &api.TestStateOutput{Output: in.Input, Status: "SUCCEEDED", NextState: "B", InspectionData: &api.InspectionData{Input: in.Input}}, nil
}

func (f *fakeEngine) DescribeMapRun(_ context.Context, in *api.DescribeMapRunInput) (*api.DescribeMapRunOutput, error) {
	f.record("DescribeMapRun", in)
	return &api.DescribeMapRunOutput{MapRunArn: in.MapRunArn, Status: "RUNNING", StartDate: api.At(t0),
		ItemCounts: &api.MapRunItemCounts{Total: 3}, ExecutionCounts: &api.MapRunExecutionCounts{Total: 3}}, nil
}

func (f *fakeEngine) ListMapRuns(_ context.Context, in *api.ListMapRunsInput) (*api.ListMapRunsOutput, error) {
	f.record("ListMapRuns", in)
	return &api.ListMapRunsOutput{MapRuns: []api.MapRunListItem{}}, nil
}

func (f *fakeEngine) UpdateMapRun(_ context.Context, in *api.UpdateMapRunInput) (*api.UpdateMapRunOutput, error) {
	f.record("UpdateMapRun", in)
	return &api.UpdateMapRunOutput{}, nil
}

const execARN = "arn:aws:states:us-east-1:123456789012:execution:m:e"
const mapRunARN = "arn:aws:states:us-east-1:123456789012:mapRun:m/Map:0b7f1c2e"

func TestEngineRouting(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	c := newClient(t, memory.New(), api.Deps{}.WithEngine(eng))
	ctx := t.Context()

	start, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(smPre + "m"), Name: aws.String("e")})
	if err != nil {
		t.Fatal(err)
	}
	if !start.StartDate.Equal(t0) || aws.ToString(start.ExecutionArn) != execARN {
		t.Fatalf("start = %+v", start)
	}
	if in := eng.lastInput().(*api.StartExecutionInput); in.Input != "{}" {
		t.Fatalf("default input = %q, want {}", in.Input)
	}
	// Scalars are valid input, as on AWS.
	for _, input := range []string{"5", `"str"`, "null"} {
		if _, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(smPre + "m"), Input: aws.String(input)}); err != nil {
			t.Fatalf("input %s: %v", input, err)
		}
		if in := eng.lastInput().(*api.StartExecutionInput); in.Input != input {
			t.Fatalf("input %s reached the engine as %q", input, in.Input)
		}
	}
	// Mock test-case suffix and qualified ARNs pass validation.
	for _, arn := range []string{smPre + "m#HappyPath", smPre + "m:1", smPre + "m:prod"} {
		if _, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn)}); err != nil {
			t.Fatalf("start %s: %v", arn, err)
		}
	}
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(smPre + "missing")})
	wantAPIError[*types.StateMachineDoesNotExist](t, err, "missing")

	// StartSyncExecution goes through the SDK's "sync-" host prefix.
	syncOut, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(smPre + "m"), Input: aws.String(`{"x":[1,2]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if syncOut.Status != types.SyncExecutionStatusSucceeded || aws.ToString(syncOut.Output) != `{"x":[1,2]}` ||
		syncOut.BillingDetails.BilledDurationInMilliseconds != 1500 || syncOut.BillingDetails.BilledMemoryUsedInMB != 64 ||
		!syncOut.StopDate.Equal(t0.Add(1500*time.Millisecond)) {
		t.Fatalf("sync = %+v", syncOut)
	}

	desc, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(execARN)})
	if err != nil || desc.Status != types.ExecutionStatusFailed || aws.ToString(desc.Cause) != "boom" || aws.ToInt32(desc.RedriveCount) != 0 ||
		desc.RedriveStatus != types.ExecutionRedriveStatusRedrivable || !desc.InputDetails.Included {
		t.Fatalf("describe = %+v, %v", desc, err)
	}
	_, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(execARN[:len(execARN)-1] + "gone")})
	wantAPIError[*types.ExecutionDoesNotExist](t, err, "Execution Does Not Exist")

	hist, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(execARN)})
	if err != nil || len(hist.Events) != 3 {
		t.Fatalf("history = %+v, %v", hist, err)
	}
	if ev := hist.Events[1]; ev.MapStateStartedEventDetails == nil || ev.MapStateStartedEventDetails.Length != 0 || ev.PreviousEventId != 1 {
		t.Fatalf("map event = %+v", ev)
	}
	if ev := hist.Events[2]; ev.Type != types.HistoryEventTypeTaskFailed || aws.ToString(ev.TaskFailedEventDetails.Cause) != "C" {
		t.Fatalf("task failed event = %+v", ev)
	}
	if aws.ToString(hist.Events[0].ExecutionStartedEventDetails.RoleArn) != role {
		t.Fatalf("started event = %+v", hist.Events[0])
	}

	if _, err := c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(execARN), Error: aws.String("E")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(smPre + "m"), StatusFilter: types.ExecutionStatusRunning}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(execARN)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(execARN)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String("tok"), Output: aws.String(`"done"`)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String("expired"), Output: aws.String(`1`)})
	wantAPIError[*types.TaskTimedOut](t, err, "")
	if _, err := c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String("tok"), Error: aws.String("E")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String("tok")}); err != nil {
		t.Fatal(err)
	}
	ts, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","Next":"B"}`), Input: aws.String(`{"k":1}`), InspectionLevel: types.InspectionLevelDebug})
	if err != nil || ts.Status != types.TestExecutionStatusSucceeded || aws.ToString(ts.NextState) != "B" || aws.ToString(ts.InspectionData.Input) != `{"k":1}` {
		t.Fatalf("test state = %+v, %v", ts, err)
	}
	mr, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(mapRunARN)})
	if err != nil || mr.ItemCounts.Total != 3 || mr.Status != types.MapRunStatusRunning {
		t.Fatalf("map run = %+v, %v", mr, err)
	}
	if _, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: aws.String(execARN)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: aws.String(mapRunARN), MaxConcurrency: aws.Int32(5)}); err != nil {
		t.Fatal(err)
	}

	// GetActivityTask needs the activity to exist.
	_, err = c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(actPre + "w")})
	wantAPIError[*types.ActivityDoesNotExist](t, err, "")
	if _, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("w")}); err != nil {
		t.Fatal(err)
	}
	task, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(actPre + "w"), WorkerName: aws.String("me")})
	if err != nil || aws.ToString(task.TaskToken) != "tok" {
		t.Fatalf("activity task = %+v, %v", task, err)
	}
}

func TestEngineRequestValidation(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	c := newClient(t, memory.New(), api.Deps{}.WithEngine(eng))
	big := `"` + strings.Repeat("x", 262144) + `"`
	tests := []struct {
		name  string
		call  func(context.Context) error
		check func(*testing.T, error)
	}{
		{"input not JSON", func(ctx context.Context) error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(smPre + "m"), Input: aws.String("{")})
			return err
		}, func(t *testing.T, err error) {
			wantAPIError[*types.InvalidExecutionInput](t, err, "Invalid State Machine Execution Input: 'Invalid execution input.'")
		}},
		{"input a bare word", func(ctx context.Context) error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(smPre + "m"), Input: aws.String("not json")})
			return err
		}, func(t *testing.T, err error) {
			wantAPIError[*types.InvalidExecutionInput](t, err, "Invalid State Machine Execution Input: 'Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')'")
		}},
		{"input with single quotes", func(ctx context.Context) error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(smPre + "m"), Input: aws.String("{'a': 1}")})
			return err
		}, func(t *testing.T, err error) {
			wantAPIError[*types.InvalidExecutionInput](t, err, "Invalid State Machine Execution Input: 'Unexpected character (''' (code 39)): was expecting double-quote to start field name'")
		}},
		{"empty input", func(ctx context.Context) error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(smPre + "m"), Input: aws.String("")})
			return err
		}, func(t *testing.T, err error) {
			wantAPIError[*types.InvalidExecutionInput](t, err, "Invalid State Machine Execution Input: 'Invalid execution input.'")
		}},
		{"input too large", func(ctx context.Context) error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(smPre + "m"), Input: aws.String(big)})
			return err
		}, func(t *testing.T, err error) { wantAPIError[*types.InvalidExecutionInput](t, err, "262144") }},
		{"execution name", func(ctx context.Context) error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(smPre + "m"), Name: aws.String("a:b")})
			return err
		}, func(t *testing.T, err error) { wantAPIError[*types.InvalidName](t, err, "") }},
		{"start with activity ARN", func(ctx context.Context) error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(actPre + "w")})
			return err
		}, func(t *testing.T, err error) { wantAPIError[*types.InvalidArn](t, err, "") }},
		{"sync input not JSON", func(ctx context.Context) error {
			_, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(smPre + "m"), Input: aws.String("nope")})
			return err
		}, func(t *testing.T, err error) { wantAPIError[*types.InvalidExecutionInput](t, err, "") }},
		{"describe with state machine ARN", func(ctx context.Context) error {
			_, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(smPre + "m")})
			return err
		}, func(t *testing.T, err error) { wantAPIError[*types.InvalidArn](t, err, "") }},
		{"describe an express execution", func(ctx context.Context) error {
			_, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String("arn:aws:states:us-east-1:123456789012:express:m:e:id")})
			return err
		}, func(t *testing.T, err error) {
			wantAPIError[*types.InvalidArn](t, err, "Invalid Arn: 'Resource type not valid in this context: express'")
		}},
		{"history maxResults", func(ctx context.Context) error {
			_, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(execARN), MaxResults: 1001})
			return err
		}, func(t *testing.T, err error) { wantCode(t, err, "ValidationException") }},
		{"list with both ARNs", func(ctx context.Context) error {
			_, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(smPre + "m"), MapRunArn: aws.String(mapRunARN)})
			return err
		}, func(t *testing.T, err error) { wantAPIError[*types.ValidationException](t, err, "not both") }},
		{"list with neither", func(ctx context.Context) error {
			_, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{})
			return err
		}, func(t *testing.T, err error) { wantAPIError[*types.ValidationException](t, err, "") }},
		{"bad status filter", func(ctx context.Context) error {
			_, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(smPre + "m"), StatusFilter: "DONE"})
			return err
		}, func(t *testing.T, err error) {
			wantAPIError[*types.ValidationException](t, err, "1 validation error detected: Value 'DONE' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]")
		}},
		{"task output not JSON", func(ctx context.Context) error {
			_, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String("t"), Output: aws.String("{")})
			return err
		}, func(t *testing.T, err error) { wantAPIError[*types.InvalidOutput](t, err, "") }},
		{"failure error too long", func(ctx context.Context) error {
			_, err := c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String("t"), Error: aws.String(strings.Repeat("e", 257))})
			return err
		}, func(t *testing.T, err error) { wantCode(t, err, "ValidationException") }},
		{"map run ARN shape", func(ctx context.Context) error {
			_, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(execARN)})
			return err
		}, func(t *testing.T, err error) { wantCode(t, err, "InvalidArn") }},
		{"update map run without change", func(ctx context.Context) error {
			_, err := c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: aws.String(mapRunARN)})
			return err
		}, func(t *testing.T, err error) { wantAPIError[*types.ValidationException](t, err, "") }},
		{"tolerated percentage", func(ctx context.Context) error {
			_, err := c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: aws.String(mapRunARN), ToleratedFailurePercentage: aws.Float32(101)})
			return err
		}, func(t *testing.T, err error) { wantAPIError[*types.ValidationException](t, err, "") }},
		{"test state inspection level", func(ctx context.Context) error {
			_, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(`{}`), InspectionLevel: "LOUD"})
			return err
		}, func(t *testing.T, err error) { wantAPIError[*types.ValidationException](t, err, "") }},
		{"test state negative retry count", func(ctx context.Context) error {
			_, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(`{}`),
				StateConfiguration: &types.TestStateConfiguration{RetrierRetryCount: aws.Int32(-1)}})
			return err
		}, func(t *testing.T, err error) { wantAPIError[*types.ValidationException](t, err, "") }},
		{"test state long errorCausedByState", func(ctx context.Context) error {
			_, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(`{}`),
				StateConfiguration: &types.TestStateConfiguration{ErrorCausedByState: aws.String(strings.Repeat("s", 81))}})
			return err
		}, func(t *testing.T, err error) { wantAPIError[*types.ValidationException](t, err, "") }},
		{"test state input", func(ctx context.Context) error {
			_, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(`{}`), Input: aws.String("[")})
			return err
		}, func(t *testing.T, err error) { wantAPIError[*types.InvalidExecutionInput](t, err, "") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(eng.calls)
			tt.check(t, tt.call(t.Context()))
			eng.mu.Lock()
			defer eng.mu.Unlock()
			if len(eng.calls) != before {
				t.Fatalf("invalid request reached the engine: %v", eng.calls[before:])
			}
		})
	}
}

func TestNoEngine(t *testing.T) {
	t.Parallel()
	c := newClient(t, memory.New(), api.Deps{})
	_, err := c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(smPre + "m")})
	wantCode(t, err, "NotImplemented")
	_, err = c.SendTaskHeartbeat(t.Context(), &sfn.SendTaskHeartbeatInput{TaskToken: aws.String("t")})
	wantCode(t, err, "NotImplemented")
}

// The event details marshal with AWS's member names.
func TestHistoryEventJSON(t *testing.T) {
	t.Parallel()
	ev := api.HistoryEvent{Id: 2, PreviousEventId: 1, Type: "MapIterationStarted", Timestamp: api.At(t0),
		MapIterationStartedEventDetails: &api.MapIterationEventDetails{Name: "Map", Index: 0}}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"timestamp":1772366400.123,"type":"MapIterationStarted","id":2,"previousEventId":1,"mapIterationStartedEventDetails":{"name":"Map","index":0}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}
