package asl

import (
	"github.com/cairn-sfn/cairn/jsonpath"
)

// Query languages.
const (
	JSONPath = "JSONPath"
	JSONata  = "JSONata"
)

// State types.
const (
	TypePass     = "Pass"
	TypeTask     = "Task"
	TypeChoice   = "Choice"
	TypeWait     = "Wait"
	TypeSucceed  = "Succeed"
	TypeFail     = "Fail"
	TypeParallel = "Parallel"
	TypeMap      = "Map"
)

// StateMachine is a parsed, validated definition. It is immutable and may be
// shared by any number of executions.
type StateMachine struct {
	Comment        string
	Version        string
	TimeoutSeconds int // 0: none
	QueryLanguage  string
	Graph          // the top-level StartAt and States
}

// Graph is a set of states with an entry point: the state machine itself, a
// Parallel branch, or a Map's item processor.
type Graph struct {
	StartAt string
	States  map[string]*State
	Names   []string // state names in definition order

	// ProcessorMode and ExecutionType come from a Map's ProcessorConfig.
	ProcessorMode string // "INLINE" (default) or "DISTRIBUTED"
	ExecutionType string // for DISTRIBUTED: "STANDARD" or "EXPRESS"
}

// State is one state of any type; fields that do not belong to its type are
// zero.
type State struct {
	Name          string
	Type          string
	Comment       string
	QueryLanguage string // resolved: the state's own or the machine's
	Next          string
	// ReadsContext is false only when no field of the state (leaving out
	// its Branches and ItemProcessor, which are states of their own) can
	// read the context object: no string in it contains "$$". JSONata
	// states always count as reading it ($states.context). Interpreters
	// use it to skip building $$.
	ReadsContext bool
	End          bool

	// Input and output processing (JSONPath).
	InputPath      OptPath
	OutputPath     OptPath
	ResultPath     OptPath
	Parameters     *Template // Pass, Task, Parallel; Map's legacy item selector is ItemSelector
	ResultSelector *Template
	Result         any  // Pass
	HasResult      bool // Pass had a Result field

	// JSONata and variables.
	Arguments *Template
	Output    *Template
	Assign    *Template

	Retry []*Retrier
	Catch []*Catcher

	// Task.
	Resource         string
	TimeoutSeconds   *Expr // number, JSONata, or (JSONPath) TimeoutSecondsPath
	HeartbeatSeconds *Expr
	Credentials      *Template

	// Choice.
	Choices []*ChoiceRule
	Default string

	// Wait: exactly one of these is set.
	Seconds   *Expr
	Timestamp *Expr

	// Fail.
	Error *Expr
	Cause *Expr

	// Parallel.
	Branches []*Graph

	// Map.
	ItemsPath                  OptPath
	Items                      *Template // JSONata
	ItemSelector               *Template
	ItemProcessor              *Graph
	MaxConcurrency             *Expr
	ToleratedFailurePercentage *Expr
	ToleratedFailureCount      *Expr
	Label                      string
	ItemReader                 any // kept as written, for the distributed Map
	ItemBatcher                any
	ResultWriter               any
}

// OptPath is an optional JSONPath field. Absent means the default ("$");
// an explicit JSON null is Null.
type OptPath struct {
	Path *jsonpath.Path // nil when absent or null
	Null bool
}

// Set reports whether the field was given a path.
func (p OptPath) Set() bool { return p.Path != nil }

// Retrier is one element of a Retry array.
type Retrier struct {
	ErrorEquals     []string
	IntervalSeconds int     // default 1
	MaxAttempts     int     // default 3
	BackoffRate     float64 // default 2.0
	MaxDelaySeconds int     // 0: no cap
	JitterStrategy  string  // "FULL" or "NONE" (default)
}

// Catcher is one element of a Catch array.
type Catcher struct {
	ErrorEquals []string
	Next        string
	ResultPath  OptPath
	Assign      *Template
	Output      *Template
}

// ChoiceRule is a top-level choice: a condition and where it leads.
type ChoiceRule struct {
	Condition *Condition
	Next      string
	Assign    *Template
	Output    *Template
}

// Condition is a boolean expression of a Choice state.
type Condition struct {
	// Op is And, Or, Not, a comparison operator such as StringEquals or
	// NumericLessThanPath, an Is* test, or "JSONata" for a JSONata Condition.
	Op       string
	Variable *jsonpath.Path
	// Value is the comparison operand: a literal, or (for …Path operators) a
	// path in ValuePath.
	Value     any
	ValuePath *jsonpath.Path
	Children  []*Condition // And, Or (Not has one)
	Expr      *Expr        // JSONata Condition
}

// MatchesError reports whether an error name is covered by errorEquals,
// with States.ALL matching everything but States.Runtime and
// States.TaskFailed matching task errors only as AWS defines.
func MatchesError(errorEquals []string, name string) bool {
	for _, e := range errorEquals {
		switch {
		case e == name:
			return true
		case e == "States.ALL" && name != "States.Runtime":
			return true
		case e == "States.TaskFailed" && isTaskFailure(name):
			return true
		}
	}
	return false
}

func isTaskFailure(name string) bool {
	switch name {
	case "States.Runtime", "States.BranchFailed", "States.NoChoiceMatched",
		"States.IntrinsicFailure", "States.ExceedToleratedFailureThreshold",
		"States.ItemReaderFailed", "States.ResultWriterFailed",
		"States.QueryEvaluationError", "States.Timeout", "States.HeartbeatTimeout":
		return false
	}
	return true
}
