package jsonata

import (
	"fmt"

	"github.com/cairn-sfn/cairn/value"
)

// Error is a JSONata error carrying the reference implementation's code.
type Error struct {
	Code     string // "T2001", "S0201", "D3001", …
	Position int    // character offset in the expression; -1 when unknown
	Token    string // the offending token, when there is one
	Value    any    // the offending value, when there is one
	Message  string // human-readable text
}

func (e *Error) Error() string {
	if e.Position >= 0 {
		return fmt.Sprintf("%s at position %d: %s", e.Code, e.Position, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// undefinedType is JSONata's "no value", which differs from null.
type undefinedType struct{}

// undefined is the single value of undefinedType.
var undefined any = undefinedType{}

// builtin is a library function. The evaluator checks the arguments
// against signature (JSONata's signature syntax, e.g. "<s-nn?:s>") and
// substitutes the context for "-" before calling fn, so fn sees arguments
// of the declared types. Absent optional arguments are undefined.
//
// Within this package, numbers are float64 when computed and value.Number
// when they come from input data; toFloat reads either.
type builtin struct {
	name      string // without the leading '$'
	signature string
	fn        func(args []any) (any, error)
}

// toFloat reads a number in either of the package's number forms.
func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case value.Number:
		if f, ok := parseShortNumber(n); ok {
			return f, true
		}
		return n.Float(), true
	}
	return 0, false
}

// callable is implemented by every function value the evaluator passes
// around: lambdas, builtins, partial applications and regexes.
type callable interface {
	arity() int // how many arguments the function declares
}

// isFunction reports whether v is a function value. Library functions see
// functions only as opaque values ($type gives "function", $string "").
//
// Arrays reach fn as []any (the evaluator converts its internal sequences
// first), objects as *value.Object, numbers as float64 or value.Number.
func isFunction(v any) bool {
	_, ok := v.(callable)
	return ok
}
