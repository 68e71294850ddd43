// Package jsonpath compiles and evaluates JSONPath expressions with the
// semantics of Jayway JsonPath, the Java library AWS Step Functions uses.
//
// A path is compiled once, when a state machine is created, into a slice of
// steps, and evaluated many times. See Compile, Path.Eval, Path.Query and
// Path.Set.
package jsonpath
