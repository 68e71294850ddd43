package intrinsic

import (
	"fmt"
	"math"

	"github.com/cairn-sfn/cairn/value"
)

// function describes one intrinsic: its name, how many arguments it takes
// (maxArgs < 0: any number from minArgs up) and its implementation.
type function struct {
	name    string
	minArgs int
	maxArgs int
	eval    func(e *callEnv, args []any) (any, error)
}

// lookup returns the function called name ("States.Format"), or nil. A
// switch rather than a package-level map keeps the table immutable.
func lookup(name string) *function {
	f := func(min, max int, eval func(*callEnv, []any) (any, error)) *function {
		return &function{name: name, minArgs: min, maxArgs: max, eval: eval}
	}
	switch name {
	case "States.Format":
		return f(1, -1, evalFormat)
	case "States.StringToJson":
		return f(1, 1, evalStringToJSON)
	case "States.JsonToString":
		return f(1, 1, evalJSONToString)
	case "States.Array":
		return f(0, -1, evalArray)
	case "States.ArrayPartition":
		return f(2, 2, evalArrayPartition)
	case "States.ArrayContains":
		return f(2, 2, evalArrayContains)
	case "States.ArrayRange":
		return f(3, 3, evalArrayRange)
	case "States.ArrayGetItem":
		return f(2, 2, evalArrayGetItem)
	case "States.ArrayLength":
		return f(1, 1, evalArrayLength)
	case "States.ArrayUnique":
		return f(1, 1, evalArrayUnique)
	case "States.Base64Encode":
		return f(1, 1, evalBase64Encode)
	case "States.Base64Decode":
		return f(1, 1, evalBase64Decode)
	case "States.Hash":
		return f(2, 2, evalHash)
	case "States.JsonMerge":
		return f(3, 3, evalJSONMerge)
	case "States.MathRandom":
		return f(2, 3, evalMathRandom)
	case "States.MathAdd":
		return f(2, 2, evalMathAdd)
	case "States.StringSplit":
		return f(2, 2, evalStringSplit)
	case "States.UUID":
		return f(0, 0, evalUUID)
	}
	return nil
}

// Names lists the 18 intrinsic functions, in AWS's documentation order.
func Names() []string {
	return []string{
		"States.Format", "States.StringToJson", "States.JsonToString", "States.Array",
		"States.ArrayPartition", "States.ArrayContains", "States.ArrayRange", "States.ArrayGetItem",
		"States.ArrayLength", "States.ArrayUnique", "States.Base64Encode", "States.Base64Decode",
		"States.Hash", "States.JsonMerge", "States.MathRandom", "States.MathAdd",
		"States.StringSplit", "States.UUID",
	}
}

func (f *function) arityMessage(n int) string {
	var want string
	switch {
	case f.maxArgs < 0:
		want = fmt.Sprintf("at least %d", f.minArgs)
	case f.minArgs == f.maxArgs:
		want = fmt.Sprintf("exactly %d", f.minArgs)
	default:
		want = fmt.Sprintf("%d to %d", f.minArgs, f.maxArgs)
	}
	noun := "arguments"
	if f.minArgs == 1 && f.maxArgs <= 1 {
		noun = "argument"
	}
	return fmt.Sprintf("%s takes %s %s, but %d %s given", f.name, want, noun, n, plural(n, "was", "were"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// failf builds the *Error a function returns.
func failf(format string, args ...any) error {
	return &Error{Cause: fmt.Sprintf(format, args...)}
}

// ordinal names an argument position for causes: "first", "second", ...
func ordinal(i int) string {
	names := [...]string{"first", "second", "third", "fourth", "fifth"}
	if i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%dth", i+1)
}

// The helpers below check one argument each and say what was wrong in the
// cause: the function, which argument, what it must be and what it was.

func typeError(e *callEnv, i int, want string, got any) error {
	return failf("The %s argument of %s must be %s, but it is %s", ordinal(i), e.name(), want, article(got))
}

// article names a value's JSON type with its article: "a string", "null".
func article(v any) string {
	switch k := value.Kind(v); k {
	case "null":
		return "null"
	case "array", "object":
		return "an " + k
	default:
		return "a " + k
	}
}

func (e *callEnv) name() string { return e.call.fn.name }

func stringArg(e *callEnv, args []any, i int) (string, error) {
	s, ok := args[i].(string)
	if !ok {
		return "", typeError(e, i, "a string", args[i])
	}
	return s, nil
}

func arrayArg(e *callEnv, args []any, i int) ([]any, error) {
	a, ok := args[i].([]any)
	if !ok {
		return nil, typeError(e, i, "an array", args[i])
	}
	return a, nil
}

func objectArg(e *callEnv, args []any, i int) (*value.Object, error) {
	o, ok := args[i].(*value.Object)
	if !ok {
		return nil, typeError(e, i, "an object", args[i])
	}
	return o, nil
}

// intArg reads an integer argument. AWS documents that a number with a
// fraction is rounded to the nearest integer, and the recordings show Java's
// Math.round (halves round up: -1.5 becomes -1); the result must fit a Java
// int.
func intArg(e *callEnv, args []any, i int) (int64, error) {
	n, ok := args[i].(value.Number)
	if !ok {
		return 0, typeError(e, i, "an integer", args[i])
	}
	r, ok := roundNumber(n)
	if !ok || r < math.MinInt32 || r > math.MaxInt32 {
		return 0, failf("The %s argument of %s must be an integer between %d and %d, but it is %s",
			ordinal(i), e.name(), math.MinInt32, math.MaxInt32, n)
	}
	return r, nil
}

// roundNumber rounds n as Java's Math.round does: to the nearest integer,
// halves toward positive infinity. ok is false when the result does not fit
// an int64.
func roundNumber(n value.Number) (int64, bool) {
	if n.IsInteger() {
		return n.Int()
	}
	f := n.Float()
	if math.IsNaN(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	fl := math.Floor(f)
	if f-fl >= 0.5 {
		fl++
	}
	return int64(fl), true
}
