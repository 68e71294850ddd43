// Package asl reads Amazon States Language definitions.
//
// Parse turns a definition's JSON text into a StateMachine: every state with
// its fields checked and its paths, payload templates and intrinsic calls
// compiled, so that running a state does no parsing. Problems are collected,
// not stopped at: a *ValidationError lists each with its code and location,
// worded as AWS's CreateStateMachine reports InvalidDefinition.
//
// The package also evaluates the pieces of a definition that are pure
// functions of state data: templates (Template.Eval), single-valued fields
// (Expr.Eval) and Choice conditions (Condition.Eval). It never reads the
// clock or a random source; both come in through Env.
package asl
