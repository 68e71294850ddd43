// Package jsonata is a native Go implementation of JSONata 2.x
// (https://docs.jsonata.org), the JSON query and transformation language,
// measured against the official jsonata-js test suite.
//
// Compile an expression once and evaluate it many times, concurrently if
// need be:
//
//	e, err := jsonata.Compile(`{"total": $sum(items.price), "ids": items[price > 10].id}`)
//	...
//	out, err := e.Eval(input, &jsonata.Options{Now: now})
//
// Input and output are values of package github.com/cairn-sfn/cairn/value
// (nil, bool, value.Number, string, []any, *value.Object). A result may be
// undefined (no value), which differs from null: test it with IsUndefined.
//
// Evaluation is deterministic: $now() and $millis() return Options.Now
// (and fail when it is zero), and $random and $shuffle draw from
// Options.Rand or a generator seeded from Options.Now. Options.MaxDepth
// bounds recursion and Options.Timeout the running time; both fail with
// code U1001, as the reference test suite expects.
//
// Errors are *Error values carrying jsonata-js's error codes (S0201,
// T2001, D3001, …), the position in the expression and the offending
// token or value.
//
// Regular expressions are JavaScript's syntax translated to Go's RE2;
// look-around assertions and back-references, which RE2 lacks, are
// reported as errors when the expression is compiled.
package jsonata
