package api

import "context"

// The engine's roles, owned here because the api is their consumer. The api
// validates each request (ARN shapes, names, sizes, enums, JSON payloads)
// before calling, so implementations receive well-formed input; they
// report AWS errors as *Error (ExecutionDoesNotExist, TaskTimedOut, …).

// Executions runs and reports executions.
type Executions interface {
	StartExecution(ctx context.Context, in *StartExecutionInput) (*StartExecutionOutput, error)
	StartSyncExecution(ctx context.Context, in *StartSyncExecutionInput) (*StartSyncExecutionOutput, error)
	StopExecution(ctx context.Context, in *StopExecutionInput) (*StopExecutionOutput, error)
	DescribeExecution(ctx context.Context, in *DescribeExecutionInput) (*DescribeExecutionOutput, error)
	ListExecutions(ctx context.Context, in *ListExecutionsInput) (*ListExecutionsOutput, error)
	GetExecutionHistory(ctx context.Context, in *GetExecutionHistoryInput) (*GetExecutionHistoryOutput, error)
	DescribeStateMachineForExecution(ctx context.Context, in *DescribeStateMachineForExecutionInput) (*DescribeStateMachineForExecutionOutput, error)
	RedriveExecution(ctx context.Context, in *RedriveExecutionInput) (*RedriveExecutionOutput, error)
}

// ActivityTasks hands activity tasks to workers and takes task results
// (activities and .waitForTaskToken callbacks).
type ActivityTasks interface {
	// GetActivityTask long-polls; the api has checked the activity exists.
	GetActivityTask(ctx context.Context, in *GetActivityTaskInput) (*GetActivityTaskOutput, error)
	SendTaskSuccess(ctx context.Context, in *SendTaskSuccessInput) (*SendTaskSuccessOutput, error)
	SendTaskFailure(ctx context.Context, in *SendTaskFailureInput) (*SendTaskFailureOutput, error)
	SendTaskHeartbeat(ctx context.Context, in *SendTaskHeartbeatInput) (*SendTaskHeartbeatOutput, error)
}

// MapRuns reports and tunes Distributed Map runs.
type MapRuns interface {
	DescribeMapRun(ctx context.Context, in *DescribeMapRunInput) (*DescribeMapRunOutput, error)
	ListMapRuns(ctx context.Context, in *ListMapRunsInput) (*ListMapRunsOutput, error)
	UpdateMapRun(ctx context.Context, in *UpdateMapRunInput) (*UpdateMapRunOutput, error)
}

// StateTester runs TestState.
type StateTester interface {
	TestState(ctx context.Context, in *TestStateInput) (*TestStateOutput, error)
}

// Engine is all four roles.
type Engine interface {
	Executions
	ActivityTasks
	MapRuns
	StateTester
}

// Diagnostic is one problem a Validator found in a definition.
type Diagnostic struct {
	// Code such as SCHEMA_VALIDATION_FAILED or MISSING_TRANSITION_TARGET.
	Code string
	// Location is a JSON pointer into the definition, e.g.
	// /States/X/Next; "" when the problem has no place.
	Location string
	Message  string
	// Severity is ERROR or WARNING; "" means ERROR. Warnings never block
	// CreateStateMachine or UpdateStateMachine.
	Severity string
}

// Validator checks a definition for a state machine type (STANDARD or
// EXPRESS) and returns every problem found, in a stable order.
type Validator func(definition []byte, typ string) []Diagnostic
