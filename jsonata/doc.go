// Package jsonata is a native Go implementation of JSONata 2.x
// (https://docs.jsonata.org), the JSON query and transformation language.
// It is measured against the official jsonata-js test suite, every case of
// which it passes (bar three whose data holds lone UTF-16 surrogates, which
// Go strings cannot carry), and against jsonata-js itself on randomly
// generated expressions.
//
// # Use
//
// Compile an expression once and evaluate it many times, concurrently if
// need be:
//
//	e, err := jsonata.Compile(`{"total": $sum(items.price), "ids": items[price > 10].id}`)
//	if err != nil { … } // a *jsonata.Error with Code, Position and Token
//	out, err := e.Eval(input, &jsonata.Options{Now: now})
//
// Input, bindings and results are values of package
// github.com/cairn-sfn/cairn/value: nil, bool, value.Number, string, []any
// and *value.Object. Numbers from the input pass through untouched (as
// their JSON text); computed numbers are written the way JavaScript
// writes them. A result may be undefined (no value), which differs from
// null: test it with IsUndefined; Undefined gives the value for an input.
//
// Host functions are added per evaluation with Options.Functions, each
// with an optional JSONata signature ("<s-n?:s>") that is checked before
// the function runs, as for the built-in library.
//
// # Determinism and limits
//
// Evaluation reads neither the clock nor a random source of its own:
// $now() and $millis() return Options.Now (and fail with D3200 when it is
// zero), and $random and $shuffle draw from Options.Rand, or from a
// generator seeded from Options.Now, so the same options give the same
// results.
//
// Options.MaxDepth bounds the nesting of evaluation (each level of a
// non-tail recursive function takes about three), DefaultMaxDepth when
// zero; tail calls run in constant depth. Options.Timeout bounds the
// running time, checked between evaluation steps (a single library call,
// such as padding a string to a huge width, is not interrupted). Both fail
// with code U1001, the code the reference test suite expects. The parser
// refuses expressions nested deeper than a few hundred levels.
//
// # Errors
//
// Errors are *Error values carrying jsonata-js's codes (S0201, T2001,
// D3001, …), the position in the expression and the offending token or
// value. Codes of this package's own: U1001 (a limit was hit), U1002
// (CodeFunctionResult: the result is a function, which has no JSON form),
// S0303 (a regular expression Go cannot run), D3200 (the clock is needed
// but Options.Now is zero), U1000 (an internal error, reported rather
// than crashing).
//
// # Differences from jsonata-js
//
// Regular expressions are JavaScript syntax translated to Go's RE2:
// look-around assertions and back-references are rejected when the
// expression is compiled; match offsets are reported in UTF-16 units as in
// JavaScript. Where jsonata-js evaluates the items of an array or object
// constructor concurrently and several of them fail, it may report a
// different one of the errors than this package, which reports the first.
// Objects built by the expression put array-index keys ("0", "12") first,
// as JavaScript objects do; objects from the input keep their order.
package jsonata
