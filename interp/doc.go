// Package interp is the deterministic core of Cairn: it runs a state
// machine one input at a time.
//
// An Execution holds everything about one execution that is not I/O. Apply
// takes an Input (the execution started, a task finished, a timer fired, a
// stop was requested, a redrive reopened it: redrive.go), advances every part of the execution that can go
// on, and returns a Step: the history events produced, in AWS's shapes, and
// the Commands for the shell (run a task, set a timer, cancel one).
//
// The caller's obligations:
//  1. Deliver inputs one at a time; each carries the time it happened at.
//     The interpreter never reads the clock.
//  2. Make a step's events durable before carrying out its commands.
//  3. Answer each RunTask with TaskSucceeded or TaskFailed, and each SetTimer
//     with TimerFired at or after its time, unless a Cancel command withdrew
//     it. Late or repeated answers are ignored.
//
// Given the same state machine, Info (including its Seed) and inputs, an
// execution produces the same events and commands: replaying the inputs
// rebuilds the state.
//
// Costs: a state transition is the hot path (see the benchmarks). Events
// carry typed Details that write their JSON on demand; a state's output is
// encoded to JSON text once, and that text serves as the exit event's
// output, the payload size check and the next state's input. $$ is built
// only for states whose fields may read it (asl.State.ReadsContext).
//
// A Map's ItemReader and ResultWriter (reader.go, writer.go) go through
// the shell too: the interpreter issues a RunTask for the reader's
// resource (arn:aws:states:::s3:getObject or listObjectsV2) with its
// evaluated Parameters, and parses the answer (the object's Body text, or
// the listing) into the items; after the iterations it issues one RunTask
// per object the writer puts (s3:putObject). These RunTasks record no
// events and are answered like any other, so they replay from the journal.
//
// An Inspector (Info.Inspector, see inspect.go) may watch the states: the
// value after each step of their input and output processing, how a
// failure is routed. TestState (package teststate) is built on it.
// Executions run without one and pay a nil check per step.
package interp
