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
	// NotAnArray: an index or slice step met a value that is not an array
	// (null included: Jackson holds JSON null as a node, not a Java null).
	NotAnArray
	// UndefinedVariable: the path's variable is not set; At is "$name".
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
	// Step is the canonical form Jayway's message quotes: the failing
	// member ("['b']") for NotAnObject, the failing step and the rest of
	// the path ("[0]['c']") for NotAnArray; empty otherwise.
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

// EvalError reports a failure other than a missing value: a function given
// nothing to aggregate, a filter applied to a primitive, an evaluation too
// large to finish. Msg is Jayway's message where Jayway has one.
type EvalError struct {
	Path string // the path's source text
	Msg  string
	// invalid marks Jayway's InvalidPathException, which a filter treats as
	// "no match" rather than as a failure of the whole evaluation.
	invalid bool
}

func (e *EvalError) Error() string { return e.Msg }
