package interp

import (
	"time"

	"github.com/cairn-sfn/cairn/asl"
)

// Stage names a point of a state's input and output processing that an
// Inspector sees.
type Stage uint8

// The stages, in the order a state passes them.
const (
	StageInput                      Stage = iota // the state's raw input
	StageAfterInputPath                          // InputPath applied
	StageAfterParameters                         // Parameters applied (JSONPath Pass, Task, Parallel; the effective input without)
	StageAfterArguments                          // Arguments evaluated (JSONata Task, Parallel)
	StageAfterItemsPath                          // a Map's items (ItemsPath or Items)
	StageMaxConcurrency                          // a Map's MaxConcurrency (0 when unset), a value.Number
	StageToleratedFailureCount                   // a distributed Map's, when set, a value.Number
	StageToleratedFailurePercentage              // likewise
	StageResult                                  // a task's result, or a Pass state's Result
	StageAfterResultSelector                     // the result after ResultSelector (the result without)
	StageAfterResultPath                         // ResultPath applied (JSONPath)
	StageOutput                                  // the state's output as it leaves
	StageNext                                    // the state it leaves for, a string ("" at the end)
	StageAssigned                                // the variables it assigns, a *value.Object (when any)
)

// Route is what the interpreter does with a state's failure.
type Route struct {
	// Retrier is the index of the first retrier whose ErrorEquals
	// matches, or -1. Retry says it retries (it was not exhausted), after
	// Delay.
	Retrier int
	Retry   bool
	Delay   time.Duration
	// Catcher is the index of the catcher that handles the failure, or
	// -1.
	Catcher int
}

// An Inspector watches states being processed: TestState's inspection
// data. Executions run without one (Info.Inspector nil), and then the
// interpreter pays one nil check per stage.
//
// Every method gets the state concerned; an Inspector of one state
// compares the pointer. Methods are called from Apply and must not call
// back into the Execution.
type Inspector interface {
	Inspect(s *asl.State, stage Stage, v any)
	// Fanout is asked before a Parallel or Map state starts its branches
	// or iterations (items is the Map's items, nil for Parallel). With ok
	// true none start: a failure fails the state, else result is its
	// result, as if every child had run.
	Fanout(s *asl.State, items []any) (result any, failure *asl.Failure, ok bool)
	// ReaderItems is asked for the items of a Map with an ItemReader,
	// which the interpreter does not read itself; ok false leaves the
	// items to be the effective input.
	ReaderItems(s *asl.State) (items any, ok bool)
	// Retries is how many times retrier i of s has retried already when s
	// first fails.
	Retries(s *asl.State, retrier int) int
	// Routed tells how a failure of s is handled.
	Routed(s *asl.State, f *asl.Failure, r Route)
}

// inspect reports a stage of t's state to the Inspector, if there is one.
func (x *Execution) inspect(t *thread, stage Stage, v any) {
	if x.info.Inspector != nil {
		x.info.Inspector.Inspect(t.state, stage, v)
	}
}
