package conformance

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cairn-sfn/cairn/value"
)

// The recorded side was serialised by Python's json.dumps with its defaults:
// ", " and ": " separators, ensure_ascii, and numbers as Python prints the
// int or float json.loads made of them. The regex normalizers and reference
// replacements run over that text, so ours must be written the same way.

// pyDumps writes v as Python's json.dumps(v) would, keys in their order.
func pyDumps(v any) string {
	var b strings.Builder
	pyAppend(&b, v)
	return b.String()
}

func pyAppend(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case value.Number:
		b.WriteString(pyNumber(x))
	case string:
		pyAppendString(b, x)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			pyAppend(b, e)
		}
		b.WriteByte(']')
	case *value.Object:
		b.WriteByte('{')
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			if i > 0 {
				b.WriteString(", ")
			}
			pyAppendString(b, k)
			b.WriteString(": ")
			pyAppend(b, e)
		}
		b.WriteByte('}')
	default:
		// Outside the value model; never produced by value.Parse.
		b.WriteString("null")
	}
}

// pyEscape returns s JSON-escaped the way ensure_ascii does, without quotes.
func pyEscape(s string) string {
	var b strings.Builder
	pyAppendString(&b, s)
	out := b.String()
	return out[1 : len(out)-1]
}

func pyAppendString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r >= 0x20 && r <= 0x7e:
			b.WriteRune(r)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			writeU(b, r1)
			writeU(b, r2)
		case r == utf8.RuneError:
			writeU(b, 0xfffd)
		default:
			writeU(b, r)
		}
	}
	b.WriteByte('"')
}

func writeU(b *strings.Builder, r rune) {
	const hex = "0123456789abcdef"
	b.WriteString(`\u`)
	b.WriteByte(hex[(r>>12)&0xf])
	b.WriteByte(hex[(r>>8)&0xf])
	b.WriteByte(hex[(r>>4)&0xf])
	b.WriteByte(hex[r&0xf])
}

// pyNumber rewrites a JSON number literal as Python prints the value
// json.loads makes of it: integers keep every digit, anything with a
// fraction or exponent becomes a float and gets repr().
func pyNumber(n value.Number) string {
	s := string(n)
	if n.IsInteger() {
		neg := strings.HasPrefix(s, "-")
		digits := strings.TrimLeft(strings.TrimPrefix(s, "-"), "0")
		if digits == "" {
			return "0"
		}
		if neg {
			return "-" + digits
		}
		return digits
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return s
	}
	return pyFloatRepr(f)
}

// pyFloatRepr is Python's repr(float): the shortest round-trip digits,
// positional for exponents in [-4, 16), otherwise d.ddde+XX.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	sign := ""
	if e[0] == '-' {
		sign, e = "-", e[1:]
	}
	ei := strings.IndexByte(e, 'e')
	mant, exp := e[:ei], e[ei+1:]
	x, _ := strconv.Atoi(exp)
	digits := strings.Replace(mant, ".", "", 1)
	if x >= -4 && x < 16 {
		var out string
		switch {
		case x < 0:
			out = "0." + strings.Repeat("0", -x-1) + digits
		case len(digits) <= x+1:
			out = digits + strings.Repeat("0", x+1-len(digits)) + ".0"
		default:
			out = digits[:x+1] + "." + digits[x+1:]
		}
		return sign + out
	}
	m := digits[:1]
	if len(digits) > 1 {
		m += "." + digits[1:]
	}
	es := "+"
	if x < 0 {
		es, x = "-", -x
	}
	ex := strconv.Itoa(x)
	if len(ex) < 2 {
		ex = "0" + ex
	}
	return sign + m + "e" + es + ex
}

// sortKeys returns v with the keys of every object sorted, as Python's
// sort_keys would order them (by code point; Go compares UTF-8 bytes, which
// orders the same except for surrogates, irrelevant here).
func sortKeys(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = sortKeys(e)
		}
		return out
	case *value.Object:
		keys := append([]string(nil), x.Keys()...)
		sort.Strings(keys)
		o := value.NewObject(len(keys))
		for _, k := range keys {
			e, _ := x.Get(k)
			o.Set(k, sortKeys(e))
		}
		return o
	}
	return v
}
