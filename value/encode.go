package value

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Marshal encodes v as compact JSON text, the way AWS writes state data:
// no white space, keys in their order, and only '"', '\\' and control
// characters escaped (no HTML escaping, non-ASCII written as is).
func Marshal(v any) []byte { return Append(nil, v) }

// String is Marshal returning a string.
func String(v any) string { return string(Append(nil, v)) }

// Append appends the JSON encoding of v to buf.
func Append(buf []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...)
	case bool:
		if x {
			return append(buf, "true"...)
		}
		return append(buf, "false"...)
	case Number:
		return append(buf, x...)
	case string:
		return AppendString(buf, x)
	case []any:
		buf = append(buf, '[')
		for i, e := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = Append(buf, e)
		}
		return append(buf, ']')
	case *Object:
		buf = append(buf, '{')
		for i, k := range x.Keys() {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = AppendString(buf, k)
			buf = append(buf, ':')
			buf = Append(buf, x.vals[i])
		}
		return append(buf, '}')
	// Conveniences for values built in Go code.
	case int:
		return strconv.AppendInt(buf, int64(x), 10)
	case int64:
		return strconv.AppendInt(buf, x, 10)
	case float64:
		return append(buf, FormatFloat(x)...)
	}
	panic(fmt.Sprintf("value: cannot encode %T", v))
}

// AppendString appends s as a JSON string literal.
func AppendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			if c < utf8.RuneSelf {
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				buf = append(buf, s[start:i]...)
				buf = append(buf, `\ufffd`...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		buf = append(buf, s[start:i]...)
		switch c {
		case '"':
			buf = append(buf, '\\', '"')
		case '\\':
			buf = append(buf, '\\', '\\')
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		case '\b':
			buf = append(buf, '\\', 'b')
		case '\f':
			buf = append(buf, '\\', 'f')
		default:
			buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// Size returns the length in bytes of v's JSON encoding without building it.
func Size(v any) int {
	switch x := v.(type) {
	case nil:
		return 4
	case bool:
		if x {
			return 4
		}
		return 5
	case Number:
		return len(x)
	case string:
		return stringSize(x)
	case []any:
		n := 2
		for i, e := range x {
			if i > 0 {
				n++
			}
			n += Size(e)
		}
		return n
	case *Object:
		n := 2
		for i, k := range x.keys {
			if i > 0 {
				n++
			}
			n += stringSize(k) + 1 + Size(x.vals[i])
		}
		return n
	}
	return len(Append(nil, v))
}

func stringSize(s string) int {
	n := 2
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
			n += 2
		case c < 0x20:
			n += 6
		default:
			n++
		}
	}
	return n
}
