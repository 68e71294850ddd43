// Package tracing turns Cairn's work into OpenTelemetry traces: a span per
// API request (Handler) and, for each Standard execution, a trace with a
// span for the execution, a child span per state run and, under a Task
// state's span, a span per invocation of its resource (Observer).
//
// The engine does not know about tracing: it reports each committed step
// (engine.Observer) and this package derives spans from the step's history
// events, as GetExecutionHistory shows them.
//
// Executions outlive processes and move between nodes, so no span stays
// open in memory across steps. A span is emitted, complete, when what it
// covers ends: a state's span when the state exits (start and end taken
// from its StateEntered and StateExited events), a task's when its answer
// is recorded, the execution's when it ends. Ids are not random but
// derived from the execution ARN and event ids, so spans emitted by
// different processes or nodes join the same trace under the right
// parents:
//
//   - the trace id is the one in the execution's traceHeader (an X-Ray
//     header, Root=1-…;Parent=…, or a W3C traceparent), whose span becomes
//     the execution span's parent; without one it is a hash of the ARN;
//   - the execution span's id is a hash of the ARN, a state's a hash of the
//     ARN and its StateEntered event id, a task's of its Scheduled event's.
//
// A node that sees an execution's step without having seen the earlier
// ones (it restarted, or took the execution over) reads the execution's
// history once to learn which states are open and since when. Spans
// exported by a process that then crashed before flushing are lost.
//
// The StartExecution request's span and the execution span are joined by
// links both ways when the request carried no trace header (the execution
// trace is then its own); with a header the execution is a child of the
// caller's span.
package tracing
