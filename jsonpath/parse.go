package jsonpath

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

type parser struct {
	src string
	pos int
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

func (p *parser) peek() byte {
	if p.pos >= len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

func (p *parser) parsePath() (*Path, error) {
	path := &Path{src: p.src}
	if !strings.HasPrefix(p.src, "$") {
		return nil, p.errorf("a path must start with '$'")
	}
	p.pos = 1
	switch {
	case p.peek() == '$':
		path.root = RootContext
		p.pos++
	case isNameStart(p.src[p.pos:]):
		path.root = RootVariable
		start := p.pos
		for !p.eof() {
			r, n := utf8.DecodeRuneInString(p.src[p.pos:])
			if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			p.pos += n
		}
		path.variable = p.src[start:p.pos]
	}
	for !p.eof() {
		s, err := p.parseStep()
		if err != nil {
			return nil, err
		}
		path.steps = append(path.steps, s)
	}
	path.finish()
	return path, nil
}

func isNameStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r == '_' || unicode.IsLetter(r)
}

func (p *parser) parseStep() (step, error) {
	switch p.peek() {
	case '.':
		p.pos++
		start := p.pos
		for !p.eof() && p.peek() != '.' && p.peek() != '[' {
			p.pos++
		}
		if p.pos == start {
			return step{}, p.errorf("expected a member name after '.'")
		}
		return step{kind: stepMember, name: p.src[start:p.pos]}, nil
	case '[':
		p.pos++
		var s step
		switch c := p.peek(); {
		case c == '\'' || c == '"':
			name, err := p.parseQuoted()
			if err != nil {
				return step{}, err
			}
			s = step{kind: stepMember, name: name}
		case c == '-' || (c >= '0' && c <= '9'):
			start := p.pos
			p.pos++
			for !p.eof() && p.peek() >= '0' && p.peek() <= '9' {
				p.pos++
			}
			n, err := strconv.Atoi(p.src[start:p.pos])
			if err != nil {
				p.pos = start
				return step{}, p.errorf("invalid index")
			}
			s = step{kind: stepIndex, index: n}
		default:
			return step{}, p.errorf("unexpected %q in brackets", c)
		}
		if p.peek() != ']' {
			return step{}, p.errorf("expected ']'")
		}
		p.pos++
		return s, nil
	}
	return step{}, p.errorf("unexpected %q", p.peek())
}

func (p *parser) parseQuoted() (string, error) {
	q := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for !p.eof() {
		c := p.src[p.pos]
		switch c {
		case q:
			p.pos++
			return b.String(), nil
		case '\\':
			if p.pos+1 < len(p.src) {
				b.WriteByte(p.src[p.pos+1])
				p.pos += 2
				continue
			}
		}
		b.WriteByte(c)
		p.pos++
	}
	return "", p.errorf("unterminated string")
}

// finish computes the properties derived from the steps.
func (path *Path) finish() {
	path.definite, path.reference = true, true
	for i := range path.steps {
		s := &path.steps[i]
		switch s.kind {
		case stepMember:
		case stepIndex:
			if s.index < 0 {
				path.reference = false
			}
		default:
			path.definite, path.reference = false, false
		}
	}
	path.canonical = path.canonicalPrefix(len(path.steps))
}
