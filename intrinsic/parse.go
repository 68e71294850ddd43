package intrinsic

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cairn-sfn/cairn/jsonpath"
	"github.com/cairn-sfn/cairn/value"
)

// MaxDepth is how deeply calls may nest: AWS allows up to 10 intrinsic
// functions nested within a field. The outermost call is depth 1.
const MaxDepth = 10

const prefix = "States."

// SyntaxError reports a call that cannot be compiled: bad syntax, an unknown
// function, the wrong number of arguments, an invalid path argument or
// nesting deeper than MaxDepth. Offset is the byte offset in the source.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("intrinsic: %s (at offset %d)", e.Msg, e.Offset)
}

// IsCall reports whether s looks like an intrinsic call: it starts with
// "States." once surrounding white space is trimmed. It lets a definition
// parser tell "x.$": "States.Format(...)" from a path without compiling.
func IsCall(s string) bool {
	return strings.HasPrefix(strings.TrimSpace(s), prefix)
}

// Compile parses src, a call such as "States.Format('{}', $.a)", checks each
// function's name and argument count, and compiles path arguments. Errors are
// *SyntaxError.
func Compile(src string) (*Call, error) {
	p := &parser{src: src}
	p.space()
	if !strings.HasPrefix(p.rest(), prefix) {
		return nil, p.errorf(p.pos, "expected an intrinsic function call starting with %q", prefix)
	}
	c, err := p.call(1)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.src) {
		return nil, p.errorf(p.pos, "unexpected %s after the call", p.describe())
	}
	return c, nil
}

type parser struct {
	src string
	pos int
}

func (p *parser) rest() string { return p.src[p.pos:] }

func (p *parser) errorf(off int, format string, args ...any) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// describe names what is at the current position, for error messages.
func (p *parser) describe() string {
	if p.pos >= len(p.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return fmt.Sprintf("%q", r)
}

func (p *parser) space() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func isIdent(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// call parses "States.Name(args...)" at p.pos, which starts with the prefix.
func (p *parser) call(depth int) (*Call, error) {
	start := p.pos
	if depth > MaxDepth {
		return nil, p.errorf(start, "intrinsic functions nested more than %d deep", MaxDepth)
	}
	p.pos += len(prefix)
	for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
		p.pos++
	}
	name := p.src[start:p.pos]
	fn := lookup(name)
	if fn == nil {
		return nil, p.errorf(start, "unknown intrinsic function %q", name)
	}
	p.space()
	if p.pos >= len(p.src) || p.src[p.pos] != '(' {
		return nil, p.errorf(p.pos, "expected '(' after %s, found %s", name, p.describe())
	}
	p.pos++
	c := &Call{fn: fn}
	p.space()
	if p.pos < len(p.src) && p.src[p.pos] == ')' {
		p.pos++
	} else {
		for {
			p.space()
			a, err := p.arg(depth)
			if err != nil {
				return nil, err
			}
			c.args = append(c.args, a)
			p.space()
			if p.pos >= len(p.src) {
				return nil, p.errorf(p.pos, "missing ')' to close %s", name)
			}
			if p.src[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.src[p.pos] == ')' {
				p.pos++
				break
			}
			return nil, p.errorf(p.pos, "expected ',' or ')' in the arguments of %s, found %s", name, p.describe())
		}
	}
	if n := len(c.args); n < fn.minArgs || fn.maxArgs >= 0 && n > fn.maxArgs {
		return nil, p.errorf(start, "%s", fn.arityMessage(n))
	}
	if name == "States.Format" {
		if t := &c.args[0]; t.kind == argLiteral && t.bad == "" {
			if _, ok := t.lit.(string); ok {
				c.tmpl = literalTemplate(t.raw)
			}
		}
	}
	return c, nil
}

func (p *parser) arg(depth int) (arg, error) {
	if p.pos >= len(p.src) {
		return arg{}, p.errorf(p.pos, "expected an argument, found end of input")
	}
	switch c := p.src[p.pos]; {
	case c == '\'':
		return p.str()
	case c == '$':
		return p.path()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case strings.HasPrefix(p.rest(), prefix):
		call, err := p.call(depth + 1)
		if err != nil {
			return arg{}, err
		}
		return arg{kind: argCall, call: call}, nil
	}
	for _, kw := range [...]struct {
		word string
		v    any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if strings.HasPrefix(p.rest(), kw.word) {
			end := p.pos + len(kw.word)
			if end == len(p.src) || !isIdent(p.src[end]) {
				p.pos = end
				return arg{kind: argLiteral, lit: kw.v}, nil
			}
		}
	}
	return arg{}, p.errorf(p.pos, "unexpected %s where an argument was expected", p.describe())
}

// str parses a single-quoted string literal. \' \{ \} and \\ are the
// escapes. AWS documents that an "open" backslash, one escaping anything
// else, fails at run time; the literal keeps it and records the failure.
func (p *parser) str() (arg, error) {
	start := p.pos
	p.pos++
	var b strings.Builder
	badAt := -1
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '\'':
			raw := p.src[start+1 : p.pos]
			p.pos++
			a := arg{kind: argLiteral, lit: b.String(), raw: raw}
			if badAt >= 0 {
				a.bad = fmt.Sprintf("The string literal '%s' has a backslash at offset %d that escapes nothing; only \\', \\{, \\} and \\\\ are escapes", raw, badAt)
			}
			return a, nil
		case '\\':
			if p.pos+1 < len(p.src) {
				switch n := p.src[p.pos+1]; n {
				case '\'', '{', '}', '\\':
					b.WriteByte(n)
					p.pos += 2
					continue
				}
			}
			if badAt < 0 {
				badAt = p.pos - start - 1
			}
		}
		b.WriteByte(c)
		p.pos++
	}
	return arg{}, p.errorf(start, "unterminated string literal")
}

// number parses a JSON number literal.
func (p *parser) number() (arg, error) {
	start := p.pos
	digits := func() int {
		n := 0
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.src[p.pos] == '-' {
		p.pos++
	}
	intStart := p.pos
	if digits() == 0 {
		return arg{}, p.errorf(start, "invalid number")
	}
	if p.src[intStart] == '0' && p.pos-intStart > 1 {
		return arg{}, p.errorf(start, "invalid number: leading zero")
	}
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return arg{}, p.errorf(start, "invalid number: no digits after '.'")
		}
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return arg{}, p.errorf(start, "invalid number: no digits in exponent")
		}
	}
	if p.pos < len(p.src) && (isIdent(p.src[p.pos]) || p.src[p.pos] == '.') {
		return arg{}, p.errorf(start, "invalid number")
	}
	return arg{kind: argLiteral, lit: value.Number(p.src[start:p.pos])}, nil
}

// path scans a JSONPath argument: everything up to a ',' or ')' or white
// space that is outside brackets, parentheses and quotes.
func (p *parser) path() (arg, error) {
	start := p.pos
	depth := 0
	var quote byte
scan:
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if quote != 0 {
			switch c {
			case '\\':
				p.pos++
			case quote:
				quote = 0
			}
			p.pos++
			continue
		}
		switch c {
		case '\'', '"':
			if depth > 0 {
				quote = c
			}
		case '[', '(':
			depth++
		case ']', ')':
			if depth == 0 {
				break scan
			}
			depth--
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				break scan
			}
		}
		p.pos++
	}
	if quote != 0 || depth != 0 {
		return arg{}, p.errorf(start, "unterminated path %q", p.src[start:min(p.pos, len(p.src))])
	}
	src := p.src[start:p.pos]
	path, err := jsonpath.Compile(src)
	if err != nil {
		var se *jsonpath.SyntaxError
		if errors.As(err, &se) && se.Offset >= 0 && se.Offset <= len(src) {
			return arg{}, p.errorf(start+se.Offset, "invalid path %q: %s", src, se.Msg)
		}
		return arg{}, p.errorf(start, "invalid path %q: %v", src, err)
	}
	return arg{kind: argPath, path: path, pathSrc: src}, nil
}
