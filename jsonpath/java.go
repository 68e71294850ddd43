package jsonpath

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cairn-sfn/cairn/value"
)

// This file reproduces the Java spellings that reach users through Jayway's
// messages and results: class names, Double.toString, BigDecimal.toString
// and String.compareTo.

// jsonProvider is the Jayway JSON provider named in its "not a json object"
// message. Which provider AWS configures is not visible in the recordings;
// Jackson's tree model is the likely one for a Java service.
const jsonProvider = "com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider"

// javaClass names the Jackson node class that holds v.
func javaClass(v any) string {
	const pkg = "com.fasterxml.jackson.databind.node."
	switch x := v.(type) {
	case nil:
		return pkg + "NullNode"
	case bool:
		return pkg + "BooleanNode"
	case value.Number:
		if !x.IsInteger() {
			return pkg + "DoubleNode"
		}
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			if i >= math.MinInt32 && i <= math.MaxInt32 {
				return pkg + "IntNode"
			}
			return pkg + "LongNode"
		}
		return pkg + "BigIntegerNode"
	case string:
		return pkg + "TextNode"
	case []any:
		return pkg + "ArrayNode"
	case *value.Object:
		return pkg + "ObjectNode"
	}
	return "java.lang.Object"
}

// javaString writes v as Jackson's JsonNode.toString does: compact JSON.
func javaString(v any) string {
	switch v.(type) {
	case nil, bool, value.Number, string, []any, *value.Object:
		return value.String(v)
	}
	return "?"
}

// javaDouble formats f as Java's Double.toString: plain notation with at
// least one fractional digit for 1e-3 <= |f| < 1e7, "1.0E10" otherwise.
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
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±xx
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// doubleNumber makes a value.Number from a Java double result, written as
// Jackson writes a DoubleNode. NaN and infinities become null.
func doubleNumber(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return value.Number(javaDouble(f))
}

// javaNumberText is the Java toString of the number Jackson reads from n:
// integers keep their digits, other numbers become doubles.
func javaNumberText(n value.Number) string {
	if n.IsInteger() {
		if len(n) > 1 && n[0] == '-' && strings.TrimLeft(string(n[1:]), "0") == "" {
			return "0"
		}
		return string(n)
	}
	return javaDouble(n.Float())
}

// bigDecimalString writes the number text s as Java's new
// BigDecimal(s).toString() does: plain notation unless the exponent is
// positive or the number is very small, then "d.dddE±n".
func bigDecimalString(s string) string {
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil {
			return s
		}
		exp, s = e, s[:i]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	scale := len(frac) - exp
	if digits == "" {
		digits = "0"
	}
	var b strings.Builder
	if neg && digits != "0" {
		b.WriteByte('-')
	}
	adjusted := -scale + len(digits) - 1
	switch {
	case scale == 0:
		b.WriteString(digits)
	case scale > 0 && adjusted >= -6:
		if len(digits) > scale {
			b.WriteString(digits[:len(digits)-scale])
			b.WriteByte('.')
			b.WriteString(digits[len(digits)-scale:])
		} else {
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", scale-len(digits)))
			b.WriteString(digits)
		}
	default:
		b.WriteString(digits[:1])
		if len(digits) > 1 {
			b.WriteByte('.')
			b.WriteString(digits[1:])
		}
		b.WriteByte('E')
		if adjusted >= 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.Itoa(adjusted))
	}
	return b.String()
}

// compareJava compares strings as Java's String.compareTo does, by UTF-16
// code units, which orders characters above U+FFFF before U+E000..U+FFFF.
func compareJava(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			ua, ub := utf16First(ra), utf16First(rb)
			if ua != ub {
				if ua < ub {
					return -1
				}
				return 1
			}
			// Same high surrogate: the low surrogates decide.
			if ra < rb {
				return -1
			}
			return 1
		}
		a, b = a[na:], b[nb:]
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	}
	return 1
}

func utf16First(r rune) rune {
	if r >= 0x10000 {
		return 0xd800 + (r-0x10000)>>10
	}
	return r
}

// javaLength is a string's length in UTF-16 code units.
func javaLength(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
