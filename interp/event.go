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
	// Details holds the members of the event's details object (input and
	// output as JSON text, as AWS records them); nil for events without one.
	Details *value.Object
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
		"WaitStateAborted", "TaskStateAborted", "MapRunSucceeded":
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
			buf = value.Append(buf, e.Details)
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
