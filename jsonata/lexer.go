package jsonata

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// tokenKind classifies a token.
type tokenKind int

const (
	tokEnd tokenKind = iota
	tokOperator
	tokName
	tokVariable
	tokString
	tokNumber
	tokValue // true, false, null
	tokRegex
)

type token struct {
	kind  tokenKind
	value string  // operator text, name, variable name (no $), string content, regex pattern
	num   float64 // tokNumber
	lit   any     // tokValue: true, false or nil
	flags string  // tokRegex
	pos   int     // offset just past the token, as jsonata-js reports
	start int     // offset of the token's first character
}

// id is the symbol the parser dispatches on.
func (t token) id() string {
	switch t.kind {
	case tokEnd:
		return "(end)"
	case tokOperator:
		return t.value
	case tokName:
		return "(name)"
	case tokVariable:
		return "(variable)"
	case tokRegex:
		return "(regex)"
	}
	return "(literal)"
}

type lexer struct {
	src string
	pos int
}

// operators lists the operator spellings; two-character ones are tried first.
var twoCharOps = []string{"..", ":=", "!=", ">=", "<=", "**", "~>", "?:", "??"}

const singleCharOps = ".[]{}(),@#;:?+-*/%|=<>^&!~"

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// next reads one token. prefix says the parser expects an operand, where
// '/' starts a regex rather than a division.
func (l *lexer) next(prefix bool) (token, error) {
	src := l.src
	for {
		for l.pos < len(src) && isSpace(src[l.pos]) {
			l.pos++
		}
		if l.pos+1 < len(src) && src[l.pos] == '/' && src[l.pos+1] == '*' {
			start := l.pos
			end := strings.Index(src[l.pos+2:], "*/")
			if end < 0 {
				return token{}, &Error{Code: "S0106", Position: start, Message: "comment has no closing tag"}
			}
			l.pos += end + 4
			continue
		}
		break
	}
	if l.pos >= len(src) {
		return token{kind: tokEnd, pos: l.pos, start: l.pos}, nil
	}
	start := l.pos
	c := src[l.pos]
	if prefix && c == '/' {
		return l.regex()
	}
	if l.pos+1 < len(src) {
		two := src[l.pos : l.pos+2]
		for _, op := range twoCharOps {
			if two == op {
				l.pos += 2
				return token{kind: tokOperator, value: op, pos: l.pos, start: start}, nil
			}
		}
	}
	if strings.IndexByte(singleCharOps, c) >= 0 {
		l.pos++
		return token{kind: tokOperator, value: string(c), pos: l.pos, start: start}, nil
	}
	switch {
	case c == '"' || c == '\'':
		return l.str(c)
	case c >= '0' && c <= '9':
		return l.number()
	case c == '`':
		end := strings.IndexByte(src[l.pos+1:], '`')
		if end < 0 {
			return token{}, &Error{Code: "S0105", Position: l.pos, Message: "quoted property name must be terminated with a backquote (`)"}
		}
		name := src[l.pos+1 : l.pos+1+end]
		l.pos += end + 2
		return token{kind: tokName, value: name, pos: l.pos, start: start}, nil
	}
	// A name or variable runs to the next space or operator character.
	i := l.pos
	for i < len(src) {
		ch := src[i]
		if isSpace(ch) || strings.IndexByte(singleCharOps, ch) >= 0 || ch == '"' || ch == '\'' || ch == '`' {
			break
		}
		i++
	}
	word := src[l.pos:i]
	if word == "" {
		l.pos++
		return token{}, &Error{Code: "S0204", Position: start, Token: src[start:l.pos], Message: "unknown operator"}
	}
	l.pos = i
	if word[0] == '$' {
		return token{kind: tokVariable, value: word[1:], pos: l.pos, start: start}, nil
	}
	switch word {
	case "and", "or", "in":
		return token{kind: tokOperator, value: word, pos: l.pos, start: start}, nil
	case "true":
		return token{kind: tokValue, value: word, lit: true, pos: l.pos, start: start}, nil
	case "false":
		return token{kind: tokValue, value: word, lit: false, pos: l.pos, start: start}, nil
	case "null":
		return token{kind: tokValue, value: word, lit: nil, pos: l.pos, start: start}, nil
	}
	return token{kind: tokName, value: word, pos: l.pos, start: start}, nil
}

func (l *lexer) number() (token, error) {
	src, start := l.src, l.pos
	i := l.pos
	if src[i] == '0' {
		i++
	} else {
		for i < len(src) && src[i] >= '0' && src[i] <= '9' {
			i++
		}
	}
	if i+1 < len(src) && src[i] == '.' && src[i+1] >= '0' && src[i+1] <= '9' {
		i++
		for i < len(src) && src[i] >= '0' && src[i] <= '9' {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && src[j] >= '0' && src[j] <= '9' {
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			i = j
		}
	}
	text := src[start:i]
	f, err := strconv.ParseFloat(text, 64)
	if (err != nil && !strings.Contains(err.Error(), "range")) || math.IsInf(f, 0) {
		return token{}, &Error{Code: "S0102", Position: start, Token: text, Message: "number out of range: " + text}
	}
	l.pos = i
	return token{kind: tokNumber, value: text, num: f, pos: i, start: start}, nil
}

func (l *lexer) str(quote byte) (token, error) {
	src, start := l.src, l.pos
	i := l.pos + 1
	var b strings.Builder
	for i < len(src) {
		c := src[i]
		if c == quote {
			l.pos = i + 1
			return token{kind: tokString, value: b.String(), pos: l.pos, start: start}, nil
		}
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		i++
		if i >= len(src) {
			break
		}
		switch e := src[i]; e {
		case '"', '\\', '/', '\'':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := hex4(src, i+1)
			if !ok {
				return token{}, &Error{Code: "S0104", Position: i, Message: "the escape sequence \\u must be followed by 4 hex digits"}
			}
			i += 4
			if utf16.IsSurrogate(r) {
				// Join a surrogate pair; a lone surrogate becomes U+FFFD,
				// since Go strings cannot hold it.
				if r < 0xdc00 && i+6 < len(src)+0 && src[i+1] == '\\' && src[i+2] == 'u' {
					if r2, ok := hex4(src, i+3); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
						b.WriteRune(utf16.DecodeRune(r, r2))
						i += 6
						break
					}
				}
				b.WriteRune(utf8.RuneError)
				break
			}
			b.WriteRune(r)
		default:
			return token{}, &Error{Code: "S0103", Position: i, Token: string(e), Message: "unsupported escape sequence: \\" + string(e)}
		}
		i++
	}
	return token{}, &Error{Code: "S0101", Position: start, Message: "string literal must be terminated by a matching quote"}
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(s[i:i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(n), true
}

// regex scans /pattern/flags starting at the opening slash. As in
// jsonata-js, the closing slash is the first unescaped one outside any
// (), [] or {} nesting, and only the flags i and m are read.
func (l *lexer) regex() (token, error) {
	src, start := l.src, l.pos
	depth := 0
	for i := l.pos + 1; i < len(src); i++ {
		c := src[i]
		escaped := src[i-1] == '\\'
		if c == '/' && depth == 0 {
			backslashes := 0
			for j := i - 1; j > start && src[j] == '\\'; j-- {
				backslashes++
			}
			if backslashes%2 == 0 {
				pattern := src[start+1 : i]
				if pattern == "" {
					return token{}, &Error{Code: "S0301", Position: i, Message: "empty regular expressions are not allowed"}
				}
				i++
				fstart := i
				for i < len(src) && (src[i] == 'i' || src[i] == 'm') {
					i++
				}
				l.pos = i
				return token{kind: tokRegex, value: pattern, flags: src[fstart:i], pos: i, start: start}, nil
			}
		}
		switch {
		case (c == '(' || c == '[' || c == '{') && !escaped:
			depth++
		case (c == ')' || c == ']' || c == '}') && !escaped:
			depth--
		}
	}
	return token{}, &Error{Code: "S0302", Position: len(src), Message: "no terminating / in regular expression"}
}
