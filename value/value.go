// Package value is the decoded JSON data that flows between states.
//
// A value is an `any` holding exactly one of:
//
//	nil        JSON null
//	bool       true / false
//	Number     a number, kept as its JSON text
//	string     a string
//	[]any      an array of values
//	*Object    an object whose keys keep their order
//
// JSON text is decoded once when it enters the engine and encoded once when
// it is written out; in between, states pass these values. Values are
// treated as immutable once built: code that derives a new value copies the
// containers it changes and shares the rest.
package value

import (
	"fmt"
	"math"
	"strconv"
)

// Number is a JSON number held as its JSON text, so that a number passes
// through a workflow exactly as it came in ("1.0" stays "1.0", a 20-digit
// integer keeps every digit), as it does on AWS.
type Number string

// Float returns the number as a float64.
func (n Number) Float() float64 {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		// Only reachable for text that is not a JSON number, which the
		// constructors in this package never produce; out-of-range text
		// yields ±Inf from ParseFloat with a nil error... except on syntax.
		return math.NaN()
	}
	return f
}

// Int returns the number as an int64 and whether it is an integer that fits.
// "2.0" counts as the integer 2.
func (n Number) Int() (int64, bool) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i, true
	}
	f := n.Float()
	if f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

// IsInteger reports whether the number's text is written as an integer
// (no fraction and no exponent), the way Jackson tells an IntNode from a
// DoubleNode.
func (n Number) IsInteger() bool {
	for i := 0; i < len(n); i++ {
		switch n[i] {
		case '.', 'e', 'E':
			return false
		}
	}
	return len(n) > 0
}

// Int makes a Number from an int.
func Int(i int64) Number { return Number(strconv.FormatInt(i, 10)) }

// Float makes a Number from a float64, written the way JavaScript writes
// numbers (integers without a fraction, shortest round-trip digits,
// exponent form outside [1e-6, 1e21)). NaN and infinities have no JSON form;
// the caller must reject them first, and they are written as null here.
func Float(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return Number(FormatFloat(f))
}

// FormatFloat writes f as JavaScript's Number.prototype.toString does.
func FormatFloat(f float64) string {
	if f == 0 {
		return "0"
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	abs := math.Abs(f)
	if abs >= 1e-6 && abs < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	// Go writes e+21 / e-07; JavaScript writes e+21 / e-7.
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' {
			mant, exp := s[:i], s[i+1:]
			sign := exp[0]
			digits := exp[1:]
			for len(digits) > 1 && digits[0] == '0' {
				digits = digits[1:]
			}
			return mant + "e" + string(sign) + digits
		}
	}
	return s
}

// Kind names the JSON type of v: "null", "boolean", "number", "string",
// "array" or "object". It panics on a value outside the model, which is a
// programming error.
func Kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case *Object:
		return "object"
	}
	panic(fmt.Sprintf("value: %T is not a JSON value", v))
}
