// Package asl reads Amazon States Language definitions.
//
// Parse (or ParseFor, which adds the checks that depend on the machine's
// type) turns a definition's JSON text into a StateMachine: every state with
// its fields checked and its paths, payload templates and intrinsic calls
// compiled, so that running a state does no parsing.
//
// Validation follows AWS's ValidateStateMachineDefinition, in its stages:
//
//  1. The text must be a JSON object (INVALID_JSON_DESCRIPTION,
//     SCHEMA_VALIDATION_FAILED).
//  2. The schema: required, unknown and other-query-language fields, types,
//     ranges and enumerations, paths, templates, Choice rules, Retry and
//     Catch (SCHEMA_VALIDATION_FAILED, INVALID_RESOURCE, INVALID_STATE_NAME,
//     INVALID_LABEL_NAME), every problem in document order.
//  3. Only for a definition whose schema holds: state names unique across
//     the whole machine (DUPLICATE_STATE_NAME; DUPLICATE_LABEL_NAME for Map
//     labels), transitions naming existing states, a terminal state at the
//     top level (MISSING_END_STATE, which AWS reports without a location and
//     which hides the next check) and no state that nothing leads to
//     (MISSING_TRANSITION_TARGET).
//
// A *ValidationError lists the diagnostics with AWS's codes, wording and
// locations (/States/A/Choices[0]/Next); its Error method words them as
// CreateStateMachine's InvalidDefinition message.
//
// JSONata states are checked for their fields; their "{% … %}" expressions
// are kept as written (Expr.JSONata, literal templates) for the JSONata
// engine.
//
// The package also evaluates the pieces of a definition that are pure
// functions of state data: templates (Template.Eval), single-valued fields
// (Expr.Eval) and Choice conditions (Condition.Eval). It never reads the
// clock or a random source; both come in through Env.
package asl
