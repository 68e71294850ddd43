package jsonpath

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/cairn-sfn/cairn/value"
)

// expr is a compiled filter expression.
type expr interface {
	eval(e *evaluator, item any) (bool, error)
}

type orExpr []expr
type andExpr []expr
type notExpr struct{ x expr }

// relExpr compares two operands. For an existence test ("@.a", "!@.a")
// op is opExists and right is nil.
type relExpr struct {
	left, right operand
	op          relOp
	shouldExist bool // opExists: the test is "@.a" (true) or "!@.a" (false)
}

type relOp uint8

const (
	opExists relOp = iota
	opEQ
	opTSEQ // ===
	opNE
	opTSNE // !==
	opLT
	opLE
	opGT
	opGE
	opRegex
	opIn
	opNin
	opContains
	opAll
	opSize
	opEmpty
	opSubsetOf
	opAnyOf
	opNoneOf
	opType
	opMatches
	opExistsWord // "exists" written as an operator
)

var relOps = map[string]relOp{
	"==": opEQ, "===": opTSEQ, "!=": opNE, "!==": opTSNE, "<": opLT, "<=": opLE, ">": opGT, ">=": opGE,
	"=~": opRegex, "in": opIn, "nin": opNin, "contains": opContains, "all": opAll, "size": opSize,
	"empty": opEmpty, "subsetof": opSubsetOf, "anyof": opAnyOf, "noneof": opNoneOf, "type": opType,
	"matches": opMatches, "exists": opExistsWord,
}

// operand is a literal (a constant node) or a path evaluated per item.
type operand struct {
	path *Path // nil for a literal
	lit  node
}

// parseFilter parses "( ... )" from p.pos to p.end, as Jayway's
// FilterCompiler does: the outer parentheses are an ordinary group.
func (p *parser) parseFilter() (expr, error) {
	x, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	p.skipBlanks()
	if !p.eof() {
		return nil, p.errorf("unexpected %q at the end of the filter", p.src[p.pos:p.end])
	}
	return x, nil
}

func (p *parser) skipBlanks() {
	for p.pos < p.end && p.src[p.pos] == ' ' {
		p.pos++
	}
}

// hasOp consumes s after blanks if it is next.
func (p *parser) hasOp(s string) bool {
	save := p.pos
	p.skipBlanks()
	if strings.HasPrefix(p.src[p.pos:p.end], s) {
		p.pos += len(s)
		return true
	}
	p.pos = save
	return false
}

func (p *parser) parseOr() (expr, error) {
	if p.depth++; p.depth > maxNesting {
		return nil, p.errorf("nesting too deep")
	}
	defer func() { p.depth-- }()
	var ops orExpr
	for {
		x, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		ops = append(ops, x)
		if !p.hasOp("||") {
			break
		}
	}
	if len(ops) == 1 {
		return ops[0], nil
	}
	return ops, nil
}

func (p *parser) parseAnd() (expr, error) {
	var ops andExpr
	for {
		x, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		ops = append(ops, x)
		if !p.hasOp("&&") {
			break
		}
	}
	if len(ops) == 1 {
		return ops[0], nil
	}
	return ops, nil
}

func (p *parser) parseOperand() (expr, error) {
	p.skipBlanks()
	if p.peek() == '!' {
		save := p.pos
		p.pos++
		p.skipBlanks()
		if c := p.peek(); c != '$' && c != '@' {
			if p.depth++; p.depth > maxNesting {
				return nil, p.errorf("nesting too deep")
			}
			x, err := p.parseOperand()
			p.depth--
			if err != nil {
				return nil, err
			}
			return notExpr{x}, nil
		}
		// "!@.a" is a negated existence test, read below.
		p.pos = save
	}
	if p.peek() == '(' {
		p.pos++
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		p.skipBlanks()
		if p.peek() != ')' {
			return nil, p.errorf("expected ')'")
		}
		p.pos++
		return x, nil
	}
	return p.parseRelation()
}

func (p *parser) parseRelation() (expr, error) {
	leftAt := p.pos
	left, negated, err := p.parseValue()
	if err != nil {
		return nil, err
	}
	save := p.pos
	if op, ok := p.parseRelOp(); ok {
		right, _, err := p.parseValue()
		if err != nil {
			return nil, err
		}
		return &relExpr{left: left, op: op, right: right}, nil
	}
	p.pos = save
	if left.path == nil {
		return nil, p.errorAt(leftAt, "expected a path or a comparison")
	}
	return &relExpr{left: left, op: opExists, shouldExist: !negated}, nil
}

func isRelChar(c byte) bool { return c == '<' || c == '>' || c == '=' || c == '~' || c == '!' }

func (p *parser) parseRelOp() (relOp, bool) {
	p.skipBlanks()
	start := p.pos
	if isRelChar(p.peek()) {
		for p.pos < p.end && isRelChar(p.src[p.pos]) {
			p.pos++
		}
	} else {
		for p.pos < p.end && p.src[p.pos] != ' ' {
			p.pos++
		}
	}
	op, ok := relOps[strings.ToLower(p.src[start:p.pos])]
	return op, ok
}

// parseValue reads an operand. negated reports a "!" before a path.
func (p *parser) parseValue() (operand, bool, error) {
	p.skipBlanks()
	switch c := p.peek(); c {
	case '$', '@':
		path, err := p.parseFilterPath()
		return operand{path: path}, false, err
	case '!':
		p.pos++
		p.skipBlanks()
		if c := p.peek(); c == '$' || c == '@' {
			path, err := p.parseFilterPath()
			return operand{path: path}, true, err
		}
		return operand{}, false, p.errorf("unexpected '!'")
	}
	n, err := p.parseLiteral()
	return operand{lit: n}, false, err
}

// parseFilterPath reads a path inside a filter, which ends at a space, a
// comparison character or a closing parenthesis that is not a function's.
func (p *parser) parseFilterPath() (*Path, error) {
	begin := p.pos
	p.pos++
	for p.pos < p.end {
		if p.peek() == '[' {
			closeAt, err := p.matchingClose(p.pos, '[', ']', false)
			if err != nil {
				return nil, err
			}
			p.pos = closeAt + 1
			if p.eof() {
				break
			}
		}
		c := p.peek()
		if c == ')' && !p.closesFunction(begin) {
			break
		}
		if isRelChar(c) || c == ' ' {
			break
		}
		p.pos++
	}
	sub := &parser{src: p.src, pos: begin, end: p.pos, depth: p.depth}
	return sub.parsePath(true)
}

// closesFunction reports whether the ')' at p.pos closes an argument-less
// call such as "@.length()".
func (p *parser) closesFunction(begin int) bool {
	i := p.pos - 1
	for i > begin && p.src[i] == ' ' {
		i--
	}
	if i <= begin || p.src[i] != '(' {
		return false
	}
	return strings.IndexByte(p.src[begin+1:i], '.') >= 0
}

func (p *parser) parseLiteral() (node, error) {
	start := p.pos
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		closeAt, err := p.skipQuoted(c)
		if err != nil {
			return node{}, err
		}
		s, err := unescape(p.src[start+1:closeAt], 0)
		if err != nil {
			return node{}, p.errorAt(start, "%v", err)
		}
		return node{kind: nodeString, s: s}, nil
	case c == 't' || c == 'f':
		for _, w := range []string{"true", "false"} {
			if strings.HasPrefix(p.src[p.pos:p.end], w) {
				p.pos += len(w)
				return node{kind: nodeBool, b: w == "true"}, nil
			}
		}
		return node{}, p.errorf("expected true or false")
	case c == 'n':
		if strings.HasPrefix(p.src[p.pos:p.end], "null") {
			p.pos += 4
			return node{kind: nodeNull}, nil
		}
		return node{}, p.errorf("expected null")
	case c == '[' || c == '{':
		closeAt, err := p.matchingClose(p.pos, c, map[byte]byte{'[': ']', '{': '}'}[c], false)
		if err != nil {
			return node{}, err
		}
		p.pos = closeAt + 1
		v, err := parseLenientJSON(p.src[start:p.pos])
		if err != nil {
			return node{}, p.errorAt(start, "invalid JSON literal: %v", err)
		}
		return node{kind: nodeJSON, json: v, literal: true}, nil
	case c == '/':
		return p.parseRegex()
	}
	for p.pos < p.end && isNumberChar(p.src[p.pos]) {
		p.pos++
	}
	text := p.src[start:p.pos]
	if !isBigDecimal(text) {
		p.pos = start
		return node{}, p.errorf("expected a value")
	}
	return node{kind: nodeNumber, num: value.Number(text)}, nil
}

func isNumberChar(c byte) bool {
	return (c >= '0' && c <= '9') || c == '-' || c == '.' || c == 'e' || c == 'E'
}

// isBigDecimal reports whether s is a number Java's BigDecimal(String)
// accepts: a sign, digits with at most one '.', and an optional exponent.
func isBigDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			digits++
		} else if c == '.' && !dot {
			dot = true
		} else {
			break
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}

func (p *parser) parseRegex() (node, error) {
	start := p.pos
	closeAt := p.closingUnescaped(p.pos, '/')
	if closeAt < 0 {
		return node{}, p.errorf("unterminated regular expression")
	}
	pattern := p.src[start+1 : closeAt]
	p.pos = closeAt + 1
	flagStart := p.pos
	for p.pos < p.end && strings.IndexByte("dixmsuU", p.src[p.pos]) >= 0 {
		p.pos++
	}
	re, err := compileJavaRegex(pattern, p.src[flagStart:p.pos])
	if err != nil {
		return node{}, p.errorAt(start, "invalid regular expression: %v", err)
	}
	return node{kind: nodePattern, re: re}, nil
}

// compileJavaRegex compiles a Java pattern with Jayway's flags for a whole-
// string match (Matcher.matches). Go's RE2 syntax covers the common subset
// of Java's; back-references and look-around are rejected.
func compileJavaRegex(pattern, flags string) (*regexp.Regexp, error) {
	var goFlags strings.Builder
	for _, f := range flags {
		switch f {
		case 'i', 'm', 's':
			goFlags.WriteRune(f)
		case 'x':
			pattern = stripRegexComments(pattern)
		}
	}
	prefix := ""
	if goFlags.Len() > 0 {
		prefix = "(?" + goFlags.String() + ")"
	}
	return regexp.Compile(prefix + `\A(?:` + pattern + `)\z`)
}

// stripRegexComments applies Java's COMMENTS flag: unescaped white space
// and #-comments outside character classes are ignored.
func stripRegexComments(p string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			b.WriteByte(c)
			b.WriteByte(p[i+1])
			i++
			continue
		case c == '[':
			inClass = true
		case c == ']':
			inClass = false
		case !inClass && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			continue
		case !inClass && c == '#':
			for i < len(p) && p[i] != '\n' {
				i++
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// parseLenientJSON parses a JSON literal the way json-smart's permissive
// mode reads the ones in paths: single-quoted strings are allowed.
func parseLenientJSON(s string) (any, error) {
	if strings.IndexByte(s, '\'') < 0 {
		return value.ParseString(s)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string")
			}
			b.WriteString(s[i : j+1])
			i = j
		case '\'':
			b.WriteByte('"')
			j := i + 1
			for ; j < len(s) && s[j] != '\''; j++ {
				switch {
				case s[j] == '\\' && j+1 < len(s) && s[j+1] == '\'':
					b.WriteByte('\'')
					j++
				case s[j] == '\\' && j+1 < len(s):
					b.WriteByte('\\')
					b.WriteByte(s[j+1])
					j++
				case s[j] == '"':
					b.WriteString(`\"`)
				default:
					b.WriteByte(s[j])
				}
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string")
			}
			b.WriteByte('"')
			i = j
		default:
			b.WriteByte(c)
		}
	}
	return value.ParseString(b.String())
}
