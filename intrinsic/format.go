package intrinsic

import (
	"math"
	"strconv"
	"strings"

	"github.com/cairn-sfn/cairn/value"
)

// evalFormat implements States.Format(template, values...): each {} in the
// template is replaced by the next value, printed as Java prints it.
func evalFormat(e *callEnv, args []any) (any, error) {
	parts := e.call.tmpl
	if parts == nil {
		s, err := stringArg(e, args, 0)
		if err != nil {
			return nil, err
		}
		// A template read from the input has no escapes: every {} is a
		// placeholder and every other character stands for itself.
		parts = strings.Split(s, "{}")
	}
	vals := args[1:]
	if len(parts)-1 != len(vals) {
		return nil, failf("The template of States.Format has %d {} placeholder%s, but %d value%s %s given",
			len(parts)-1, plural(len(parts)-1, "", "s"), len(vals), plural(len(vals), "", "s"), plural(len(vals), "was", "were"))
	}
	var b strings.Builder
	for i, p := range parts {
		b.WriteString(p)
		if i < len(vals) {
			writeJava(&b, vals[i])
		}
	}
	return b.String(), nil
}

// literalTemplate splits a string literal's source text (escapes still in
// it) at its unescaped {} placeholders and resolves the escapes, so that
// \{} prints braces instead of a value.
func literalTemplate(raw string) []string {
	var parts []string
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\\' && i+1 < len(raw):
			i++
			b.WriteByte(raw[i])
		case c == '{' && i+1 < len(raw) && raw[i+1] == '}':
			parts = append(parts, b.String())
			b.Reset()
			i++
		default:
			b.WriteByte(c)
		}
	}
	return append(parts, b.String())
}

// writeJava prints v as AWS's Java implementation does when it turns a value
// into text: strings without quotes, numbers as Java prints them,
// arrays as java.util.List ("[1, 2]") and objects as java.util.Map
// ("{a=1, b=[]}"), whose members are printed the same way.
func writeJava(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		b.WriteString(x)
	case value.Number:
		b.WriteString(javaNumber(x))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJava(b, e)
		}
		b.WriteByte(']')
	case *value.Object:
		b.WriteByte('{')
		for i, k := range x.Keys() {
			if i > 0 {
				b.WriteString(", ")
			}
			_, e := x.At(i)
			b.WriteString(k)
			b.WriteByte('=')
			writeJava(b, e)
		}
		b.WriteByte('}')
	}
}

// javaNumber prints a number as Java does once Jackson has read it: an
// integer as written (BigInteger keeps every digit), anything with a
// fraction or exponent as a double through Double.toString.
func javaNumber(n value.Number) string {
	if n.IsInteger() {
		s := string(n)
		if strings.TrimLeft(s, "-0") == "" {
			return "0"
		}
		return s
	}
	return javaDouble(n.Float())
}

// javaDouble writes f as Java's Double.toString: plain decimals with at
// least one fractional digit for magnitudes in [1e-3, 1e7), otherwise
// computerized scientific notation such as 1.0E10 or 1.5E-4, always with
// the shortest digits that round-trip.
func javaDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}
