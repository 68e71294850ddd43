package jsonata

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cairn-sfn/cairn/value"
)

// regexFn is a regex literal's value: a function that matches strings.
type regexFn struct{ re *regexp.Regexp }

func (r *regexFn) arity() int { return 1 }

// regexMatch is one match, with offsets in UTF-16 code units as
// JavaScript reports them.
type regexMatch struct {
	match      string
	start, end int // UTF-16 offsets
	byteStart  int
	byteEnd    int
	groups     []any // string, or undefined for a group that did not take part
}

func (m *regexMatch) object() *value.Object {
	o := value.NewObject(4)
	o.Set("match", m.match)
	o.Set("start", float64(m.start))
	o.Set("end", float64(m.end))
	o.Set("groups", append([]any{}, m.groups...)) // undefined for a group that took no part
	return o
}

// matchAt finds the first match at or after byte offset from.
func (r *regexFn) matchAt(s string, from int) *regexMatch {
	if from > len(s) {
		return nil
	}
	loc := r.re.FindStringSubmatchIndex(s[from:])
	if loc == nil {
		return nil
	}
	for k := range loc {
		if loc[k] >= 0 {
			loc[k] += from
		}
	}
	return newMatch(s, loc)
}

func newMatch(s string, loc []int) *regexMatch {
	m := &regexMatch{byteStart: loc[0], byteEnd: loc[1]}
	m.match = s[m.byteStart:m.byteEnd]
	m.start = utf16Len(s[:m.byteStart])
	m.end = m.start + utf16Len(m.match)
	for g := 1; g < len(loc)/2; g++ {
		if loc[2*g] < 0 {
			m.groups = append(m.groups, undefined)
		} else {
			m.groups = append(m.groups, s[loc[2*g]:loc[2*g+1]])
		}
	}
	return m
}

// all returns up to limit matches (limit < 0: all), stepping as jsonata-js
// does with a global JavaScript regex: the search resumes where the last
// match ended, so a later match of the empty string (which would repeat
// forever) is error D1004, even one just past the limit.
func (r *regexFn) all(s string, limit int) ([]*regexMatch, error) {
	locs := r.re.FindAllStringSubmatchIndex(s, -1)
	if len(locs) == 0 {
		return nil, nil
	}
	zeroLength := &Error{Code: "D1004", Position: -1, Value: r.re.String(), Message: "regular expression matches zero length string"}
	var out []*regexMatch
	m := newMatch(s, locs[0])
	next := 1
	for m != nil && (limit < 0 || len(out) < limit) {
		out = append(out, m)
		end := m.byteEnd
		if end >= len(s) {
			break
		}
		if m.match == "" {
			return nil, zeroLength
		}
		// Go's search skips an empty match right after the previous one;
		// JavaScript's finds it.
		if loc := r.re.FindStringIndex(s[end:]); loc != nil && loc[0] == 0 && loc[1] == 0 {
			return nil, zeroLength
		}
		m = nil
		if next < len(locs) {
			m = newMatch(s, locs[next])
			next++
			if m.match == "" {
				return nil, zeroLength
			}
		}
	}
	return out, nil
}

func utf16Len(s string) int {
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

func utf16Units(s string) []uint16 {
	return utf16.Encode([]rune(s))
}

// compileRegex translates a JavaScript regular expression into Go's RE2
// syntax. Features RE2 lacks (look-around, back-references) are reported.
func compileRegex(pattern, flags string) (*regexp.Regexp, error) {
	var b strings.Builder
	prefix := ""
	for _, f := range flags {
		switch f {
		case 'i':
			prefix += "i"
		case 'm':
			prefix += "m"
		case 's':
			prefix += "s"
		case 'g', 'u', 'y':
		default:
			return nil, &Error{Code: "S0303", Position: -1, Token: flags, Message: fmt.Sprintf("unsupported regular expression flag %q", f)}
		}
	}
	if prefix != "" {
		b.WriteString("(?" + prefix + ")")
	}
	unsupported := func(what string) error {
		return &Error{Code: "S0303", Position: -1, Token: pattern, Message: "regular expression uses " + what + ", which is not supported"}
	}
	inClass := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern):
			e := pattern[i+1]
			i++
			switch {
			case e == 'u' && i+4 < len(pattern)+0 && isHex(pattern[i+1:min(i+5, len(pattern))]) && i+4 < len(pattern):
				b.WriteString(`\x{` + pattern[i+1:i+5] + `}`)
				i += 4
			case e == 'u' && i+1 < len(pattern) && pattern[i+1] == '{':
				end := strings.IndexByte(pattern[i:], '}')
				if end < 0 {
					return nil, unsupported(`\u{`)
				}
				b.WriteString(`\x` + pattern[i+1:i+end+1])
				i += end
			case e == 'c' && i+1 < len(pattern):
				fmt.Fprintf(&b, `\x{%x}`, pattern[i+1]%32)
				i++
			case e == '0':
				b.WriteString(`\x00`)
			case e >= '1' && e <= '9':
				return nil, unsupported("a back-reference")
			case e == 'k':
				return nil, unsupported("a named back-reference")
			case e == '/':
				b.WriteByte('/')
			case e == 'd' || e == 'D' || e == 'w' || e == 'W' || e == 's' || e == 'S' || e == 'b' || e == 'B' ||
				e == 'n' || e == 'r' || e == 't' || e == 'f' || e == 'v' || e == 'x' || e == 'p' || e == 'P':
				b.WriteByte('\\')
				b.WriteByte(e)
			case e < utf8.RuneSelf && !isAlnum(e):
				b.WriteByte('\\')
				b.WriteByte(e)
			default:
				// An identity escape of a letter: the letter itself.
				b.WriteByte(e)
			}
		case inClass:
			if c == ']' {
				inClass = false
			}
			if c == '[' {
				b.WriteString(`\[`)
				continue
			}
			b.WriteByte(c)
		case c == '[':
			if strings.HasPrefix(pattern[i:], "[^]") {
				b.WriteString(`[\s\S]`)
				i += 2
				continue
			}
			if strings.HasPrefix(pattern[i:], "[]") {
				b.WriteString(`[^\s\S]`)
				i++
				continue
			}
			inClass = true
			b.WriteByte(c)
			if i+1 < len(pattern) && pattern[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(pattern) && pattern[i+1] == ']' {
				b.WriteString(`\]`)
				i++
			}
		case c == '(' && strings.HasPrefix(pattern[i:], "(?="), c == '(' && strings.HasPrefix(pattern[i:], "(?!"),
			c == '(' && strings.HasPrefix(pattern[i:], "(?<="), c == '(' && strings.HasPrefix(pattern[i:], "(?<!"):
			return nil, unsupported("a look-around assertion")
		case c == '(' && strings.HasPrefix(pattern[i:], "(?<"):
			b.WriteString("(?P<")
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, &Error{Code: "S0303", Position: -1, Token: pattern, Message: "invalid regular expression: " + err.Error()}
	}
	return re, nil
}

func isHex(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// mustQuoteRegex matches the literal text s.
func mustQuoteRegex(s string) *regexp.Regexp { return regexp.MustCompile(regexp.QuoteMeta(s)) }
