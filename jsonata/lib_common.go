package jsonata

import (
	"math"
	"strconv"

	"github.com/cairn-sfn/cairn/value"
)

// Helpers shared by the lib_*.go function library. Names carry a lib
// prefix where a plainer name might clash with the evaluator's own helpers
// in the same package.

// libError builds a positionless library error with the reference
// implementation's code.
func libError(code string, val any, msg string) *Error {
	return &Error{Code: code, Position: -1, Value: val, Message: msg}
}

// libIsFunction reports whether v is a function value. The library only
// knows the JSON model, so anything outside it (and not undefined) is one
// of the evaluator's function types.
func libIsFunction(v any) bool {
	switch v.(type) {
	case nil, bool, float64, value.Number, string, []any, *value.Object, undefinedType:
		return false
	}
	return true
}

// libIsUndefined reports whether v is JSONata's undefined.
func libIsUndefined(v any) bool {
	_, ok := v.(undefinedType)
	return ok
}

// libSequence turns a list of results into the value a jsonata-js
// sequence collapses to: nothing is undefined, one item is that item.
func libSequence(items []any) any {
	switch len(items) {
	case 0:
		return undefined
	case 1:
		return items[0]
	}
	return items
}

// jsNumberString writes f as JavaScript's String(number) does.
func jsNumberString(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return value.FormatFloat(f)
}

// jsParseNumber reads s as JavaScript's unary + would for the decimal forms
// the library produces internally ("12e-3", "-4.5"); it returns NaN when s
// is not a number.
func jsParseNumber(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f
		}
		return math.NaN()
	}
	return f
}

// jsParseInt mimics JavaScript's parseInt(s, 10): optional white space and
// sign, then the longest run of decimal digits; NaN when there are none.
func jsParseInt(s string) float64 {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start {
		return math.NaN()
	}
	f, _ := strconv.ParseFloat(s[start:i], 64)
	if neg {
		f = -f
	}
	return f
}

// jsRound is JavaScript's Math.round: halves go towards +Infinity.
func jsRound(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) || f == math.Trunc(f) {
		return f
	}
	r := math.Floor(f)
	if f-r >= 0.5 {
		r++
	}
	return r
}

// jsToInteger is ECMAScript's ToIntegerOrInfinity for slicing arguments.
func jsToInteger(f float64) float64 {
	if math.IsNaN(f) {
		return 0
	}
	return math.Trunc(f)
}
