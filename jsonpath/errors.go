package jsonpath

import "fmt"

// SyntaxError reports a path that does not parse, and where.
type SyntaxError struct {
	Offset int // byte offset in the source
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSONPath at offset %d: %s", e.Offset, e.Msg)
}

// NotFoundReason says why a definite path named nothing. Each reason has its
// own Jayway message, which AWS quotes in error causes.
type NotFoundReason uint8

const (
	// NoResults: the path ran to its end without a value (the last member
	// or index is missing). Jayway: "No results for path: $['a']['b']".
	NoResults NotFoundReason = iota
	// MissingProperty: a member before the last is missing.
	// Jayway: "Missing property in path $['a']".
	MissingProperty
	// NotAnObject: a member step met a value that is not an object.
	NotAnObject
	// NotAnArray: an index step met a value that is not an array.
	NotAnArray
	// NullValue: an index step met null.
	NullValue
	// UndefinedVariable: the path's variable is not set.
	UndefinedVariable
)

// NotFoundError reports that a definite path names no value in a document.
// Error returns Jayway's message text exactly; AWS builds causes such as
// "Invalid path '$.x' : No results for path: $['x']" from Path and Error().
type NotFoundError struct {
	Path   string         // the path's source text, as the state machine wrote it
	Reason NotFoundReason // which Jayway message applies
	// At is the canonical path Jayway's message quotes: the whole path for
	// NoResults, the prefix up to and including the missing member for
	// MissingProperty, the prefix before the failing step otherwise.
	At string
	// Step is the canonical form of the step that failed ("['b']", "[0]");
	// empty for NoResults and UndefinedVariable.
	Step string
	// Found is the value met where an object or array was needed
	// (NotAnObject, NotAnArray).
	Found any
}

func (e *NotFoundError) Error() string {
	switch e.Reason {
	case MissingProperty:
		return "Missing property in path " + e.At
	case NotAnObject:
		return fmt.Sprintf("Expected to find an object with property %s in path %s but found '%s'. "+
			"This is not a json object according to the JsonProvider: '%s'.", e.Step, e.At, javaClass(e.Found), jsonProvider)
	case NotAnArray:
		return fmt.Sprintf("Filter: %s can only be applied to arrays. Current context is: %s", e.Step, javaString(e.Found))
	case NullValue:
		return "The path " + e.At + " is null"
	case UndefinedVariable:
		return "Variable " + e.At + " is not defined"
	}
	return "No results for path: " + e.At
}

// SetError reports that Set could not place a value: the path steps through
// something that is not an object, or indexes outside an array.
type SetError struct {
	Path string // the path's source text
	At   string // canonical prefix where the step failed
	Msg  string
}

func (e *SetError) Error() string {
	return fmt.Sprintf("cannot set %s: %s at %s", e.Path, e.Msg, e.At)
}

// EvalError reports a failure while evaluating an indefinite path or a
// function (a function applied to the wrong kind of value, say).
type EvalError struct {
	Path string
	Msg  string
}

func (e *EvalError) Error() string { return e.Msg }
