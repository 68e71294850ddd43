// Package teststate runs AWS Step Functions' TestState action: one state,
// given alone or picked from a whole definition by name, on one input.
//
// The state is not interpreted here. It is wrapped into a one-state
// machine (each state it may go to becomes a Succeed placeholder) and run
// by interp with an Inspector that watches it. The Inspector records the
// values inspectionData reports (input, afterInputPath, afterParameters,
// result, afterResultSelector, afterResultPath, …), stands in for the
// children of a mocked Parallel or Map, seeds retrierRetryCount, and learns
// how a failure is routed: a retry that would happen is RETRIABLE, a catch
// is CAUGHT_ERROR with the catcher's output and next state. The run stops
// as soon as the state has left, failed or would wait for a retry.
//
// Task results come from the request's mock, or from an engine.Invoker
// for unmocked tasks. What AWS reports and what it leaves out was taken
// from recordings of real AWS (../shared/conformance, kind test_state);
// the quirks are listed in inspection.go.
package teststate
