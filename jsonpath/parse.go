package jsonpath

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// maxNesting bounds how deeply filters and function arguments may nest in
// one path, so that a hostile path cannot exhaust the stack while parsing.
const maxNesting = 64

type parser struct {
	src   string
	pos   int
	end   int // exclusive; trailing spaces are not part of the path
	depth int
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) errorAt(off int, format string, args ...any) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) eof() bool { return p.pos >= p.end }

func (p *parser) peek() byte {
	if p.pos >= p.end {
		return 0
	}
	return p.src[p.pos]
}

// nextSignificant returns the index of the first non-space byte at or after
// i, or p.end.
func (p *parser) nextSignificant(i int) int {
	for i < p.end && p.src[i] == ' ' {
		i++
	}
	return i
}

func (p *parser) at(i int) byte {
	if i < 0 || i >= p.end {
		return 0
	}
	return p.src[i]
}

// compilePath parses a whole path, as Compile does.
func compilePath(src string) (*Path, error) {
	p := &parser{src: src, end: len(src)}
	// Jayway trims spaces around the path.
	for p.end > 0 && src[p.end-1] == ' ' {
		p.end--
	}
	p.pos = p.nextSignificant(0)
	path, err := p.parsePath(false)
	if err != nil {
		return nil, err
	}
	path.src = src
	return path, nil
}

// parsePath parses from p.pos to p.end. inFilter allows the "@" root and
// forbids the ASL roots "$$" and "$name".
func (p *parser) parsePath(inFilter bool) (*Path, error) {
	path := &Path{src: p.src[p.pos:p.end]}
	switch {
	case p.eof():
		return nil, p.errorf("empty path")
	case p.peek() == '@' && inFilter:
		path.root = rootCurrent
		p.pos++
	case p.peek() != '$':
		if inFilter {
			return nil, p.errorf("a path must start with '$' or '@'")
		}
		return nil, p.errorf("a path must start with '$'")
	default:
		p.pos++
		switch {
		case inFilter:
		case p.peek() == '$':
			path.root = RootContext
			p.pos++
		case p.pos < p.end && isNameStart(p.src[p.pos:p.end]):
			path.root = RootVariable
			start := p.pos
			for p.pos < p.end {
				r, n := utf8.DecodeRuneInString(p.src[p.pos:p.end])
				if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					break
				}
				p.pos += n
			}
			path.variable = p.src[start:p.pos]
		}
	}
	if p.eof() {
		path.finish()
		return path, nil
	}
	if p.src[p.end-1] == '.' {
		return nil, p.errorAt(p.end-1, "a path must not end with '.' or '..'")
	}
	if c := p.peek(); c != '.' && c != '[' {
		return nil, p.errorf("unexpected %s after the root; expected '.' or '['", describe(c))
	}
	for !p.eof() {
		at := p.pos
		if err := p.parseToken(path); err != nil {
			return nil, err
		}
		if n := len(path.steps); n >= 2 && path.steps[n-1].kind == stepFunction && path.steps[n-2].kind == stepScan {
			return nil, p.errorAt(at+2, "a function cannot follow '..'")
		}
	}
	path.finish()
	return path, nil
}

func describe(c byte) string {
	if c < 0x20 || c >= 0x7f {
		return fmt.Sprintf("byte 0x%02x", c)
	}
	return strconv.QuoteRune(rune(c))
}

func isNameStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r == '_' || unicode.IsLetter(r)
}

// parseToken reads one token as Jayway's PathCompiler.readNextToken does:
// after the first token, a name may follow a bracket without a dot.
func (p *parser) parseToken(path *Path) error {
	switch p.peek() {
	case '[':
		return p.parseBracket(path)
	case '.':
		if p.at(p.pos+1) == '.' {
			path.steps = append(path.steps, step{kind: stepScan})
			p.pos += 2
		} else {
			p.pos++
		}
		if p.eof() {
			return p.errorf("a path must not end with '.'")
		}
		if p.peek() == '.' {
			return p.errorf("unexpected '.'")
		}
		switch p.peek() {
		case '[':
			return p.parseBracket(path)
		case '*':
			p.pos++
			path.steps = append(path.steps, step{kind: stepWildcard})
			return nil
		}
		return p.parseName(path)
	case '*':
		p.pos++
		path.steps = append(path.steps, step{kind: stepWildcard})
		return nil
	}
	return p.parseName(path)
}

// parseName reads a dotted member name or a function call.
func (p *parser) parseName(path *Path) error {
	start := p.pos
	if c := p.peek(); c == ' ' {
		return p.errorf("unexpected space; use ['name'] for names with spaces")
	}
	for !p.eof() {
		c := p.peek()
		if c == ' ' {
			return p.errorf("unexpected space in a name; use ['name'] for names with spaces")
		}
		if c == '.' || c == '[' || c == '(' {
			break
		}
		p.pos++
	}
	name := p.src[start:p.pos]
	if name == "" {
		return p.errorf("expected a name")
	}
	if p.peek() != '(' {
		path.steps = append(path.steps, step{kind: stepMember, name: name})
		return nil
	}
	fn, ok := functionByName(name)
	if !ok {
		return p.errorAt(start, "unknown function %s()", name)
	}
	p.pos++ // (
	args, err := p.parseArgs(name)
	if err != nil {
		return err
	}
	path.steps = append(path.steps, step{kind: stepFunction, name: name, fn: fn, args: args})
	return nil
}

// parseArgs reads function arguments up to and including the closing
// parenthesis. An argument is a path ($... or @...) or a JSON literal.
func (p *parser) parseArgs(name string) ([]fnArg, error) {
	if p.depth++; p.depth > maxNesting {
		return nil, p.errorf("nesting too deep")
	}
	defer func() { p.depth-- }()
	var args []fnArg
	argStart := p.pos
	paren, bracket, brace := 0, 0, 0
	for {
		if p.eof() {
			return nil, p.errorAt(argStart, "arguments to function %s() are not closed", name)
		}
		c := p.peek()
		switch c {
		case '"', '\'':
			if _, err := p.skipQuoted(c); err != nil {
				return nil, err
			}
			continue
		case '(':
			paren++
		case '[':
			bracket++
		case '{':
			brace++
		case ']':
			if bracket == 0 {
				return nil, p.errorf("unexpected ']'")
			}
			bracket--
		case '}':
			if brace == 0 {
				return nil, p.errorf("unexpected '}'")
			}
			brace--
		case ')', ',':
			if c == ')' && paren > 0 {
				paren--
				break
			}
			if paren > 0 || bracket > 0 || brace > 0 {
				break
			}
			a, err := p.parseArg(argStart, p.pos, name, c == ')' && len(args) == 0)
			if err != nil {
				return nil, err
			}
			if a != nil {
				args = append(args, *a)
			}
			p.pos++
			if c == ')' {
				return args, nil
			}
			argStart = p.pos
			continue
		}
		p.pos++
	}
}

// parseArg compiles the argument text src[start:end]. It returns nil for
// the empty argument list "()".
func (p *parser) parseArg(start, end int, name string, onlyArg bool) (*fnArg, error) {
	for start < end && isSpace(p.src[start]) {
		start++
	}
	for end > start && isSpace(p.src[end-1]) {
		end--
	}
	if start == end {
		if onlyArg {
			return nil, nil
		}
		return nil, p.errorAt(start, "empty argument to %s()", name)
	}
	switch c := p.src[start]; {
	case c == '$' || c == '@':
		sub := &parser{src: p.src, pos: start, end: end, depth: p.depth}
		sp, err := sub.parsePath(true)
		if err != nil {
			return nil, err
		}
		return &fnArg{path: sp}, nil
	case c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n':
		v, err := parseLenientJSON(p.src[start:end])
		if err != nil {
			return nil, p.errorAt(start, "argument to %s() is not valid JSON: %v", name, err)
		}
		return &fnArg{lit: v}, nil
	}
	return nil, p.errorAt(start, "argument to %s() must be a path or a JSON value", name)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipQuoted moves past a quoted string starting at p.pos and returns the
// index of its closing quote.
func (p *parser) skipQuoted(q byte) (int, error) {
	start := p.pos
	for i := p.pos + 1; i < p.end; i++ {
		switch p.src[i] {
		case '\\':
			i++
		case q:
			p.pos = i + 1
			return i, nil
		}
	}
	return 0, p.errorAt(start, "unterminated string")
}

// parseBracket reads a token in square brackets: names, indexes, a slice,
// a wildcard or a filter.
func (p *parser) parseBracket(path *Path) error {
	open := p.pos
	i := p.nextSignificant(p.pos + 1)
	switch c := p.at(i); {
	case c == '\'' || c == '"':
		return p.parseBracketNames(path)
	case c == '-' || c == ':' || (c >= '0' && c <= '9'):
		return p.parseArrayToken(path)
	case c == '*':
		j := p.nextSignificant(i + 1)
		if p.at(j) != ']' {
			return p.errorAt(i+1, "expected ']' after '*'")
		}
		p.pos = j + 1
		path.steps = append(path.steps, step{kind: stepWildcard})
		return nil
	case c == '?':
		return p.parseFilterToken(path, open, i)
	case c == 0:
		return p.errorAt(open, "unclosed '['")
	}
	return p.errorAt(i, "unexpected %s in brackets; expected a quoted name, an index, a slice, '*' or '?('", describe(p.at(i)))
}

func (p *parser) parseBracketNames(path *Path) error {
	var names []string
	p.pos = p.nextSignificant(p.pos + 1)
	for {
		q := p.peek()
		if q != '\'' && q != '"' {
			return p.errorf("expected a quoted name")
		}
		start := p.pos
		closeAt, err := p.skipQuoted(q)
		if err != nil {
			return err
		}
		// Step Functions keeps a backslash before the other quote
		// character: the recorded path $['Test\""Name"'] reads the member
		// Test\""Name" (Jayway would read Test""Name").
		other := byte('"')
		if q == '"' {
			other = '\''
		}
		name, err := unescape(p.src[start+1:closeAt], other)
		if err != nil {
			return p.errorAt(start, "%v", err)
		}
		names = append(names, name)
		p.pos = p.nextSignificant(p.pos)
		switch p.peek() {
		case ',':
			p.pos = p.nextSignificant(p.pos + 1)
			continue
		case ']':
			p.pos++
		default:
			return p.errorf("expected ',' or ']' after a quoted name")
		}
		break
	}
	if len(names) == 1 {
		path.steps = append(path.steps, step{kind: stepMember, name: names[0]})
	} else {
		path.steps = append(path.steps, step{kind: stepMembers, names: names})
	}
	return nil
}

// parseArrayToken reads [n], [n,m,...] or a slice [a:b], with Jayway's
// rules: 32-bit integers, a third slice part ignored, [:] an error.
func (p *parser) parseArrayToken(path *Path) error {
	open := p.pos
	closeAt := strings.IndexByte(p.src[open:p.end], ']')
	if closeAt < 0 {
		return p.errorAt(open, "unclosed '['")
	}
	closeAt += open
	inner := p.src[open+1 : closeAt]
	expr := strings.Trim(inner, " ")
	exprOff := open + 1 + strings.Index(inner, expr)
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		if !(c >= '0' && c <= '9') && c != ',' && c != '-' && c != ':' && c != ' ' {
			return p.errorAt(exprOff+i, "unexpected %s in an index", describe(c))
		}
	}
	p.pos = closeAt + 1
	if strings.IndexByte(expr, ':') >= 0 {
		if i := strings.IndexAny(expr, ", "); i >= 0 {
			return p.errorAt(exprOff+i, "unexpected %s in a slice", describe(expr[i]))
		}
		parts := strings.Split(expr, ":")
		// Java's String.split drops trailing empty parts.
		for len(parts) > 0 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
		s := step{kind: stepSlice}
		var err error
		if len(parts) > 0 && parts[0] != "" {
			if s.from, err = parseInt32(parts[0]); err != nil {
				return p.errorAt(exprOff, "invalid slice start %q", parts[0])
			}
			s.hasFrom = true
		}
		if len(parts) > 1 && parts[1] != "" {
			if s.to, err = parseInt32(parts[1]); err != nil {
				return p.errorAt(exprOff, "invalid slice end %q", parts[1])
			}
			s.hasTo = true
		}
		if !s.hasFrom && !s.hasTo {
			return p.errorAt(exprOff, "a slice needs a start or an end")
		}
		path.steps = append(path.steps, s)
		return nil
	}
	var idx []int
	for _, part := range strings.Split(expr, ",") {
		part = strings.Trim(part, " ")
		n, err := parseInt32(part)
		if err != nil {
			return p.errorAt(exprOff, "invalid index %q", part)
		}
		idx = append(idx, n)
	}
	if len(idx) == 1 {
		path.steps = append(path.steps, step{kind: stepIndex, index: idx[0]})
	} else {
		path.steps = append(path.steps, step{kind: stepIndexes, indexes: idx})
	}
	return nil
}

// parseInt32 parses as Java's Integer.parseInt does (optional sign, decimal
// digits, leading zeros allowed, 32-bit range).
func parseInt32(s string) (int, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || s == "" || s[0] == '+' {
		return 0, fmt.Errorf("invalid integer %q", s)
	}
	return int(n), nil
}

// parseFilterToken reads [?( ... )] where q is the index of '?'.
func (p *parser) parseFilterToken(path *Path, open, q int) error {
	lp := p.nextSignificant(q + 1)
	if p.at(lp) != '(' {
		return p.errorAt(lp, "expected '(' after '[?'")
	}
	rp, err := p.matchingClose(lp, '(', ')', true)
	if err != nil {
		return err
	}
	rb := p.nextSignificant(rp + 1)
	if p.at(rb) != ']' {
		return p.errorAt(rb, "expected ']' to close the filter")
	}
	if p.depth++; p.depth > maxNesting {
		return p.errorAt(open, "nesting too deep")
	}
	fp := &parser{src: p.src, pos: lp, end: rp + 1, depth: p.depth}
	e, err := fp.parseFilter()
	p.depth--
	if err != nil {
		return err
	}
	p.pos = rb + 1
	path.steps = append(path.steps, step{kind: stepFilter, filter: e})
	return nil
}

// matchingClose returns the index of the close byte matching the open byte
// at i, skipping quoted strings and, when skipRegex is set, /regex/
// literals, as Jayway's CharacterIndex.indexOfMatchingCloseChar does.
func (p *parser) matchingClose(i int, open, close byte, skipRegex bool) (int, error) {
	depth := 0
	for j := i; j < p.end; j++ {
		switch c := p.src[j]; c {
		case '\'', '"':
			k := p.closingUnescaped(j, c)
			if k < 0 {
				return 0, p.errorAt(j, "unterminated string")
			}
			j = k
		case '/':
			if skipRegex {
				k := p.closingUnescaped(j, '/')
				if k < 0 {
					return 0, p.errorAt(j, "unterminated regular expression")
				}
				j = k
			}
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return j, nil
			}
		}
	}
	return 0, p.errorAt(i, "unclosed %s", describe(open))
}

// closingUnescaped returns the index of the next c after i that is not
// escaped by a backslash, or -1.
func (p *parser) closingUnescaped(i int, c byte) int {
	for j := i + 1; j < p.end; j++ {
		switch p.src[j] {
		case '\\':
			j++
		case c:
			return j
		}
	}
	return -1
}

// unescape decodes the backslash escapes Jayway's Utils.unescape knows;
// any other escaped character stands for itself, except keep, which keeps
// its backslash.
func unescape(s string, keep byte) (string, error) {
	if strings.IndexByte(s, '\\') < 0 {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case keep:
			b.WriteByte('\\')
			b.WriteByte(keep)
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'b':
			b.WriteByte('\b')
		case 'u':
			if i+5 > len(s) {
				return "", fmt.Errorf("short \\u escape")
			}
			n, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
			if err != nil {
				return "", fmt.Errorf("invalid \\u escape")
			}
			i += 4
			r := rune(n)
			// Java strings are UTF-16: an escaped surrogate pair is one character.
			if utf16.IsSurrogate(r) && i+7 <= len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
				if lo, err := strconv.ParseUint(s[i+3:i+7], 16, 16); err == nil {
					if c := utf16.DecodeRune(r, rune(lo)); c != utf8.RuneError {
						r = c
						i += 6
					}
				}
			}
			b.WriteRune(r)
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), nil
}
