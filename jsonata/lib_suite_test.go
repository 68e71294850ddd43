package jsonata

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cairn-sfn/cairn/value"
)

// The library's own slice of the official suite: cases whose expression
// is one call of a library function with literal arguments run straight
// against the function tables, without the evaluator. (The evaluator's
// suite test runs every case end to end.)

// libCallCase is one runnable suite case.
type libCallCase struct {
	file string
	fn   builtin
	args []any
	want map[string]json.RawMessage
}

// libAll is every library function, with $toMillis on a fixed clock and
// $random on a fixed source, as the evaluator would register them.
func libAll() []builtin {
	clock := func() time.Time { return time.Date(2020, 6, 15, 8, 30, 0, 0, time.UTC) }
	all := []builtin{toMillisBuiltin(clock), randomBuiltin(func() float64 { return 0.5 })}
	for _, lib := range [][]builtin{stringLibrary(), encodingLibrary(), numericLibrary(), formatLibrary(), dateLibrary(), objectLibrary(), arrayLibrary()} {
		all = append(all, lib...)
	}
	return all
}

func TestLibSuiteLiteralCalls(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "shared", "jsonata-suite", "groups")
	if _, err := os.Stat(root); err != nil {
		t.Skip("jsonata suite not found at", root)
	}
	byName := map[string]builtin{}
	for _, b := range libAll() {
		byName[b.name] = b
	}
	files, _ := filepath.Glob(filepath.Join(root, "*", "*.json"))
	ran, passed := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var raw []map[string]json.RawMessage
		if data[0] == '[' {
			if err := json.Unmarshal(data, &raw); err != nil {
				t.Fatal(err)
			}
		} else {
			var one map[string]json.RawMessage
			if err := json.Unmarshal(data, &one); err != nil {
				t.Fatal(err)
			}
			raw = append(raw, one)
		}
		for i, c := range raw {
			var expr string
			if json.Unmarshal(c["expr"], &expr) != nil {
				continue
			}
			if strings.ContainsRune(expr, utf8.RuneError) {
				continue // a lone surrogate in the case's JSON
			}
			name, args, ok := parseLiteralCall(expr)
			if !ok {
				continue
			}
			b, ok := byName[name]
			if !ok {
				continue
			}
			if b := c["bindings"]; len(b) > 0 && string(b) != "{}" {
				continue
			}
			if code, ok := c["code"]; ok && strings.HasPrefix(string(code), `"T`) {
				continue // argument checking is the evaluator's
			}
			if len(args) == 0 {
				continue
			}
			ran++
			id := filepath.Base(filepath.Dir(f)) + "/" + filepath.Base(f) + "#" + strconv.Itoa(i)
			if checkLibCase(t, id, expr, b, args, c) {
				passed++
			}
		}
	}
	t.Logf("library suite cases: %d/%d passed", passed, ran)
}

func checkLibCase(t *testing.T, name, expr string, b builtin, args []any, c map[string]json.RawMessage) bool {
	t.Helper()
	got, err := b.fn(args)
	if code, ok := c["code"]; ok {
		var want string
		_ = json.Unmarshal(code, &want)
		var je *Error
		if !errors.As(err, &je) || je.Code != want {
			t.Errorf("%s: %s: got %v, %v; want error %s", name, expr, got, err, want)
			return false
		}
		return true
	}
	if e, ok := c["error"]; ok {
		var want struct{ Code string }
		_ = json.Unmarshal(e, &want)
		var je *Error
		if !errors.As(err, &je) || je.Code != want.Code {
			t.Errorf("%s: %s: got %v, %v; want error %s", name, expr, got, err, want.Code)
			return false
		}
		return true
	}
	if err != nil {
		t.Errorf("%s: %s: unexpected error %v", name, expr, err)
		return false
	}
	if _, ok := c["undefinedResult"]; ok {
		if !libIsUndefined(got) {
			t.Errorf("%s: %s: got %#v, want undefined", name, expr, got)
			return false
		}
		return true
	}
	want, err := value.Parse(c["result"])
	if err != nil {
		t.Logf("%s: unreadable result: %v", name, err)
		return false
	}
	if !libEqual(libNormal(got), want) {
		t.Errorf("%s: %s: got %s, want %s", name, expr, libShow(got), value.String(want))
		return false
	}
	return true
}

// libNormal converts float64 results into the value model for comparing.
func libNormal(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return x
		}
		return value.Float(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = libNormal(e)
		}
		return out
	case *value.Object:
		o := value.NewObject(x.Len())
		for k, e := range x.All() {
			o.Set(k, libNormal(e))
		}
		return o
	}
	return v
}

func libEqual(a, b any) bool {
	if _, ok := a.(float64); ok {
		return false
	}
	if _, ok := a.(undefinedType); ok {
		return false
	}
	return value.Equal(a, b)
}

func libShow(v any) string {
	defer func() { _ = recover() }()
	n := libNormal(v)
	if _, ok := n.(float64); ok {
		return strconv.FormatFloat(n.(float64), 'g', -1, 64)
	}
	if libIsUndefined(n) {
		return "undefined"
	}
	return value.String(n)
}

// parseLiteralCall reads `$name(arg, ...)` where every argument is a JSON
// literal, a JSONata string literal, or a bare path that names nothing
// (undefined in these cases).
func parseLiteralCall(expr string) (string, []any, bool) {
	p := &litParser{s: strings.TrimSpace(expr)}
	if !p.eat('$') {
		return "", nil, false
	}
	start := p.i
	for p.i < len(p.s) && (isIdentByte(p.s[p.i])) {
		p.i++
	}
	name := p.s[start:p.i]
	if !p.eat('(') {
		return "", nil, false
	}
	var args []any
	p.space()
	if p.eat(')') {
		return name, args, p.done()
	}
	for {
		v, ok := p.value()
		if !ok {
			return "", nil, false
		}
		args = append(args, v)
		p.space()
		if p.eat(')') {
			return name, args, p.done()
		}
		if !p.eat(',') {
			return "", nil, false
		}
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

type litParser struct {
	s string
	i int
}

func (p *litParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\n\r", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *litParser) eat(c byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *litParser) done() bool { p.space(); return p.i == len(p.s) }

func (p *litParser) value() (any, bool) {
	p.space()
	if p.i >= len(p.s) {
		return nil, false
	}
	switch c := p.s[p.i]; {
	case c == '"' || c == '\'':
		return p.str(c)
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		p.i++
		for p.i < len(p.s) && strings.IndexByte("0123456789.eE+-", p.s[p.i]) >= 0 {
			if (p.s[p.i] == '+' || p.s[p.i] == '-') && p.s[p.i-1] != 'e' && p.s[p.i-1] != 'E' {
				break
			}
			p.i++
		}
		f, err := strconv.ParseFloat(p.s[start:p.i], 64)
		if err != nil {
			return nil, false
		}
		return f, true
	case c == '[':
		p.i++
		out := []any{}
		if p.eat(']') {
			return out, true
		}
		for {
			v, ok := p.value()
			if !ok {
				return nil, false
			}
			out = append(out, v)
			if p.eat(']') {
				return out, true
			}
			if !p.eat(',') {
				return nil, false
			}
		}
	case c == '{':
		p.i++
		o := value.NewObject(0)
		if p.eat('}') {
			return o, true
		}
		for {
			p.space()
			if p.i >= len(p.s) {
				return nil, false
			}
			k, ok := p.str(p.s[p.i])
			if !ok {
				return nil, false
			}
			if !p.eat(':') {
				return nil, false
			}
			v, ok := p.value()
			if !ok {
				return nil, false
			}
			o.Set(k.(string), v)
			if p.eat('}') {
				return o, true
			}
			if !p.eat(',') {
				return nil, false
			}
		}
	case isIdentByte(c):
		start := p.i
		for p.i < len(p.s) && isIdentByte(p.s[p.i]) {
			p.i++
		}
		switch w := p.s[start:p.i]; w {
		case "true":
			return true, true
		case "false":
			return false, true
		case "null":
			return nil, true
		case "undefined", "nothing", "blah", "foo", "unknown", "missing":
			return undefined, true
		}
	}
	return nil, false
}

func (p *litParser) str(q byte) (any, bool) {
	if q != '"' && q != '\'' {
		return nil, false
	}
	p.i++
	var units []uint16
	var b strings.Builder
	lone := false
	flush := func() {
		for i := 0; i < len(units); i++ {
			switch u := rune(units[i]); {
			case utf16.IsSurrogate(u) && u < 0xdc00 && i+1 < len(units) && units[i+1] >= 0xdc00 && units[i+1] < 0xe000:
				i++
			case utf16.IsSurrogate(u):
				lone = true // not representable in a Go string: skip the case
			}
		}
		if len(units) > 0 {
			b.WriteString(string(utf16.Decode(units)))
			units = units[:0]
		}
	}
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			flush()
			return b.String(), !lone
		case c == '\\' && p.i+1 < len(p.s):
			e := p.s[p.i+1]
			p.i += 2
			switch e {
			case 'u':
				if p.i+4 > len(p.s) {
					return nil, false
				}
				n, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 16)
				if err != nil {
					return nil, false
				}
				units = append(units, uint16(n))
				p.i += 4
				continue
			case 'n':
				flush()
				b.WriteByte('\n')
			case 't':
				flush()
				b.WriteByte('\t')
			case 'r':
				flush()
				b.WriteByte('\r')
			case 'b':
				flush()
				b.WriteByte('\b')
			case 'f':
				flush()
				b.WriteByte('\f')
			default:
				flush()
				b.WriteByte(e)
			}
		default:
			flush()
			b.WriteByte(c)
			p.i++
		}
	}
	return nil, false
}
