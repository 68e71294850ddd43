package jsonata

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// numericLibrary holds the numeric functions and aggregates. $random is
// not here: randomness is the evaluator's input, and it registers
// randomBuiltin over its own source.
func numericLibrary() []builtin {
	return []builtin{
		{"number", "<(nsb)-:n>", fnNumber},
		{"abs", "<n-:n>", mathFunction(math.Abs)},
		{"floor", "<n-:n>", mathFunction(math.Floor)},
		{"ceil", "<n-:n>", mathFunction(math.Ceil)},
		{"round", "<n-n?:n>", fnRound},
		{"power", "<n-n:n>", fnPower},
		{"sqrt", "<n-:n>", fnSqrt},
		{"sum", "<a<n>:n>", fnSum},
		{"max", "<a<n>:n>", aggregate("max", math.Max)},
		{"min", "<a<n>:n>", aggregate("min", math.Min)},
		{"average", "<a<n>:n>", fnAverage},
		{"formatBase", "<n-n?:s>", fnFormatBase},
	}
}

// randomBuiltin is $random drawing from source, which returns [0, 1).
func randomBuiltin(source func() float64) builtin {
	return builtin{"random", "<:n>", func([]any) (any, error) { return source(), nil }}
}

func mathFunction(op func(float64) float64) func([]any) (any, error) {
	return func(args []any) (any, error) {
		f, ok := argNumber(args, 0)
		if !ok {
			return undefined, nil
		}
		return op(f) + 0, nil // + 0 turns -0 into 0, as JSON has no -0
	}
}

var (
	decimalNumberText = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$`)
	// The alternation is unanchored in jsonata-js as well: the first
	// branch only needs to start the string and the last to end it.
	prefixedNumberText = regexp.MustCompile(`^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$`)
)

// castNumber is $number for a string or boolean: decimal text, 0x/0o/0b
// integers, true and false. ok is false where jsonata-js throws D3030.
func castNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		if decimalNumberText.MatchString(x) {
			f, err := strconv.ParseFloat(x, 64)
			if err != nil || math.IsInf(f, 0) {
				return 0, false
			}
			return f, true
		}
		if prefixedNumberText.MatchString(x) {
			return jsPrefixedInteger(x), true
		}
		return 0, false
	}
	return toFloat(v)
}

// jsPrefixedInteger is JavaScript's Number() of a 0x/0o/0b literal; NaN
// for anything else.
func jsPrefixedInteger(s string) float64 {
	s = strings.TrimSpace(s)
	if len(s) < 3 || s[0] != '0' {
		return math.NaN()
	}
	base := 0
	switch s[1] {
	case 'x', 'X':
		base = 16
	case 'o', 'O':
		base = 8
	case 'b', 'B':
		base = 2
	default:
		return math.NaN()
	}
	n, ok := new(big.Int).SetString(s[2:], base)
	if !ok {
		return math.NaN()
	}
	f, _ := new(big.Float).SetInt(n).Float64()
	return f
}

func fnNumber(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	f, ok := castNumber(args[0])
	if !ok {
		return nil, libError("D3030", args[0], "unable to cast value to a number")
	}
	return f, nil
}

// shiftDecimal multiplies f by 10^places by editing its decimal text, as
// jsonata-js does to keep binary noise out of rounding.
func shiftDecimal(f float64, places int) float64 {
	s := jsNumberString(f)
	mant, exp := s, 0
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		mant = s[:i]
		exp, _ = strconv.Atoi(s[i+1:])
	}
	return jsParseNumber(mant + "e" + strconv.Itoa(exp+places))
}

// roundHalfEven is $round: half-way cases go to the even neighbour, at
// precision decimal places (negative precision rounds to tens, hundreds…).
func roundHalfEven(f float64, precision int) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return f
	}
	if precision != 0 {
		f = shiftDecimal(f, precision)
	}
	r := jsRound(f)
	if math.Abs(r-f) == 0.5 && math.Abs(math.Mod(r, 2)) == 1 {
		r--
	}
	if precision != 0 {
		r = shiftDecimal(r, -precision)
	}
	return r + 0
}

func fnRound(args []any) (any, error) {
	f, ok := argNumber(args, 0)
	if !ok {
		return undefined, nil
	}
	p, _ := argNumber(args, 1)
	return roundHalfEven(f, clampInt(p)), nil
}

// clampInt truncates f to an int small enough for exponent arithmetic.
func clampInt(f float64) int {
	if math.IsNaN(f) {
		return 0
	}
	return int(math.Max(-1e6, math.Min(1e6, math.Trunc(f))))
}

func fnPower(args []any) (any, error) {
	base, ok := argNumber(args, 0)
	if !ok {
		return undefined, nil
	}
	exp, _ := argNumber(args, 1)
	r := math.Pow(base, exp)
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return nil, libError("D3061", base, "the power function has resulted in a value that cannot be represented as a JSON number")
	}
	return r, nil
}

func fnSqrt(args []any) (any, error) {
	f, ok := argNumber(args, 0)
	if !ok {
		return undefined, nil
	}
	if f < 0 {
		return nil, libError("D3060", f, "the sqrt function cannot be applied to a negative number")
	}
	return math.Sqrt(f), nil
}

// numberList reads an aggregate's argument: an array of numbers, or one
// number. ok is false for undefined.
func numberList(name string, args []any) ([]float64, bool, error) {
	if !argDefined(args, 0) {
		return nil, false, nil
	}
	items, isArray := args[0].([]any)
	if !isArray {
		items = []any{args[0]}
	}
	out := make([]float64, 0, len(items))
	for _, e := range items {
		f, ok := toFloat(e)
		if !ok {
			return nil, false, libError("T0412", args[0], "argument 1 of function $"+name+" must be an array of numbers")
		}
		out = append(out, f)
	}
	return out, true, nil
}

func fnSum(args []any) (any, error) {
	nums, ok, err := numberList("sum", args)
	if !ok {
		return undefined, err
	}
	total := 0.0
	for _, f := range nums {
		total += f
	}
	return total, nil
}

func aggregate(name string, pick func(a, b float64) float64) func([]any) (any, error) {
	return func(args []any) (any, error) {
		nums, ok, err := numberList(name, args)
		if !ok || len(nums) == 0 {
			return undefined, err
		}
		r := nums[0]
		for _, f := range nums[1:] {
			r = pick(r, f)
		}
		return r, nil
	}
}

func fnAverage(args []any) (any, error) {
	nums, ok, err := numberList("average", args)
	if !ok || len(nums) == 0 {
		return undefined, err
	}
	total := 0.0
	for _, f := range nums {
		total += f
	}
	return total / float64(len(nums)), nil
}

// formatBase is $formatBase: both arguments rounded half-to-even, the
// radix within 2..36.
func formatBase(f float64, radix float64) (string, error) {
	f = roundHalfEven(f, 0)
	radix = roundHalfEven(radix, 0)
	if !(radix >= 2 && radix <= 36) {
		return "", libError("D3100", radix, "the radix of the formatBase function must be between 2 and 36")
	}
	if radix == 10 || math.IsNaN(f) || math.IsInf(f, 0) {
		return jsNumberString(f), nil
	}
	return jsIntegerToRadix(f, int(radix)), nil
}

// jsIntegerToRadix writes an integral f in base radix as V8's
// Number.prototype.toString(radix) does: digits beyond the double's
// precision (from 2^53 on) are written as zeros.
func jsIntegerToRadix(f float64, radix int) string {
	const digitChars = "0123456789abcdefghijklmnopqrstuvwxyz"
	neg := f < 0
	f = math.Abs(f)
	var rev []byte
	r := float64(radix)
	for f/r >= 1<<53 {
		f /= r
		rev = append(rev, '0')
	}
	for {
		rem := math.Mod(f, r)
		rev = append(rev, digitChars[int(rem)])
		f = (f - rem) / r
		if f <= 0 {
			break
		}
	}
	if neg {
		rev = append(rev, '-')
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return string(rev)
}

func fnFormatBase(args []any) (any, error) {
	f, ok := argNumber(args, 0)
	if !ok {
		return undefined, nil
	}
	radix := 10.0
	if r, ok := argNumber(args, 1); ok {
		radix = r
	}
	s, err := formatBase(f, radix)
	if err != nil {
		return nil, err
	}
	return s, nil
}
