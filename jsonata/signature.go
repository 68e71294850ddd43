package jsonata

import (
	"fmt"
	"regexp"
	"strings"
)

// signature is a parsed function signature such as "<s-nn?:s>". Arguments
// are checked by matching a string of one-letter type symbols (one per
// argument) against a regular expression built from the parameters.
type signature struct {
	text   string
	params []sigParam
	re     *regexp.Regexp
}

type sigParam struct {
	regex        string
	typ          byte // 's', 'n', 'b', 'l', 'o', 'a', 'f', 'j', 'x', '(' for a choice
	subtype      string
	context      bool
	contextRegex *regexp.Regexp
}

var arraySubtypeNames = map[string]string{"a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings"}

func parseSignature(text string) (*signature, error) {
	sig := &signature{text: text}
	i := 1 // past '<'
	sigErr := func(code, format string, args ...any) error {
		return &Error{Code: code, Position: i, Token: text, Message: fmt.Sprintf(format, args...)}
	}
	last := func() *sigParam {
		if len(sig.params) == 0 {
			return nil
		}
		return &sig.params[len(sig.params)-1]
	}
loop:
	for i < len(text) {
		c := text[i]
		switch c {
		case ':', '>':
			break loop // the return type is not checked
		case 's', 'n', 'b', 'l', 'o':
			sig.params = append(sig.params, sigParam{regex: "[" + string(c) + "m]", typ: c})
		case 'a':
			sig.params = append(sig.params, sigParam{regex: "[asnblfom]", typ: c})
		case 'f':
			sig.params = append(sig.params, sigParam{regex: "f", typ: c})
		case 'j':
			sig.params = append(sig.params, sigParam{regex: "[asnblom]", typ: c})
		case 'x':
			sig.params = append(sig.params, sigParam{regex: "[asnblfom]", typ: c})
		case '-':
			p := last()
			if p == nil {
				return nil, sigErr("S0401", "misplaced '-' in signature")
			}
			p.context = true
			p.contextRegex = regexp.MustCompile("^" + p.regex + "$")
			p.regex += "?"
		case '?', '+':
			p := last()
			if p == nil {
				return nil, sigErr("S0401", "misplaced %q in signature", c)
			}
			p.regex += string(c)
		case '(':
			end := strings.IndexByte(text[i:], ')')
			if end < 0 {
				return nil, sigErr("S0401", "unterminated choice in signature")
			}
			choice := text[i+1 : i+end]
			if strings.Contains(choice, "<") {
				return nil, sigErr("S0402", "choice groups containing parameterized types are not supported")
			}
			sig.params = append(sig.params, sigParam{regex: "[" + choice + "m]", typ: '('})
			i += end
		case '<':
			p := last()
			if p == nil || (p.typ != 'a' && p.typ != 'f') {
				return nil, sigErr("S0401", "type parameters can only be applied to functions and arrays")
			}
			depth, j := 1, i+1
			for ; j < len(text) && depth > 0; j++ {
				switch text[j] {
				case '<':
					depth++
				case '>':
					depth--
				}
			}
			if depth != 0 {
				return nil, sigErr("S0401", "unterminated type parameter in signature")
			}
			p.subtype = text[i+1 : j-1]
			i = j
			continue
		default:
			return nil, sigErr("S0401", "unknown type %q in signature", c)
		}
		i++
	}
	var b strings.Builder
	b.WriteByte('^')
	for _, p := range sig.params {
		b.WriteString("(" + p.regex + ")")
	}
	b.WriteByte('$')
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, sigErr("S0401", "invalid signature")
	}
	sig.re = re
	return sig, nil
}

// typeSymbol is the one-letter signature symbol for a value.
func typeSymbol(v any) byte {
	switch x := v.(type) {
	case undefinedType:
		return 'm'
	case nil:
		return 'l'
	case bool:
		return 'b'
	case float64:
		return 'n'
	case string:
		return 's'
	case []any, *array:
		return 'a'
	case callable:
		return 'f'
	default:
		if _, ok := toFloat(x); ok {
			return 'n'
		}
		return 'o'
	}
}

// validate checks args against the signature, substituting the context
// for a missing '-' parameter and wrapping single values given for arrays.
func (s *signature) validate(args []any, context any) ([]any, error) {
	symbols := make([]byte, len(args))
	for i, a := range args {
		symbols[i] = typeSymbol(a)
	}
	supplied := string(symbols)
	m := s.re.FindStringSubmatch(supplied)
	if m == nil {
		return nil, s.mismatch(args, supplied)
	}
	out := make([]any, 0, len(s.params))
	argIndex := 0
	for pi, p := range s.params {
		match := m[pi+1]
		if match == "" {
			if p.context && p.contextRegex != nil {
				if a, ok := context.(*array); ok && a.outerWrapper && len(a.items) == 1 {
					context = a.items[0]
				}
				if !p.contextRegex.MatchString(string(typeSymbol(context))) {
					return nil, &Error{Code: "T0411", Position: -1, Value: context,
						Message: fmt.Sprintf("context value is not a compatible type with argument %d of function", argIndex+1)}
				}
				out = append(out, context)
			} else {
				if argIndex < len(args) {
					out = append(out, args[argIndex])
				} else {
					out = append(out, undefined)
				}
				argIndex++
			}
			continue
		}
		for k := 0; k < len(match); k++ {
			single := match[k]
			var arg any = undefined
			if argIndex < len(args) {
				arg = args[argIndex]
			}
			if p.typ == 'a' {
				if single == 'm' {
					arg = undefined
				} else {
					ok := true
					if p.subtype != "" {
						if single != 'a' && match != p.subtype {
							ok = false
						} else if single == 'a' {
							items := arrayItems(arg)
							if len(items) > 0 {
								first := typeSymbol(items[0])
								if first != p.subtype[0] {
									ok = false
								} else {
									for _, it := range items {
										if typeSymbol(it) != first {
											ok = false
											break
										}
									}
								}
							}
						}
					}
					if !ok {
						return nil, &Error{Code: "T0412", Position: -1, Value: arg,
							Message: fmt.Sprintf("argument %d of function must be an array of %s", argIndex+1, arraySubtypeNames[p.subtype])}
					}
					if single != 'a' {
						arg = []any{arg}
					}
				}
			}
			out = append(out, arg)
			argIndex++
		}
	}
	return out, nil
}

func (s *signature) mismatch(args []any, supplied string) error {
	partial := "^"
	goodTo := 0
	for _, p := range s.params {
		partial += p.regex
		re, err := regexp.Compile(partial)
		if err != nil {
			break
		}
		loc := re.FindString(supplied)
		if !re.MatchString(supplied) {
			break
		}
		goodTo = len(loc)
	}
	var v any = undefined
	if goodTo < len(args) {
		v = args[goodTo]
	}
	return &Error{Code: "T0410", Position: -1, Value: v,
		Message: fmt.Sprintf("argument %d of function does not match function signature", goodTo+1)}
}
