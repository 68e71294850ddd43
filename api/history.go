package api

// HistoryEvent is one event of GetExecutionHistory. Type names the event
// (ExecutionStarted, TaskStateEntered, …); exactly the details member that
// belongs to the type is set.
type HistoryEvent struct {
	Timestamp       Timestamp `json:"timestamp"`
	Type            string    `json:"type"`
	Id              int64     `json:"id"`
	PreviousEventId int64     `json:"previousEventId"`

	ActivityFailedEventDetails               *ErrorEventDetails                   `json:"activityFailedEventDetails,omitempty"`
	ActivityScheduleFailedEventDetails       *ErrorEventDetails                   `json:"activityScheduleFailedEventDetails,omitempty"`
	ActivityScheduledEventDetails            *ActivityScheduledEventDetails       `json:"activityScheduledEventDetails,omitempty"`
	ActivityStartedEventDetails              *ActivityStartedEventDetails         `json:"activityStartedEventDetails,omitempty"`
	ActivitySucceededEventDetails            *OutputEventDetails                  `json:"activitySucceededEventDetails,omitempty"`
	ActivityTimedOutEventDetails             *ErrorEventDetails                   `json:"activityTimedOutEventDetails,omitempty"`
	TaskFailedEventDetails                   *TaskErrorEventDetails               `json:"taskFailedEventDetails,omitempty"`
	TaskScheduledEventDetails                *TaskScheduledEventDetails           `json:"taskScheduledEventDetails,omitempty"`
	TaskStartFailedEventDetails              *TaskErrorEventDetails               `json:"taskStartFailedEventDetails,omitempty"`
	TaskStartedEventDetails                  *TaskStartedEventDetails             `json:"taskStartedEventDetails,omitempty"`
	TaskSubmitFailedEventDetails             *TaskErrorEventDetails               `json:"taskSubmitFailedEventDetails,omitempty"`
	TaskSubmittedEventDetails                *TaskOutputEventDetails              `json:"taskSubmittedEventDetails,omitempty"`
	TaskSucceededEventDetails                *TaskOutputEventDetails              `json:"taskSucceededEventDetails,omitempty"`
	TaskTimedOutEventDetails                 *TaskErrorEventDetails               `json:"taskTimedOutEventDetails,omitempty"`
	ExecutionFailedEventDetails              *ErrorEventDetails                   `json:"executionFailedEventDetails,omitempty"`
	ExecutionStartedEventDetails             *ExecutionStartedEventDetails        `json:"executionStartedEventDetails,omitempty"`
	ExecutionSucceededEventDetails           *OutputEventDetails                  `json:"executionSucceededEventDetails,omitempty"`
	ExecutionAbortedEventDetails             *ErrorEventDetails                   `json:"executionAbortedEventDetails,omitempty"`
	ExecutionTimedOutEventDetails            *ErrorEventDetails                   `json:"executionTimedOutEventDetails,omitempty"`
	ExecutionRedrivenEventDetails            *ExecutionRedrivenEventDetails       `json:"executionRedrivenEventDetails,omitempty"`
	MapStateStartedEventDetails              *MapStateStartedEventDetails         `json:"mapStateStartedEventDetails,omitempty"`
	MapIterationStartedEventDetails          *MapIterationEventDetails            `json:"mapIterationStartedEventDetails,omitempty"`
	MapIterationSucceededEventDetails        *MapIterationEventDetails            `json:"mapIterationSucceededEventDetails,omitempty"`
	MapIterationFailedEventDetails           *MapIterationEventDetails            `json:"mapIterationFailedEventDetails,omitempty"`
	MapIterationAbortedEventDetails          *MapIterationEventDetails            `json:"mapIterationAbortedEventDetails,omitempty"`
	LambdaFunctionFailedEventDetails         *ErrorEventDetails                   `json:"lambdaFunctionFailedEventDetails,omitempty"`
	LambdaFunctionScheduleFailedEventDetails *ErrorEventDetails                   `json:"lambdaFunctionScheduleFailedEventDetails,omitempty"`
	LambdaFunctionScheduledEventDetails      *LambdaFunctionScheduledEventDetails `json:"lambdaFunctionScheduledEventDetails,omitempty"`
	LambdaFunctionStartFailedEventDetails    *ErrorEventDetails                   `json:"lambdaFunctionStartFailedEventDetails,omitempty"`
	LambdaFunctionSucceededEventDetails      *OutputEventDetails                  `json:"lambdaFunctionSucceededEventDetails,omitempty"`
	LambdaFunctionTimedOutEventDetails       *ErrorEventDetails                   `json:"lambdaFunctionTimedOutEventDetails,omitempty"`
	StateEnteredEventDetails                 *StateEnteredEventDetails            `json:"stateEnteredEventDetails,omitempty"`
	StateExitedEventDetails                  *StateExitedEventDetails             `json:"stateExitedEventDetails,omitempty"`
	MapRunStartedEventDetails                *MapRunStartedEventDetails           `json:"mapRunStartedEventDetails,omitempty"`
	MapRunFailedEventDetails                 *ErrorEventDetails                   `json:"mapRunFailedEventDetails,omitempty"`
	MapRunRedrivenEventDetails               *MapRunRedrivenEventDetails          `json:"mapRunRedrivenEventDetails,omitempty"`
	EvaluationFailedEventDetails             *EvaluationFailedEventDetails        `json:"evaluationFailedEventDetails,omitempty"`
}

// HistoryEventExecutionDataDetails says whether input or output was cut.
type HistoryEventExecutionDataDetails struct {
	Truncated bool `json:"truncated"`
}

// ErrorEventDetails is the shape shared by the failure, abort and timeout
// details (ExecutionFailed, ActivityFailed, LambdaFunctionFailed, MapRunFailed, …).
type ErrorEventDetails struct {
	Error string `json:"error,omitempty"`
	Cause string `json:"cause,omitempty"`
}

// OutputEventDetails is the shape of ExecutionSucceeded, ActivitySucceeded
// and LambdaFunctionSucceeded details.
type OutputEventDetails struct {
	Output        string                            `json:"output,omitempty"`
	OutputDetails *HistoryEventExecutionDataDetails `json:"outputDetails,omitempty"`
}

// ActivityScheduledEventDetails are the details of a history event.
type ActivityScheduledEventDetails struct {
	Resource           string                            `json:"resource"`
	Input              string                            `json:"input,omitempty"`
	InputDetails       *HistoryEventExecutionDataDetails `json:"inputDetails,omitempty"`
	TimeoutInSeconds   *int64                            `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds *int64                            `json:"heartbeatInSeconds,omitempty"`
}

// ActivityStartedEventDetails are the details of a history event.
type ActivityStartedEventDetails struct {
	WorkerName string `json:"workerName,omitempty"`
}

// TaskCredentials is the role a task assumed.
type TaskCredentials struct {
	RoleArn string `json:"roleArn,omitempty"`
}

// TaskScheduledEventDetails are the details of a history event.
type TaskScheduledEventDetails struct {
	ResourceType       string           `json:"resourceType"`
	Resource           string           `json:"resource"`
	Region             string           `json:"region"`
	Parameters         string           `json:"parameters"`
	TimeoutInSeconds   *int64           `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds *int64           `json:"heartbeatInSeconds,omitempty"`
	TaskCredentials    *TaskCredentials `json:"taskCredentials,omitempty"`
}

// TaskStartedEventDetails are the details of a history event.
type TaskStartedEventDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
}

// TaskErrorEventDetails is the shape of TaskFailed, TaskStartFailed,
// TaskSubmitFailed and TaskTimedOut details.
type TaskErrorEventDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
	Error        string `json:"error,omitempty"`
	Cause        string `json:"cause,omitempty"`
}

// TaskOutputEventDetails is the shape of TaskSucceeded and TaskSubmitted.
type TaskOutputEventDetails struct {
	ResourceType  string                            `json:"resourceType"`
	Resource      string                            `json:"resource"`
	Output        string                            `json:"output,omitempty"`
	OutputDetails *HistoryEventExecutionDataDetails `json:"outputDetails,omitempty"`
}

// ExecutionStartedEventDetails are the details of a history event.
type ExecutionStartedEventDetails struct {
	Input                  string                            `json:"input,omitempty"`
	InputDetails           *HistoryEventExecutionDataDetails `json:"inputDetails,omitempty"`
	RoleArn                string                            `json:"roleArn,omitempty"`
	StateMachineAliasArn   string                            `json:"stateMachineAliasArn,omitempty"`
	StateMachineVersionArn string                            `json:"stateMachineVersionArn,omitempty"`
}

// ExecutionRedrivenEventDetails are the details of a history event.
type ExecutionRedrivenEventDetails struct {
	RedriveCount *int32 `json:"redriveCount,omitempty"`
}

// MapStateStartedEventDetails are the details of a history event.
type MapStateStartedEventDetails struct {
	Length int32 `json:"length"`
}

// MapIterationEventDetails are the details of a history event.
type MapIterationEventDetails struct {
	Name  string `json:"name,omitempty"`
	Index int32  `json:"index"`
}

// LambdaFunctionScheduledEventDetails are the details of a history event.
type LambdaFunctionScheduledEventDetails struct {
	Resource         string                            `json:"resource"`
	Input            string                            `json:"input,omitempty"`
	InputDetails     *HistoryEventExecutionDataDetails `json:"inputDetails,omitempty"`
	TimeoutInSeconds *int64                            `json:"timeoutInSeconds,omitempty"`
	TaskCredentials  *TaskCredentials                  `json:"taskCredentials,omitempty"`
}

// StateEnteredEventDetails are the details of a history event.
type StateEnteredEventDetails struct {
	Name         string                            `json:"name"`
	Input        string                            `json:"input,omitempty"`
	InputDetails *HistoryEventExecutionDataDetails `json:"inputDetails,omitempty"`
}

// AssignedVariablesDetails says whether assigned variables were cut.
type AssignedVariablesDetails struct {
	Truncated bool `json:"truncated"`
}

// StateExitedEventDetails are the details of a history event.
type StateExitedEventDetails struct {
	Name                     string                            `json:"name"`
	Output                   string                            `json:"output,omitempty"`
	OutputDetails            *HistoryEventExecutionDataDetails `json:"outputDetails,omitempty"`
	AssignedVariables        map[string]string                 `json:"assignedVariables,omitempty"`
	AssignedVariablesDetails *AssignedVariablesDetails         `json:"assignedVariablesDetails,omitempty"`
}

// MapRunStartedEventDetails are the details of a history event.
type MapRunStartedEventDetails struct {
	MapRunArn string `json:"mapRunArn,omitempty"`
}

// MapRunRedrivenEventDetails are the details of a history event.
type MapRunRedrivenEventDetails struct {
	MapRunArn    string `json:"mapRunArn,omitempty"`
	RedriveCount *int32 `json:"redriveCount,omitempty"`
}

// EvaluationFailedEventDetails are the details of a history event.
type EvaluationFailedEventDetails struct {
	Error    string `json:"error,omitempty"`
	Cause    string `json:"cause,omitempty"`
	Location string `json:"location,omitempty"`
	State    string `json:"state"`
}
