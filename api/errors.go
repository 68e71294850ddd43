package api

import (
	"fmt"
	"net/http"
)

// ErrorType is the name of an AWS error, sent as "__type".
type ErrorType string

// The error catalog: every error the API answers with. The HTTP status of
// each lives in errorStatus below.
const (
	ActivityAlreadyExists          ErrorType = "ActivityAlreadyExists"
	ActivityDoesNotExist           ErrorType = "ActivityDoesNotExist"
	ActivityLimitExceeded          ErrorType = "ActivityLimitExceeded"
	ActivityWorkerLimitExceeded    ErrorType = "ActivityWorkerLimitExceeded"
	ConflictException              ErrorType = "ConflictException"
	ExecutionAlreadyExists         ErrorType = "ExecutionAlreadyExists"
	ExecutionDoesNotExist          ErrorType = "ExecutionDoesNotExist"
	ExecutionLimitExceeded         ErrorType = "ExecutionLimitExceeded"
	ExecutionNotRedrivable         ErrorType = "ExecutionNotRedrivable"
	InvalidArn                     ErrorType = "InvalidArn"
	InvalidDefinition              ErrorType = "InvalidDefinition"
	InvalidEncryptionConfiguration ErrorType = "InvalidEncryptionConfiguration"
	InvalidExecutionInput          ErrorType = "InvalidExecutionInput"
	InvalidLoggingConfiguration    ErrorType = "InvalidLoggingConfiguration"
	InvalidName                    ErrorType = "InvalidName"
	InvalidOutput                  ErrorType = "InvalidOutput"
	InvalidToken                   ErrorType = "InvalidToken"
	InvalidTracingConfiguration    ErrorType = "InvalidTracingConfiguration"
	KmsAccessDeniedException       ErrorType = "KmsAccessDeniedException"
	KmsInvalidStateException       ErrorType = "KmsInvalidStateException"
	KmsThrottlingException         ErrorType = "KmsThrottlingException"
	MissingRequiredParameter       ErrorType = "MissingRequiredParameter"
	ResourceNotFound               ErrorType = "ResourceNotFound"
	ServiceQuotaExceededException  ErrorType = "ServiceQuotaExceededException"
	StateMachineAlreadyExists      ErrorType = "StateMachineAlreadyExists"
	StateMachineDeleting           ErrorType = "StateMachineDeleting"
	StateMachineDoesNotExist       ErrorType = "StateMachineDoesNotExist"
	StateMachineLimitExceeded      ErrorType = "StateMachineLimitExceeded"
	StateMachineTypeNotSupported   ErrorType = "StateMachineTypeNotSupported"
	TaskDoesNotExist               ErrorType = "TaskDoesNotExist"
	TaskTimedOut                   ErrorType = "TaskTimedOut"
	TooManyTags                    ErrorType = "TooManyTags"
	ValidationException            ErrorType = "ValidationException"

	// Protocol-level errors shared by all AWS JSON services.
	SerializationException       ErrorType = "SerializationException"
	UnknownOperationException    ErrorType = "UnknownOperationException"
	RequestEntityTooLarge        ErrorType = "RequestEntityTooLargeException"
	InternalFailure              ErrorType = "InternalFailure"
	NotImplemented               ErrorType = "NotImplemented"
	MethodNotAllowed             ErrorType = "MethodNotAllowed"
	UnrecognizedClientException  ErrorType = "UnrecognizedClientException"
	IncompleteSignatureException ErrorType = "IncompleteSignature"
)

// errorStatus is AWS's HTTP status per error; an error not listed is 400,
// as Step Functions answers for nearly every modelled error.
var errorStatus = map[ErrorType]int{
	ConflictException:     http.StatusConflict,
	RequestEntityTooLarge: http.StatusRequestEntityTooLarge,
	InternalFailure:       http.StatusInternalServerError,
	// 501, not 503: SDKs retry 5xx "unavailable" answers, and a missing
	// engine will not appear by retrying.
	NotImplemented:   http.StatusNotImplemented,
	MethodNotAllowed: http.StatusMethodNotAllowed,
}

// Error is an AWS-shaped API error. Engines and stores return it (wrapped
// or not) to choose the error the client sees; any other error becomes
// InternalFailure.
type Error struct {
	Type    ErrorType
	Message string
	// Reason is ValidationException's reason (e.g.
	// "INVALID_ROUTING_CONFIGURATION"), sent when set.
	Reason string
	// ResourceName is sent with ResourceNotFound and TooManyTags.
	ResourceName string
}

// Errorf builds an *Error with a formatted message.
func Errorf(typ ErrorType, format string, args ...any) *Error {
	return &Error{Type: typ, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return string(e.Type) + ": " + e.Message }

// Status is the HTTP status AWS answers this error with.
func (e *Error) Status() int {
	if s, ok := errorStatus[e.Type]; ok {
		return s
	}
	return http.StatusBadRequest
}

// body is the JSON 1.0 error document.
func (e *Error) body() errorBody {
	return errorBody{Type: string(e.Type), Message: e.Message, Reason: e.Reason, ResourceName: e.ResourceName}
}

type errorBody struct {
	Type         string `json:"__type"`
	Message      string `json:"message"`
	Reason       string `json:"reason,omitempty"`
	ResourceName string `json:"resourceName,omitempty"`
}

// Messages AWS uses, kept in one place.

func stateMachineDoesNotExist(arn string) *Error {
	return Errorf(StateMachineDoesNotExist, "State Machine Does Not Exist: '%s'", arn)
}

func activityDoesNotExist(arn string) *Error {
	return Errorf(ActivityDoesNotExist, "Activity Does Not Exist: '%s'", arn)
}

func resourceNotFound(arn string) *Error {
	e := Errorf(ResourceNotFound, "Resource not found: '%s'", arn)
	e.ResourceName = arn
	return e
}

// invalidArn words AWS's two InvalidArn messages: one for text that is not
// a Step Functions ARN, one for an ARN of the wrong resource type.
func invalidArn(arn string) *Error {
	if a, ok := ParseARN(arn); ok {
		return Errorf(InvalidArn, "Invalid Arn: 'Resource type not valid in this context: %s'", a.Resource)
	}
	return Errorf(InvalidArn, "Invalid Arn: 'Invalid ARN prefix: %s'", arn)
}

// aliasNotFound is ResourceNotFound as AWS words it for aliases and the
// versions they route to.
func aliasNotFound(arn string) *Error {
	e := Errorf(ResourceNotFound, "Request references a resource that does not exist.")
	e.ResourceName = arn
	return e
}

func invalidName(name string) *Error {
	return Errorf(InvalidName, "Invalid Name: '%s'", name)
}
