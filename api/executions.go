package api

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cairn-sfn/cairn/store"
)

// notImplemented answers an engine action while no engine is configured.
func notImplemented(action string) error {
	return Errorf(NotImplemented, "%s is not available: this server runs without an execution engine", action)
}

// executionARN checks that s is the ARN of a Standard execution (or of a
// Map Run's child). Express executions ("express:" ARNs) have no API of
// their own; AWS refuses them as the wrong resource type.
func executionARN(s string) error {
	a, ok := ParseARN(s)
	if !ok || a.Resource != "execution" || a.Qualifier == "" {
		return invalidArn(s)
	}
	return nil
}

// mapRunARN checks that s is a Map Run ARN:
// arn:…:mapRun:<stateMachine>/<label>:<id>.
func mapRunARN(s string) error {
	a, ok := ParseARN(s)
	if !ok || a.Resource != "mapRun" || a.Qualifier == "" || !strings.Contains(a.Name, "/") {
		return invalidArn(s)
	}
	return nil
}

// startTarget checks the state machine ARN of a start request; it may be
// qualified, and may carry a "#TestCase" suffix naming a mocked test case
// (Step Functions Local's SFN_MOCK_CONFIG convention).
func startTarget(s string) error {
	base, _, _ := strings.Cut(s, "#")
	_, err := stateMachineARN(base)
	if err != nil {
		return invalidArn(s)
	}
	return nil
}

// checkInput validates an execution or state input: at most 256 KiB and
// one JSON text. Absent input becomes "{}"; present but empty is invalid,
// as on AWS.
func checkInput(input string, present bool) (string, error) {
	if !present {
		return "{}", nil
	}
	if len(input) > maxPayloadBytes {
		return "", Errorf(InvalidExecutionInput, "Invalid State Machine Execution Input: 'Input exceeds the maximum size of %d bytes'", maxPayloadBytes)
	}
	if !validJSON(input) {
		return "", Errorf(InvalidExecutionInput, "Invalid State Machine Execution Input: '%s'", jsonProblem(input))
	}
	return input, nil
}

// jsonProblem words why text is not JSON the way AWS's parser (Jackson)
// does for the common mistakes: a bare word, and a single-quoted or
// unquoted field name. Anything else gets AWS's generic wording.
func jsonProblem(text string) string {
	t := strings.TrimLeft(text, " \t\r\n")
	isWord := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c == '-' || c == '.'
	}
	switch {
	case t != "" && (t[0] >= 'a' && t[0] <= 'z' || t[0] >= 'A' && t[0] <= 'Z'):
		n := 0
		for n < len(t) && isWord(t[n]) {
			n++
		}
		return fmt.Sprintf("Unrecognized token '%s': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", t[:n])
	case strings.HasPrefix(t, "{"):
		rest := strings.TrimLeft(t[1:], " \t\r\n")
		if rest != "" && rest[0] != '"' && rest[0] != '}' && rest[0] < 0x80 {
			return fmt.Sprintf("Unexpected character ('%c' (code %d)): was expecting double-quote to start field name", rest[0], rest[0])
		}
	}
	return "Invalid execution input."
}

func (s *Server) StartExecution(ctx context.Context, in *StartExecutionInput) (*StartExecutionOutput, error) {
	if err := s.checkStart(in.StateMachineArn, in.Name, in.TraceHeader); err != nil {
		return nil, err
	}
	input, err := checkInput(in.Input, in.inputSet || in.Input != "")
	if err != nil {
		return nil, err
	}
	if s.deps.Executions == nil {
		return nil, notImplemented("StartExecution")
	}
	in.Input = input
	return s.deps.Executions.StartExecution(ctx, in)
}

func (s *Server) checkStart(arn, name, traceHeader string) error {
	var v violations
	v.required("stateMachineArn", arn == "")
	v.maxLen("stateMachineArn", arn, maxArnLength)
	v.maxLen("traceHeader", traceHeader, maxTraceHeader)
	if err := v.err(); err != nil {
		return err
	}
	if err := startTarget(arn); err != nil {
		return err
	}
	if name != "" && !ValidName(name) {
		return invalidName(name)
	}
	return nil
}

func (s *Server) StartSyncExecution(ctx context.Context, in *StartSyncExecutionInput) (*StartSyncExecutionOutput, error) {
	if err := s.checkStart(in.StateMachineArn, in.Name, in.TraceHeader); err != nil {
		return nil, err
	}
	var v violations
	v.enum("includedData", in.IncludedData, "ALL_DATA", "METADATA_ONLY")
	if err := v.err(); err != nil {
		return nil, err
	}
	input, err := checkInput(in.Input, in.inputSet || in.Input != "")
	if err != nil {
		return nil, err
	}
	if s.deps.Executions == nil {
		return nil, notImplemented("StartSyncExecution")
	}
	in.Input = input
	return s.deps.Executions.StartSyncExecution(ctx, in)
}

// checkExecutionARN validates a required executionArn member.
func checkExecutionARN(arn string, v *violations) error {
	v.required("executionArn", arn == "")
	v.maxLen("executionArn", arn, maxArnLength)
	if err := v.err(); err != nil {
		return err
	}
	return executionARN(arn)
}

func (s *Server) StopExecution(ctx context.Context, in *StopExecutionInput) (*StopExecutionOutput, error) {
	var v violations
	v.maxLen("error", in.Error, maxErrorLength)
	v.maxLen("cause", in.Cause, maxCauseLength)
	if err := checkExecutionARN(in.ExecutionArn, &v); err != nil {
		return nil, err
	}
	if s.deps.Executions == nil {
		return nil, notImplemented("StopExecution")
	}
	return s.deps.Executions.StopExecution(ctx, in)
}

func (s *Server) DescribeExecution(ctx context.Context, in *DescribeExecutionInput) (*DescribeExecutionOutput, error) {
	var v violations
	v.enum("includedData", in.IncludedData, "ALL_DATA", "METADATA_ONLY")
	if err := checkExecutionARN(in.ExecutionArn, &v); err != nil {
		return nil, err
	}
	if s.deps.Executions == nil {
		return nil, notImplemented("DescribeExecution")
	}
	return s.deps.Executions.DescribeExecution(ctx, in)
}

func (s *Server) ListExecutions(ctx context.Context, in *ListExecutionsInput) (*ListExecutionsOutput, error) {
	var v violations
	v.maxLen("stateMachineArn", in.StateMachineArn, maxArnLength)
	v.maxLen("mapRunArn", in.MapRunArn, 2000)
	// AWS lists the values in this order in its message.
	v.enum("statusFilter", in.StatusFilter, "SUCCEEDED", "TIMED_OUT", "PENDING_REDRIVE", "ABORTED", "FAILED", "RUNNING")
	v.enum("redriveFilter", in.RedriveFilter, "REDRIVEN", "NOT_REDRIVEN")
	v.between("maxResults", int64(in.MaxResults), 0, maxResultsLimit)
	v.maxLen("nextToken", in.NextToken, 3096)
	if err := v.err(); err != nil {
		return nil, err
	}
	switch {
	case (in.StateMachineArn == "") == (in.MapRunArn == ""):
		return nil, Errorf(ValidationException, "Must provide a StateMachine ARN or a MapRun ARN, but not both")
	case in.StateMachineArn != "":
		if _, err := stateMachineARN(in.StateMachineArn); err != nil {
			return nil, err
		}
	default:
		if err := mapRunARN(in.MapRunArn); err != nil {
			return nil, err
		}
	}
	if s.deps.Executions == nil {
		return nil, notImplemented("ListExecutions")
	}
	return s.deps.Executions.ListExecutions(ctx, in)
}

func (s *Server) GetExecutionHistory(ctx context.Context, in *GetExecutionHistoryInput) (*GetExecutionHistoryOutput, error) {
	var v violations
	v.between("maxResults", int64(in.MaxResults), 0, maxResultsLimit)
	v.maxLen("nextToken", in.NextToken, 3096)
	if err := checkExecutionARN(in.ExecutionArn, &v); err != nil {
		return nil, err
	}
	if s.deps.Executions == nil {
		return nil, notImplemented("GetExecutionHistory")
	}
	return s.deps.Executions.GetExecutionHistory(ctx, in)
}

func (s *Server) DescribeStateMachineForExecution(ctx context.Context, in *DescribeStateMachineForExecutionInput) (*DescribeStateMachineForExecutionOutput, error) {
	var v violations
	v.enum("includedData", in.IncludedData, "ALL_DATA", "METADATA_ONLY")
	if err := checkExecutionARN(in.ExecutionArn, &v); err != nil {
		return nil, err
	}
	if s.deps.Executions == nil {
		return nil, notImplemented("DescribeStateMachineForExecution")
	}
	return s.deps.Executions.DescribeStateMachineForExecution(ctx, in)
}

func (s *Server) RedriveExecution(ctx context.Context, in *RedriveExecutionInput) (*RedriveExecutionOutput, error) {
	var v violations
	v.maxLen("clientToken", in.ClientToken, 64)
	v.clientToken(in.ClientToken)
	if err := checkExecutionARN(in.ExecutionArn, &v); err != nil {
		return nil, err
	}
	if s.deps.Executions == nil {
		return nil, notImplemented("RedriveExecution")
	}
	return s.deps.Executions.RedriveExecution(ctx, in)
}

func (s *Server) GetActivityTask(ctx context.Context, in *GetActivityTaskInput) (*GetActivityTaskOutput, error) {
	var v violations
	v.required("activityArn", in.ActivityArn == "")
	v.maxLen("activityArn", in.ActivityArn, maxArnLength)
	v.maxLen("workerName", in.WorkerName, 80)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := activityARN(in.ActivityArn); err != nil {
		return nil, err
	}
	if _, err := s.deps.Store.GetActivity(ctx, in.ActivityArn); errors.Is(err, store.ErrNotFound) {
		return nil, activityDoesNotExist(in.ActivityArn)
	} else if err != nil {
		return nil, storeErr(err)
	}
	if s.deps.ActivityTasks == nil {
		return nil, notImplemented("GetActivityTask")
	}
	return s.deps.ActivityTasks.GetActivityTask(ctx, in)
}

// checkTaskToken validates a task token member.
func checkTaskToken(token string, v *violations) {
	v.required("taskToken", token == "")
	v.maxLen("taskToken", token, maxTaskToken)
}

func (s *Server) SendTaskSuccess(ctx context.Context, in *SendTaskSuccessInput) (*SendTaskSuccessOutput, error) {
	var v violations
	checkTaskToken(in.TaskToken, &v)
	v.required("output", in.Output == "")
	if err := v.err(); err != nil {
		return nil, err
	}
	if len(in.Output) > maxPayloadBytes {
		return nil, Errorf(InvalidOutput, "Output exceeds the maximum size of %d bytes", maxPayloadBytes)
	}
	if !validJSON(in.Output) {
		return nil, Errorf(InvalidOutput, "Invalid Output: 'Output is not a valid JSON text'")
	}
	if s.deps.ActivityTasks == nil {
		return nil, notImplemented("SendTaskSuccess")
	}
	return s.deps.ActivityTasks.SendTaskSuccess(ctx, in)
}

func (s *Server) SendTaskFailure(ctx context.Context, in *SendTaskFailureInput) (*SendTaskFailureOutput, error) {
	var v violations
	checkTaskToken(in.TaskToken, &v)
	v.maxLen("error", in.Error, maxErrorLength)
	v.maxLen("cause", in.Cause, maxCauseLength)
	if err := v.err(); err != nil {
		return nil, err
	}
	if s.deps.ActivityTasks == nil {
		return nil, notImplemented("SendTaskFailure")
	}
	return s.deps.ActivityTasks.SendTaskFailure(ctx, in)
}

func (s *Server) SendTaskHeartbeat(ctx context.Context, in *SendTaskHeartbeatInput) (*SendTaskHeartbeatOutput, error) {
	var v violations
	checkTaskToken(in.TaskToken, &v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if s.deps.ActivityTasks == nil {
		return nil, notImplemented("SendTaskHeartbeat")
	}
	return s.deps.ActivityTasks.SendTaskHeartbeat(ctx, in)
}

func (s *Server) TestState(ctx context.Context, in *TestStateInput) (*TestStateOutput, error) {
	var v violations
	v.required("definition", in.Definition == "")
	if len(in.Definition) > maxDefinitionBytes {
		v.add("Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to %d", maxDefinitionBytes)
	}
	v.maxLen("roleArn", in.RoleArn, maxArnLength)
	v.enum("inspectionLevel", in.InspectionLevel, "INFO", "DEBUG", "TRACE")
	v.maxLen("stateName", in.StateName, 80)
	if in.Mock != nil {
		v.enum("mock.fieldValidationMode", in.Mock.FieldValidationMode, "STRICT", "PRESENT", "NONE")
	}
	if c := in.StateConfiguration; c != nil {
		v.maxLen("stateConfiguration.errorCausedByState", c.ErrorCausedByState, 80)
		v.maxLen("stateConfiguration.mapItemReaderData", c.MapItemReaderData, 262144)
		for _, n := range []struct {
			field string
			count *int32
		}{{"stateConfiguration.retrierRetryCount", c.RetrierRetryCount}, {"stateConfiguration.mapIterationFailureCount", c.MapIterationFailureCount}} {
			if n.count != nil {
				v.between(n.field, int64(*n.count), 0, 1<<31-1)
			}
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.RoleArn != "" {
		if err := checkRoleARN(in.RoleArn); err != nil {
			return nil, err
		}
	}
	input, err := checkInput(in.Input, in.Input != "")
	if err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, text string }{{"variables", in.Variables}, {"context", in.Context}} {
		if f.text != "" && !validJSON(f.text) {
			return nil, Errorf(ValidationException, "Invalid %s: not a valid JSON text", f.name)
		}
	}
	if in.Mock != nil && in.Mock.Result != "" && !validJSON(in.Mock.Result) {
		return nil, Errorf(ValidationException, "Invalid mock result: not a valid JSON text")
	}
	if s.deps.StateTester == nil {
		return nil, notImplemented("TestState")
	}
	in.Input = input
	return s.deps.StateTester.TestState(ctx, in)
}

func (s *Server) DescribeMapRun(ctx context.Context, in *DescribeMapRunInput) (*DescribeMapRunOutput, error) {
	var v violations
	v.required("mapRunArn", in.MapRunArn == "")
	v.maxLen("mapRunArn", in.MapRunArn, 2000)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := mapRunARN(in.MapRunArn); err != nil {
		return nil, err
	}
	if s.deps.MapRuns == nil {
		return nil, notImplemented("DescribeMapRun")
	}
	return s.deps.MapRuns.DescribeMapRun(ctx, in)
}

func (s *Server) ListMapRuns(ctx context.Context, in *ListMapRunsInput) (*ListMapRunsOutput, error) {
	var v violations
	v.between("maxResults", int64(in.MaxResults), 0, maxResultsLimit)
	v.maxLen("nextToken", in.NextToken, 3096)
	if err := checkExecutionARN(in.ExecutionArn, &v); err != nil {
		return nil, err
	}
	if s.deps.MapRuns == nil {
		return nil, notImplemented("ListMapRuns")
	}
	return s.deps.MapRuns.ListMapRuns(ctx, in)
}

func (s *Server) UpdateMapRun(ctx context.Context, in *UpdateMapRunInput) (*UpdateMapRunOutput, error) {
	var v violations
	v.required("mapRunArn", in.MapRunArn == "")
	v.maxLen("mapRunArn", in.MapRunArn, 2000)
	if in.MaxConcurrency != nil {
		v.between("maxConcurrency", int64(*in.MaxConcurrency), 0, 1<<31-1)
	}
	if in.ToleratedFailureCount != nil {
		v.between("toleratedFailureCount", *in.ToleratedFailureCount, 0, 1<<63-1)
	}
	if p := in.ToleratedFailurePercentage; p != nil && (*p < 0 || *p > 100) {
		v.add("Value '%g' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value between 0 and 100", *p)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := mapRunARN(in.MapRunArn); err != nil {
		return nil, err
	}
	if in.MaxConcurrency == nil && in.ToleratedFailureCount == nil && in.ToleratedFailurePercentage == nil {
		e := Errorf(ValidationException, "At least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be specified")
		e.Reason = "MISSING_REQUIRED_PARAMETER"
		return nil, e
	}
	if s.deps.MapRuns == nil {
		return nil, notImplemented("UpdateMapRun")
	}
	return s.deps.MapRuns.UpdateMapRun(ctx, in)
}
