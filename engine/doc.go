// Package engine is the runtime shell around the interpreter: it delivers
// inputs to executions, runs their tasks, keeps their timers and records
// their histories.
//
// Run executes one execution to its end in memory. Time is virtual unless a
// wait scale is set, so a workflow that waits a day finishes at once, with
// the history it would have had.
package engine
