// Package api serves the AWS Step Functions API over the AWS JSON 1.0
// protocol, so that the AWS CLI, the SDKs and Terraform work against Cairn
// unchanged:
//
//	POST /
//	X-Amz-Target: AWSStepFunctions.<Action>
//	Content-Type: application/x-amz-json-1.0
//
// New(cfg, deps) builds a Server; Server.Handler is its http.Handler. The
// same server backs `cairn serve` and the tests.
//
// # What the package does itself
//
// Resources: state machines (with revisions), versions, aliases, activities
// and tags, kept in a store.Resources. Every request is validated the way
// AWS validates it (names, ARNs, lengths, enums, JSON payloads), and every
// failure is an AWS-shaped error, {"__type": "...", "message": "..."}, with
// the status from the one error catalog in errors.go. Dates are written as
// the protocol writes them: epoch seconds with a millisecond fraction.
//
// # What it hands on
//
// Definitions are checked by an injected Validator (the asl package), whose
// diagnostics become InvalidDefinition messages and
// ValidateStateMachineDefinition results.
//
// Executions, activity tasks, Map Runs and TestState belong to the engine.
// The api validates those requests and routes them to the roles declared in
// engine.go (Executions, ActivityTasks, MapRuns, StateTester; Engine is all
// four). An engine reports AWS errors by returning *Error. While a role is
// unset its actions answer NotImplemented (HTTP 501).
//
// # Protocol details
//
//   - Unknown members in a request are ignored, as AWS does; members of the
//     wrong JSON type are a SerializationException.
//   - Request bodies are capped at Config.MaxRequestBytes (1 MiB).
//   - SigV4 signatures are accepted without verification.
//   - The Host header is not consulted, so the "sync-" host prefix that
//     SDKs add for StartSyncExecution and TestState needs no setup.
//   - Pagination tokens are opaque, bound to the list they came from.
//   - An unknown action or a missing X-Amz-Target header answers
//     UnknownOperationException.
package api
