package interp

import (
	"strconv"
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/value"
)

// Event is one history event, in the shape GetExecutionHistory returns.
type Event struct {
	ID              int64
	PreviousEventID int64
	Timestamp       time.Time
	Type            string
	// Details writes the event's details object (input and output as JSON
	// text, as AWS records them); nil for events without one.
	Details Details
}

// Details is an event's details object. The frequent events have typed
// details that write themselves without building a value; the others are
// ObjectDetails.
type Details interface {
	// AppendJSON appends the details object as JSON.
	AppendJSON(buf []byte) []byte
}

// ObjectDetails are details held as a value object. A struct of one
// pointer, so storing it in Details does not allocate.
type ObjectDetails struct{ Object *value.Object }

// AppendJSON implements Details.
func (d ObjectDetails) AppendJSON(buf []byte) []byte { return value.Append(buf, d.Object) }

// objectDetails wraps o, keeping a nil o a nil Details.
func objectDetails(o *value.Object) Details {
	if o == nil {
		return nil
	}
	return ObjectDetails{o}
}

const untruncatedJSON = `{"truncated":false}`

// stateDetails are the details of a state's entry or exit, as
// stateEntered or stateExited: one type, so that both come from one slab.
type stateDetails struct {
	assigned *value.Object // exit: variable -> its value as JSON text; nil for none
	name     string
	text     string // the input or output, as JSON text
}

// stateEntered is a …StateEntered event's details.
type stateEntered stateDetails

func (d *stateEntered) AppendJSON(buf []byte) []byte {
	buf = append(buf, `{"input":`...)
	buf = value.AppendString(buf, d.text)
	buf = append(buf, `,"inputDetails":`+untruncatedJSON+`,"name":`...)
	buf = value.AppendString(buf, d.name)
	return append(buf, '}')
}

// stateExited is a …StateExited event's details.
type stateExited stateDetails

func (d *stateExited) AppendJSON(buf []byte) []byte {
	buf = append(buf, '{')
	if d.assigned.Len() > 0 {
		buf = append(buf, `"assignedVariables":`...)
		buf = value.Append(buf, d.assigned)
		buf = append(buf, `,"assignedVariablesDetails":`+untruncatedJSON+`,`...)
	}
	buf = append(buf, `"name":`...)
	buf = value.AppendString(buf, d.name)
	buf = append(buf, `,"output":`...)
	buf = value.AppendString(buf, d.text)
	return append(buf, `,"outputDetails":`+untruncatedJSON+`}`...)
}

// executionStarted is ExecutionStarted's details.
type executionStarted struct {
	input, roleArn       string
	aliasArn, versionArn string // left out when ""
}

func (d *executionStarted) AppendJSON(buf []byte) []byte {
	buf = append(buf, `{"input":`...)
	buf = value.AppendString(buf, d.input)
	buf = append(buf, `,"inputDetails":`+untruncatedJSON+`,"roleArn":`...)
	buf = value.AppendString(buf, d.roleArn)
	if d.aliasArn != "" {
		buf = append(buf, `,"stateMachineAliasArn":`...)
		buf = value.AppendString(buf, d.aliasArn)
	}
	if d.versionArn != "" {
		buf = append(buf, `,"stateMachineVersionArn":`...)
		buf = value.AppendString(buf, d.versionArn)
	}
	return append(buf, '}')
}

// outputDetails are the details of ExecutionSucceeded and of a Lambda
// function's or an activity's success.
type outputDetails struct{ output string }

func (d *outputDetails) AppendJSON(buf []byte) []byte {
	buf = append(buf, `{"output":`...)
	buf = value.AppendString(buf, d.output)
	return append(buf, `,"outputDetails":`+untruncatedJSON+`}`...)
}

// mapIteration is a MapIteration…'s details.
type mapIteration struct {
	index int
	name  string
}

func (d *mapIteration) AppendJSON(buf []byte) []byte {
	buf = append(buf, `{"index":`...)
	buf = strconv.AppendInt(buf, int64(d.index), 10)
	buf = append(buf, `,"name":`...)
	buf = value.AppendString(buf, d.name)
	return append(buf, '}')
}

// taskEvent holds the details of TaskScheduled, TaskStarted and
// TaskSucceeded; members that are "" (or 0) are left out.
type taskEvent struct {
	resourceType, resource string
	scheduled              bool // TaskScheduled: region and parameters follow
	region                 string
	parameters             string // JSON text (TaskScheduled)
	timeout, heartbeat     int    // TaskScheduled
	output                 string // JSON text (TaskSucceeded)
	hasOutput              bool
}

func (d *taskEvent) AppendJSON(buf []byte) []byte {
	buf = append(buf, `{"resourceType":`...)
	buf = value.AppendString(buf, d.resourceType)
	buf = append(buf, `,"resource":`...)
	buf = value.AppendString(buf, d.resource)
	if d.scheduled {
		buf = append(buf, `,"region":`...)
		buf = value.AppendString(buf, d.region)
		buf = append(buf, `,"parameters":`...)
		buf = value.AppendString(buf, d.parameters)
	}
	if d.timeout > 0 {
		buf = append(buf, `,"timeoutInSeconds":`...)
		buf = strconv.AppendInt(buf, int64(d.timeout), 10)
	}
	if d.heartbeat > 0 {
		buf = append(buf, `,"heartbeatInSeconds":`...)
		buf = strconv.AppendInt(buf, int64(d.heartbeat), 10)
	}
	if d.hasOutput {
		buf = append(buf, `,"output":`...)
		buf = value.AppendString(buf, d.output)
		buf = append(buf, `,"outputDetails":`+untruncatedJSON...)
	}
	return append(buf, '}')
}

// DetailsKey returns the name of the details member for an event type, e.g.
// "stateEnteredEventDetails" for PassStateEntered, or "" for types that have
// none.
func DetailsKey(eventType string) string {
	switch {
	case strings.HasSuffix(eventType, "StateEntered"):
		return "stateEnteredEventDetails"
	case strings.HasSuffix(eventType, "StateExited"):
		return "stateExitedEventDetails"
	}
	switch eventType {
	case "MapStateSucceeded", "MapStateFailed", "MapStateAborted",
		"ParallelStateStarted", "ParallelStateSucceeded", "ParallelStateFailed", "ParallelStateAborted",
		"WaitStateAborted", "TaskStateAborted", "MapRunSucceeded", "LambdaFunctionStarted":
		return ""
	}
	// ExecutionStarted -> executionStartedEventDetails, MapIterationStarted ->
	// mapIterationStartedEventDetails, TaskScheduled -> taskScheduledEventDetails …
	return strings.ToLower(eventType[:1]) + eventType[1:] + "EventDetails"
}

// AppendJSON appends the event as the JSON 1.0 protocol writes it.
func (e *Event) AppendJSON(buf []byte) []byte {
	buf = append(buf, `{"timestamp":`...)
	buf = AppendTimestamp(buf, e.Timestamp)
	buf = append(buf, `,"type":`...)
	buf = value.AppendString(buf, e.Type)
	buf = append(buf, `,"id":`...)
	buf = strconv.AppendInt(buf, e.ID, 10)
	buf = append(buf, `,"previousEventId":`...)
	buf = strconv.AppendInt(buf, e.PreviousEventID, 10)
	if key := DetailsKey(e.Type); key != "" {
		buf = append(buf, ',')
		buf = value.AppendString(buf, key)
		buf = append(buf, ':')
		if e.Details == nil {
			buf = append(buf, "{}"...)
		} else {
			buf = e.Details.AppendJSON(buf)
		}
	}
	return append(buf, '}')
}

// AppendTimestamp writes t as the JSON 1.0 protocol does: epoch seconds
// with a fraction (milliseconds).
func AppendTimestamp(buf []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	buf = strconv.AppendInt(buf, ms/1000, 10)
	if frac := ms % 1000; frac != 0 {
		buf = append(buf, '.')
		s := strconv.FormatInt(1000+frac, 10)[1:]
		buf = append(buf, strings.TrimRight(s, "0")...)
	}
	return buf
}

// MarshalHistory encodes events as a JSON array.
func MarshalHistory(events []Event) []byte {
	buf := []byte{'['}
	for i := range events {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = events[i].AppendJSON(buf)
	}
	return append(buf, ']')
}

// FormatTime writes t as Step Functions writes times in the context object:
// ISO-8601 in UTC with milliseconds.
func FormatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
