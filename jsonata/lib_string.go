package jsonata

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cairn-sfn/cairn/value"
)

// stringLibrary holds the string functions. $contains, $split and $replace
// here take string patterns only; the evaluator, which owns regular
// expressions, wraps them and calls containsString, splitString and
// replaceString for the string case.
func stringLibrary() []builtin {
	return []builtin{
		{"string", "<x-b?:s>", fnString},
		{"length", "<s-:n>", fnLength},
		{"substring", "<s-nn?:s>", fnSubstring},
		{"substringBefore", "<s-s:s>", fnSubstringBefore},
		{"substringAfter", "<s-s:s>", fnSubstringAfter},
		{"uppercase", "<s-:s>", fnUppercase},
		{"lowercase", "<s-:s>", fnLowercase},
		{"trim", "<s-:s>", fnTrim},
		{"pad", "<s-ns?:s>", fnPad},
		{"contains", "<s-(sf):b>", fnContains},
		{"split", "<s-(sf)n?:a<s>>", fnSplit},
		{"join", "<a<s>s?:s>", fnJoin},
		{"replace", "<s-(sf)(sf)n?:s>", fnReplace},
	}
}

// argString reads an optional string argument.
func argString(args []any, i int) (string, bool) {
	if i >= len(args) {
		return "", false
	}
	s, ok := args[i].(string)
	return s, ok
}

// argNumber reads an optional numeric argument.
func argNumber(args []any, i int) (float64, bool) {
	if i >= len(args) {
		return 0, false
	}
	return toFloat(args[i])
}

// argDefined reports whether argument i was given and is not undefined.
func argDefined(args []any, i int) bool {
	return i < len(args) && !libIsUndefined(args[i])
}

func notString(name string, i int, v any) error {
	return libError("T0410", v, "argument "+strconv.Itoa(i+1)+" of function $"+name+" is not a string")
}

func fnString(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	pretty := false
	if argDefined(args, 1) {
		b, ok := args[1].(bool)
		if !ok {
			return nil, libError("T0410", args[1], "argument 2 of function $string must be a boolean")
		}
		pretty = b
	}
	return stringify(args[0], pretty)
}

// stringify is $string: strings pass through, functions become "", and
// anything else is JSON text the way jsonata-js writes it (non-integers
// cut to 15 significant digits, functions inside values written as "").
func stringify(v any, pretty bool) (any, error) {
	switch x := v.(type) {
	case undefinedType:
		return undefined, nil
	case string:
		return x, nil
	}
	if libIsFunction(v) {
		return "", nil
	}
	if f, ok := toFloat(v); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return nil, libError("D3001", v, "attempting to invoke string function on Infinity or NaN")
	}
	indent := ""
	if pretty {
		indent = "  "
	}
	buf, err := appendJSON(nil, v, indent, 0)
	if err != nil {
		return nil, err
	}
	return string(buf), nil
}

// jsonNumber writes a number as $string does: integers as JavaScript
// writes them, other numbers rounded to 15 significant digits first.
func jsonNumber(f float64) string {
	if f != math.Trunc(f) {
		f = jsParseNumber(jsToPrecision(f, 15))
	}
	return value.FormatFloat(f)
}

func appendJSON(buf []byte, v any, indent string, level int) ([]byte, error) {
	newline := func(b []byte, lvl int) []byte {
		if indent == "" {
			return b
		}
		b = append(b, '\n')
		for range lvl {
			b = append(b, indent...)
		}
		return b
	}
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case bool:
		return strconv.AppendBool(buf, x), nil
	case float64, value.Number:
		f, _ := toFloat(x)
		if math.IsInf(f, 0) {
			return nil, libError("D1001", x, "number out of range")
		}
		if math.IsNaN(f) {
			return append(buf, "null"...), nil
		}
		return append(buf, jsonNumber(f)...), nil
	case string:
		return value.AppendString(buf, x), nil
	case []any:
		if len(x) == 0 {
			return append(buf, "[]"...), nil
		}
		buf = append(buf, '[')
		for i, e := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = newline(buf, level+1)
			var err error
			if libIsUndefined(e) {
				buf = append(buf, "null"...)
			} else if buf, err = appendJSON(buf, e, indent, level+1); err != nil {
				return nil, err
			}
		}
		buf = newline(buf, level)
		return append(buf, ']'), nil
	case *value.Object:
		buf = append(buf, '{')
		n := 0
		for k, e := range x.All() {
			if libIsUndefined(e) {
				continue
			}
			if n > 0 {
				buf = append(buf, ',')
			}
			n++
			buf = newline(buf, level+1)
			buf = value.AppendString(buf, k)
			buf = append(buf, ':')
			if indent != "" {
				buf = append(buf, ' ')
			}
			var err error
			if buf, err = appendJSON(buf, e, indent, level+1); err != nil {
				return nil, err
			}
		}
		if n > 0 {
			buf = newline(buf, level)
		}
		return append(buf, '}'), nil
	case undefinedType:
		return append(buf, "null"...), nil
	}
	// A function inside a structure is written as an empty string.
	return append(buf, `""`...), nil
}

func fnLength(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, notString("length", 0, args[0])
	}
	return float64(utf8.RuneCountInString(s)), nil
}

// jsSliceBounds resolves Array.prototype.slice arguments against length n.
func jsSliceBounds(n int, start float64, end float64, hasEnd bool) (int, int) {
	resolve := func(f float64) int {
		f = jsToInteger(f)
		if f < 0 {
			f += float64(n)
			if f < 0 {
				f = 0
			}
		}
		if f > float64(n) {
			f = float64(n)
		}
		return int(f)
	}
	s := resolve(start)
	e := n
	if hasEnd {
		e = resolve(end)
	}
	if e < s {
		e = s
	}
	return s, e
}

// substringCodePoints is $substring: start and length count code points,
// and a negative start counts from the end.
func substringCodePoints(s string, start float64, length float64, hasLength bool) string {
	runes := []rune(s)
	n := float64(len(runes))
	if n+start < 0 {
		start = 0
	}
	if hasLength {
		if length <= 0 || math.IsNaN(length) {
			return ""
		}
		end := start + length
		if start < 0 {
			end = n + start + length
		}
		i, j := jsSliceBounds(len(runes), start, end, true)
		return string(runes[i:j])
	}
	i, j := jsSliceBounds(len(runes), start, 0, false)
	return string(runes[i:j])
}

func fnSubstring(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, notString("substring", 0, args[0])
	}
	start, _ := argNumber(args, 1)
	length, hasLength := argNumber(args, 2)
	return substringCodePoints(s, start, length, hasLength), nil
}

func fnSubstringBefore(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	s, _ := argString(args, 0)
	chars, ok := argString(args, 1)
	if !ok {
		return s, nil
	}
	if i := strings.Index(s, chars); i >= 0 {
		return s[:i], nil
	}
	return s, nil
}

func fnSubstringAfter(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	s, _ := argString(args, 0)
	chars, ok := argString(args, 1)
	if !ok {
		return s, nil
	}
	if i := strings.Index(s, chars); i >= 0 {
		return s[i+len(chars):], nil
	}
	return s, nil
}

func fnUppercase(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	s, _ := argString(args, 0)
	return jsUpperCase(s), nil
}

func fnLowercase(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	s, _ := argString(args, 0)
	return jsLowerCase(s), nil
}

// trimString is $trim: runs of space, tab, CR and LF become one space,
// then a leading and a trailing space go.
func trimString(s string) string {
	var b strings.Builder
	inRun := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r':
			if !inRun {
				b.WriteByte(' ')
			}
			inRun = true
		default:
			b.WriteByte(c)
			inRun = false
		}
	}
	out := b.String()
	out = strings.TrimPrefix(out, " ")
	return strings.TrimSuffix(out, " ")
}

func fnTrim(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	s, _ := argString(args, 0)
	return trimString(s), nil
}

// padString is $pad: a positive width pads on the right, a negative one on
// the left, repeating char (default a space) up to |width| code points.
func padString(s string, width float64, char string) string {
	if char == "" {
		char = " "
	}
	width = math.Trunc(width)
	padLength := int(math.Min(math.Abs(width), 1<<30)) - utf8.RuneCountInString(s)
	if padLength <= 0 {
		return s
	}
	unit := []rune(char)
	pad := make([]rune, padLength)
	for i := range pad {
		pad[i] = unit[i%len(unit)]
	}
	if width > 0 {
		return s + string(pad)
	}
	return string(pad) + s
}

// maxPadWidth bounds $pad's output, which the caller sizes.
const maxPadWidth = 1e7

func fnPad(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	s, _ := argString(args, 0)
	width, _ := argNumber(args, 1)
	char, _ := argString(args, 2)
	if math.Abs(width) > maxPadWidth {
		return nil, libError("D3000", width, "$pad width is too large")
	}
	return padString(s, width, char), nil
}

// containsString is $contains with a string pattern.
func containsString(s, token string) bool { return strings.Contains(s, token) }

func fnContains(args []any) (any, error) {
	if !argDefined(args, 0) || !argDefined(args, 1) {
		return undefined, nil
	}
	s, _ := argString(args, 0)
	token, ok := argString(args, 1)
	if !ok {
		return nil, regexPattern("contains", args[1])
	}
	return containsString(s, token), nil
}

// regexPattern is the error for a function pattern reaching the
// string-only implementations; the evaluator's wrappers handle those.
func regexPattern(name string, v any) error {
	return libError("T0410", v, "$"+name+" with a regular expression needs the evaluator")
}

// splitString is $split with a string separator. limit < 0 means no limit
// (callers reject negative limits first, with D3020). An empty separator
// splits into code points.
func splitString(s, sep string, limit int) []any {
	var parts []string
	if sep == "" {
		for _, r := range s {
			parts = append(parts, string(r))
		}
	} else {
		parts = strings.Split(s, sep)
	}
	if limit >= 0 && limit < len(parts) {
		parts = parts[:limit]
	}
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out
}

// splitLimit validates $split's optional limit: -1 when absent.
func splitLimit(args []any, i int) (int, error) {
	if !argDefined(args, i) {
		return -1, nil
	}
	f, ok := toFloat(args[i])
	if !ok {
		return 0, libError("T0410", args[i], "the limit of $split must be a number")
	}
	if f < 0 {
		return 0, libError("D3020", f, "third argument of split function must evaluate to a positive number")
	}
	if f > math.MaxInt32 {
		return math.MaxInt32, nil
	}
	return int(f), nil
}

func fnSplit(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	s, _ := argString(args, 0)
	limit, err := splitLimit(args, 2)
	if err != nil {
		return nil, err
	}
	sep, ok := argString(args, 1)
	if !ok {
		return nil, regexPattern("split", argOrUndefined(args, 1))
	}
	if limit == 0 {
		return []any{}, nil
	}
	return splitString(s, sep, limit), nil
}

func argOrUndefined(args []any, i int) any {
	if i < len(args) {
		return args[i]
	}
	return undefined
}

func fnJoin(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	sep := ""
	if argDefined(args, 1) {
		s, ok := args[1].(string)
		if !ok {
			return nil, notString("join", 1, args[1])
		}
		sep = s
	}
	var items []any
	switch x := args[0].(type) {
	case []any:
		items = x
	case string:
		return x, nil
	default:
		return nil, libError("T0412", x, "argument 1 of function $join must be an array of strings")
	}
	var b strings.Builder
	for i, e := range items {
		s, ok := e.(string)
		if !ok {
			return nil, libError("T0412", args[0], "argument 1 of function $join must be an array of strings")
		}
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// replaceString is $replace with a string pattern: the replacement is
// literal (no $ references); limit < 0 means no limit. Callers reject an
// empty pattern (D3010) and a negative limit (D3011) first.
func replaceString(s, pattern, replacement string, limit int) string {
	if pattern == "" || limit == 0 {
		return s
	}
	return strings.Replace(s, pattern, replacement, limit)
}

// replaceLimit validates $replace's optional limit: -1 when absent.
func replaceLimit(args []any, i int) (int, error) {
	if !argDefined(args, i) {
		return -1, nil
	}
	f, ok := toFloat(args[i])
	if !ok {
		return 0, libError("T0410", args[i], "the limit of $replace must be a number")
	}
	if f < 0 {
		return 0, libError("D3011", f, "fourth argument of replace function must evaluate to a positive number")
	}
	if f > math.MaxInt32 {
		return math.MaxInt32, nil
	}
	// jsonata-js compares count < limit, so a fractional limit rounds up.
	return int(math.Ceil(f)), nil
}

func fnReplace(args []any) (any, error) {
	if !argDefined(args, 0) {
		return undefined, nil
	}
	s, _ := argString(args, 0)
	if p, ok := argString(args, 1); ok && p == "" {
		return nil, libError("D3010", p, "second argument of replace function cannot be an empty string")
	}
	limit, err := replaceLimit(args, 3)
	if err != nil {
		return nil, err
	}
	pattern, ok := argString(args, 1)
	if !ok {
		return nil, regexPattern("replace", argOrUndefined(args, 1))
	}
	replacement, ok := argString(args, 2)
	if !ok {
		return nil, regexPattern("replace", argOrUndefined(args, 2))
	}
	return replaceString(s, pattern, replacement, limit), nil
}

// expandReplacement builds the text that replaces one regular-expression
// match in $replace: "$$" is a dollar, "$0" the whole match, "$n" a group
// (as many digits as can name a group; a missing group is empty), and a
// "$" followed by anything else stays literal. groups holds the capture
// groups 1..n; a group that did not take part is "".
func expandReplacement(replacement, match string, groups []string) string {
	var b strings.Builder
	pos := 0
	for pos < len(replacement) {
		i := strings.IndexByte(replacement[pos:], '$')
		if i < 0 {
			break
		}
		b.WriteString(replacement[pos : pos+i])
		pos += i + 1
		if pos >= len(replacement) {
			b.WriteByte('$')
			break
		}
		switch c := replacement[pos]; {
		case c == '$':
			b.WriteByte('$')
			pos++
		case c == '0':
			b.WriteString(match)
			pos++
		case c >= '1' && c <= '9':
			maxDigits := 1
			if len(groups) > 0 {
				maxDigits = len(strconv.Itoa(len(groups)))
			}
			end := pos
			for end < len(replacement) && end-pos < maxDigits && replacement[end] >= '0' && replacement[end] <= '9' {
				end++
			}
			n, _ := strconv.Atoi(replacement[pos:end])
			if end-pos > 1 && n > len(groups) {
				end--
				n, _ = strconv.Atoi(replacement[pos:end])
			}
			if n >= 1 && n <= len(groups) {
				b.WriteString(groups[n-1])
			}
			pos = end
		default:
			b.WriteByte('$')
		}
	}
	if pos < len(replacement) {
		b.WriteString(replacement[pos:])
	}
	return b.String()
}
