// Package conformance measures Cairn against the cases recorded from real
// AWS Step Functions in ../shared/conformance/cases.jsonl (see the README
// beside that file, which this package implements).
//
// A case pairs a definition and an input with what AWS answered: status,
// output or error and cause, and for kind "execution" the full
// GetExecutionHistory, normalised by LocalStack's snapshot library. A test
// runs each case through the engine with a Runner, and Compare pushes the
// engine's answer through the same normalisation before comparing:
//
//  0. map our account, region and role ARN onto the recorded fake ones;
//  1. sort object keys;
//  2. parse object members holding JSON object text, one level only;
//  3. structural rules, then the case's own normalizers in order (regex,
//     jsonpath, key_value, other/*, generic/_convert_output_to_json), then
//     LocalStack's generic rules (UUID ids, timestamps, ResponseMetadata);
//  4. serialise as Python's json.dumps would, apply the text substitutions
//     in the order they were registered, and parse back.
//
// Our output, error and cause are normalised together with our history, as
// a terminal event's details, so that replacements found in the history
// reach them too.
//
// Compare reports four levels, each measured on its own:
//
//   - L1: the status matches, and the output (when AWS recorded one) is
//     JSON-equal (1 equals 1.0) or the error name is equal.
//   - L2: L1 and the cause text is equal.
//   - L3: the sequence of history event types is equal. Events that the
//     parallel transformer made order-independent (id [0]) are compared as
//     a multiset. For INCOMPLETE_HISTORY only the recorded prefix counts
//     (and L1 wants status RUNNING).
//   - L4: L3 and every event is equal, numbers strictly by their text
//     (1 differs from 1.0), leaving out the case's
//     localstack_skip_verify_paths on both sides.
//
// L3 and L4 apply only to cases with a recorded history; Levels says
// whether they were compared and Report counts them apart. On the recorded
// side a <...> token, or the replacement of a <stub:...> normalizer,
// matches any text, unless that text occurs in what the test sent (its
// definition or input), where it is data such as "<omitted>".
//
// Run drives a whole set and returns a Report; WriteBaseline and
// CheckBaseline keep a committed list of the levels each case passed, so a
// test can fail on regressions while the engine grows.
package conformance
