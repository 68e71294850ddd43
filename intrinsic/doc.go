// Package intrinsic compiles and evaluates the Amazon States Language
// intrinsic functions, the States.* calls that JSONPath states write in
// fields ending in ".$":
//
//	"greeting.$": "States.Format('Hello, {}!', $.name)"
//
// All 18 are supported: States.Format, StringToJson, JsonToString, Array,
// ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem, ArrayLength,
// ArrayUnique, Base64Encode, Base64Decode, Hash, JsonMerge, MathRandom,
// MathAdd, StringSplit and UUID.
//
// A call is compiled once, when the state machine is created (Compile), and
// evaluated on every transition (Call.Eval). Compile checks the syntax, the
// function names, the number of arguments and the path arguments, and
// reports problems as *SyntaxError with a byte offset. Everything that
// depends on data is checked by Eval, which reports it as *Error whose Cause
// the interpreter surfaces as States.IntrinsicFailure.
//
// Arguments are string literals in single quotes (escapes \' \{ \} \\),
// numbers, true, false, null, JSONPath paths ($.a, $$.Execution.Id,
// $variable.x, compiled by package jsonpath) and nested calls, up to
// MaxDepth deep.
//
// The caller's obligations:
//
//  1. Pass Eval the state input, the context object and the variables in a
//     *jsonpath.Env.
//  2. Pass Eval a random source for States.UUID and States.MathRandom without
//     a seed; record what it draws if executions must replay identically.
//  3. Treat an error from package jsonpath (*jsonpath.NotFoundError when a
//     path argument names nothing) as a path failure, not an intrinsic
//     failure: Eval returns it unchanged. Only *Error is an intrinsic
//     failure.
//
// Behaviour follows recordings of real AWS where they exist and AWS's
// documentation otherwise: numbers with a fraction are rounded as Java's
// Math.round where an integer is wanted, States.Format prints objects and
// arrays as Java's Map and List do, States.StringSplit splits as Java's
// StringTokenizer, and States.MathRandom with a seed uses Java's
// java.util.Random sequence.
package intrinsic
