package api

import "encoding/json"

// Request and response shapes of the actions the engine serves. The api
// package validates requests before handing them on; see engine.go.

// CloudWatchEventsExecutionDataDetails says whether input or output was
// included; always true for API calls.
type CloudWatchEventsExecutionDataDetails struct {
	Included bool `json:"included"`
}

// BillingDetails of a StartSyncExecution (Express) run.
type BillingDetails struct {
	BilledMemoryUsedInMB         int64 `json:"billedMemoryUsedInMB"`
	BilledDurationInMilliseconds int64 `json:"billedDurationInMilliseconds"`
}

// StartExecutionInput is the request of StartExecution.
type StartExecutionInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	// Input is the execution input as JSON text; the api sets "{}" when
	// the request has none.
	Input       string `json:"input"`
	TraceHeader string `json:"traceHeader"`

	inputSet bool // the request carried an input member (even "")
}

// UnmarshalJSON notes whether input was sent: absent means "{}", while an
// empty string is invalid input on AWS.
func (in *StartExecutionInput) UnmarshalJSON(b []byte) error {
	type plain StartExecutionInput
	// One pass: the outer Input hides plain's, and tells absent from "".
	var w struct {
		*plain
		Input *string `json:"input"`
	}
	w.plain = (*plain)(in)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.Input != nil {
		in.Input, in.inputSet = *w.Input, true
	}
	return nil
}

// StartExecutionOutput is the answer of StartExecution.
type StartExecutionOutput struct {
	ExecutionArn string    `json:"executionArn"`
	StartDate    Timestamp `json:"startDate"`
}

// StartSyncExecutionInput is the request of StartSyncExecution.
type StartSyncExecutionInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Input           string `json:"input"`
	TraceHeader     string `json:"traceHeader"`
	IncludedData    string `json:"includedData"` // ALL_DATA | METADATA_ONLY

	inputSet bool
}

// UnmarshalJSON notes whether input was sent, as for StartExecutionInput.
func (in *StartSyncExecutionInput) UnmarshalJSON(b []byte) error {
	type plain StartSyncExecutionInput
	// One pass: the outer Input hides plain's, and tells absent from "".
	var w struct {
		*plain
		Input *string `json:"input"`
	}
	w.plain = (*plain)(in)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.Input != nil {
		in.Input, in.inputSet = *w.Input, true
	}
	return nil
}

// StartSyncExecutionOutput is the answer of StartSyncExecution.
type StartSyncExecutionOutput struct {
	ExecutionArn    string                                `json:"executionArn"`
	StateMachineArn string                                `json:"stateMachineArn,omitempty"`
	Name            string                                `json:"name,omitempty"`
	StartDate       Timestamp                             `json:"startDate"`
	StopDate        Timestamp                             `json:"stopDate"`
	Status          string                                `json:"status"` // SUCCEEDED | FAILED | TIMED_OUT
	Error           string                                `json:"error,omitempty"`
	Cause           string                                `json:"cause,omitempty"`
	Input           string                                `json:"input,omitempty"`
	InputDetails    *CloudWatchEventsExecutionDataDetails `json:"inputDetails,omitempty"`
	Output          string                                `json:"output,omitempty"`
	OutputDetails   *CloudWatchEventsExecutionDataDetails `json:"outputDetails,omitempty"`
	TraceHeader     string                                `json:"traceHeader,omitempty"`
	BillingDetails  *BillingDetails                       `json:"billingDetails,omitempty"`
}

// StopExecutionInput is the request of StopExecution.
type StopExecutionInput struct {
	ExecutionArn string `json:"executionArn"`
	Error        string `json:"error"`
	Cause        string `json:"cause"`
}

// StopExecutionOutput is the answer of StopExecution.
type StopExecutionOutput struct {
	StopDate Timestamp `json:"stopDate"`
}

// DescribeExecutionInput is the request of DescribeExecution.
type DescribeExecutionInput struct {
	ExecutionArn string `json:"executionArn"`
	IncludedData string `json:"includedData"`
}

// DescribeExecutionOutput is the answer of DescribeExecution.
type DescribeExecutionOutput struct {
	ExecutionArn           string                                `json:"executionArn"`
	StateMachineArn        string                                `json:"stateMachineArn"`
	Name                   string                                `json:"name,omitempty"`
	Status                 string                                `json:"status"` // RUNNING | SUCCEEDED | FAILED | TIMED_OUT | ABORTED | PENDING_REDRIVE
	StartDate              Timestamp                             `json:"startDate"`
	StopDate               Timestamp                             `json:"stopDate,omitzero"`
	Input                  string                                `json:"input,omitempty"`
	InputDetails           *CloudWatchEventsExecutionDataDetails `json:"inputDetails,omitempty"`
	Output                 string                                `json:"output,omitempty"`
	OutputDetails          *CloudWatchEventsExecutionDataDetails `json:"outputDetails,omitempty"`
	TraceHeader            string                                `json:"traceHeader,omitempty"`
	MapRunArn              string                                `json:"mapRunArn,omitempty"`
	Error                  string                                `json:"error,omitempty"`
	Cause                  string                                `json:"cause,omitempty"`
	StateMachineVersionArn string                                `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string                                `json:"stateMachineAliasArn,omitempty"`
	RedriveCount           *int32                                `json:"redriveCount,omitempty"`
	RedriveDate            Timestamp                             `json:"redriveDate,omitzero"`
	RedriveStatus          string                                `json:"redriveStatus,omitempty"` // REDRIVABLE | NOT_REDRIVABLE | REDRIVABLE_BY_MAP_RUN
	RedriveStatusReason    string                                `json:"redriveStatusReason,omitempty"`
}

// ListExecutionsInput is the request of ListExecutions.
type ListExecutionsInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	MapRunArn       string `json:"mapRunArn"`
	StatusFilter    string `json:"statusFilter"`
	RedriveFilter   string `json:"redriveFilter"` // REDRIVEN | NOT_REDRIVEN
	MaxResults      int32  `json:"maxResults"`
	NextToken       string `json:"nextToken"`
}

// ExecutionListItem is one entry of a list answer.
type ExecutionListItem struct {
	ExecutionArn           string    `json:"executionArn"`
	StateMachineArn        string    `json:"stateMachineArn"`
	Name                   string    `json:"name"`
	Status                 string    `json:"status"`
	StartDate              Timestamp `json:"startDate"`
	StopDate               Timestamp `json:"stopDate,omitzero"`
	MapRunArn              string    `json:"mapRunArn,omitempty"`
	ItemCount              *int32    `json:"itemCount,omitempty"`
	StateMachineVersionArn string    `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string    `json:"stateMachineAliasArn,omitempty"`
	RedriveCount           *int32    `json:"redriveCount,omitempty"`
	RedriveDate            Timestamp `json:"redriveDate,omitzero"`
}

// ListExecutionsOutput is the answer of ListExecutions.
type ListExecutionsOutput struct {
	Executions []ExecutionListItem `json:"executions"`
	NextToken  string              `json:"nextToken,omitempty"`
}

// GetExecutionHistoryInput is the request of GetExecutionHistory.
type GetExecutionHistoryInput struct {
	ExecutionArn string `json:"executionArn"`
	MaxResults   int32  `json:"maxResults"`
	NextToken    string `json:"nextToken"`
	ReverseOrder bool   `json:"reverseOrder"`
	// IncludeExecutionData defaults to true when absent.
	IncludeExecutionData *bool `json:"includeExecutionData"`
}

// GetExecutionHistoryOutput is the answer of GetExecutionHistory.
type GetExecutionHistoryOutput struct {
	Events    []HistoryEvent `json:"events"`
	NextToken string         `json:"nextToken,omitempty"`
}

// DescribeStateMachineForExecutionInput is the request of DescribeStateMachineForExecution.
type DescribeStateMachineForExecutionInput struct {
	ExecutionArn string `json:"executionArn"`
	IncludedData string `json:"includedData"`
}

// DescribeStateMachineForExecutionOutput is the answer of DescribeStateMachineForExecution.
type DescribeStateMachineForExecutionOutput struct {
	StateMachineArn         string                   `json:"stateMachineArn"`
	Name                    string                   `json:"name"`
	Definition              string                   `json:"definition"`
	RoleArn                 string                   `json:"roleArn"`
	UpdateDate              Timestamp                `json:"updateDate"`
	LoggingConfiguration    *LoggingConfiguration    `json:"loggingConfiguration,omitempty"`
	TracingConfiguration    *TracingConfiguration    `json:"tracingConfiguration,omitempty"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration,omitempty"`
	MapRunArn               string                   `json:"mapRunArn,omitempty"`
	Label                   string                   `json:"label,omitempty"`
	RevisionId              string                   `json:"revisionId,omitempty"`
	VariableReferences      map[string][]string      `json:"variableReferences,omitempty"`
}

// RedriveExecutionInput is the request of RedriveExecution.
type RedriveExecutionInput struct {
	ExecutionArn string `json:"executionArn"`
	ClientToken  string `json:"clientToken"`
}

// RedriveExecutionOutput is the answer of RedriveExecution.
type RedriveExecutionOutput struct {
	RedriveDate Timestamp `json:"redriveDate"`
}

// GetActivityTaskInput is the request of GetActivityTask.
type GetActivityTaskInput struct {
	ActivityArn string `json:"activityArn"`
	WorkerName  string `json:"workerName"`
}

// GetActivityTaskOutput is empty (no token) when no task arrived in time.
type GetActivityTaskOutput struct {
	TaskToken string `json:"taskToken,omitempty"`
	Input     string `json:"input,omitempty"`
}

// SendTaskSuccessInput is the request of SendTaskSuccess.
type SendTaskSuccessInput struct {
	TaskToken string `json:"taskToken"`
	Output    string `json:"output"`
}

// SendTaskSuccessOutput is the answer of SendTaskSuccess.
type SendTaskSuccessOutput struct{}

// SendTaskFailureInput is the request of SendTaskFailure.
type SendTaskFailureInput struct {
	TaskToken string `json:"taskToken"`
	Error     string `json:"error"`
	Cause     string `json:"cause"`
}

// SendTaskFailureOutput is the answer of SendTaskFailure.
type SendTaskFailureOutput struct{}

// SendTaskHeartbeatInput is the request of SendTaskHeartbeat.
type SendTaskHeartbeatInput struct {
	TaskToken string `json:"taskToken"`
}

// SendTaskHeartbeatOutput is the answer of SendTaskHeartbeat.
type SendTaskHeartbeatOutput struct{}

// MockErrorOutput is a mocked failure for TestState.
type MockErrorOutput struct {
	Error string `json:"error,omitempty"`
	Cause string `json:"cause,omitempty"`
}

// MockInput mocks the state's task result for TestState.
type MockInput struct {
	Result              string           `json:"result,omitempty"`
	ErrorOutput         *MockErrorOutput `json:"errorOutput,omitempty"`
	FieldValidationMode string           `json:"fieldValidationMode,omitempty"` // STRICT | PRESENT | NONE
}

// TestStateConfiguration sets up retries and failures for TestState.
type TestStateConfiguration struct {
	RetrierRetryCount        *int32 `json:"retrierRetryCount,omitempty"`
	ErrorCausedByState       string `json:"errorCausedByState,omitempty"`
	MapIterationFailureCount *int32 `json:"mapIterationFailureCount,omitempty"`
	MapItemReaderData        string `json:"mapItemReaderData,omitempty"`
}

// TestStateInput is the request of TestState.
type TestStateInput struct {
	Definition         string                  `json:"definition"`
	RoleArn            string                  `json:"roleArn"`
	Input              string                  `json:"input"`
	InspectionLevel    string                  `json:"inspectionLevel"` // INFO | DEBUG | TRACE
	RevealSecrets      bool                    `json:"revealSecrets"`
	Variables          string                  `json:"variables"`
	StateName          string                  `json:"stateName"`
	Mock               *MockInput              `json:"mock"`
	Context            string                  `json:"context"`
	StateConfiguration *TestStateConfiguration `json:"stateConfiguration"`
}

// InspectionDataRequest is the HTTP request of an HTTP Task (TRACE level).
type InspectionDataRequest struct {
	Protocol string `json:"protocol,omitempty"`
	Method   string `json:"method,omitempty"`
	Url      string `json:"url,omitempty"`
	Headers  string `json:"headers,omitempty"`
	Body     string `json:"body,omitempty"`
}

// InspectionDataResponse is the HTTP response of an HTTP Task.
type InspectionDataResponse struct {
	Protocol      string `json:"protocol,omitempty"`
	StatusCode    string `json:"statusCode,omitempty"`
	StatusMessage string `json:"statusMessage,omitempty"`
	Headers       string `json:"headers,omitempty"`
	Body          string `json:"body,omitempty"`
}

// InspectionErrorDetails tells which retrier or catcher handled an error.
type InspectionErrorDetails struct {
	CatchIndex                  *int32 `json:"catchIndex,omitempty"`
	RetryIndex                  *int32 `json:"retryIndex,omitempty"`
	RetryBackoffIntervalSeconds *int32 `json:"retryBackoffIntervalSeconds,omitempty"`
}

// InspectionData is the data at each step of a state's processing.
type InspectionData struct {
	Input                      string                  `json:"input,omitempty"`
	AfterArguments             string                  `json:"afterArguments,omitempty"`
	AfterInputPath             string                  `json:"afterInputPath,omitempty"`
	AfterParameters            string                  `json:"afterParameters,omitempty"`
	AfterItemsPath             string                  `json:"afterItemsPath,omitempty"`
	AfterItemsPointer          string                  `json:"afterItemsPointer,omitempty"`
	AfterItemSelector          string                  `json:"afterItemSelector,omitempty"`
	AfterItemBatcher           string                  `json:"afterItemBatcher,omitempty"`
	Result                     string                  `json:"result,omitempty"`
	AfterResultSelector        string                  `json:"afterResultSelector,omitempty"`
	AfterResultPath            string                  `json:"afterResultPath,omitempty"`
	Variables                  string                  `json:"variables,omitempty"`
	MaxConcurrency             *int32                  `json:"maxConcurrency,omitempty"`
	ToleratedFailureCount      *int32                  `json:"toleratedFailureCount,omitempty"`
	ToleratedFailurePercentage *float32                `json:"toleratedFailurePercentage,omitempty"`
	Request                    *InspectionDataRequest  `json:"request,omitempty"`
	Response                   *InspectionDataResponse `json:"response,omitempty"`
	ErrorDetails               *InspectionErrorDetails `json:"errorDetails,omitempty"`
}

// TestStateOutput is the answer of TestState.
type TestStateOutput struct {
	Output         string          `json:"output,omitempty"`
	Error          string          `json:"error,omitempty"`
	Cause          string          `json:"cause,omitempty"`
	InspectionData *InspectionData `json:"inspectionData,omitempty"`
	NextState      string          `json:"nextState,omitempty"`
	Status         string          `json:"status"` // SUCCEEDED | FAILED | RETRIABLE | CAUGHT_ERROR
}

// MapRunExecutionCounts counts a Map Run's child executions.
type MapRunExecutionCounts struct {
	Pending               int64  `json:"pending"`
	Running               int64  `json:"running"`
	Succeeded             int64  `json:"succeeded"`
	Failed                int64  `json:"failed"`
	TimedOut              int64  `json:"timedOut"`
	Aborted               int64  `json:"aborted"`
	Total                 int64  `json:"total"`
	ResultsWritten        int64  `json:"resultsWritten"`
	FailuresNotRedrivable *int64 `json:"failuresNotRedrivable,omitempty"`
	PendingRedrive        *int64 `json:"pendingRedrive,omitempty"`
}

// MapRunItemCounts counts a Map Run's items; same members as the
// execution counts.
type MapRunItemCounts = MapRunExecutionCounts

// DescribeMapRunInput is the request of DescribeMapRun.
type DescribeMapRunInput struct {
	MapRunArn string `json:"mapRunArn"`
}

// DescribeMapRunOutput is the answer of DescribeMapRun.
type DescribeMapRunOutput struct {
	MapRunArn                  string                 `json:"mapRunArn"`
	ExecutionArn               string                 `json:"executionArn"`
	Status                     string                 `json:"status"` // RUNNING | SUCCEEDED | FAILED | ABORTED
	StartDate                  Timestamp              `json:"startDate"`
	StopDate                   Timestamp              `json:"stopDate,omitzero"`
	MaxConcurrency             int32                  `json:"maxConcurrency"`
	ToleratedFailurePercentage float32                `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      int64                  `json:"toleratedFailureCount"`
	ItemCounts                 *MapRunItemCounts      `json:"itemCounts"`
	ExecutionCounts            *MapRunExecutionCounts `json:"executionCounts"`
	RedriveCount               *int32                 `json:"redriveCount,omitempty"`
	RedriveDate                Timestamp              `json:"redriveDate,omitzero"`
}

// ListMapRunsInput is the request of ListMapRuns.
type ListMapRunsInput struct {
	ExecutionArn string `json:"executionArn"`
	MaxResults   int32  `json:"maxResults"`
	NextToken    string `json:"nextToken"`
}

// MapRunListItem is one entry of a list answer.
type MapRunListItem struct {
	ExecutionArn    string    `json:"executionArn"`
	MapRunArn       string    `json:"mapRunArn"`
	StateMachineArn string    `json:"stateMachineArn"`
	StartDate       Timestamp `json:"startDate"`
	StopDate        Timestamp `json:"stopDate,omitzero"`
}

// ListMapRunsOutput is the answer of ListMapRuns.
type ListMapRunsOutput struct {
	MapRuns   []MapRunListItem `json:"mapRuns"`
	NextToken string           `json:"nextToken,omitempty"`
}

// UpdateMapRunInput is the request of UpdateMapRun.
type UpdateMapRunInput struct {
	MapRunArn                  string   `json:"mapRunArn"`
	MaxConcurrency             *int32   `json:"maxConcurrency"`
	ToleratedFailurePercentage *float32 `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      *int64   `json:"toleratedFailureCount"`
}

// UpdateMapRunOutput is the answer of UpdateMapRun.
type UpdateMapRunOutput struct{}
