package jsonata

import (
	"fmt"
	"strings"
)

// signature is a parsed function signature such as "<s-nn?:s>". Arguments
// are checked by matching a string of one-letter type symbols (one per
// argument) against the parameters, each a set of symbols with an optional
// '?' or '+', the way jsonata-js matches its signature regex (greedy, first
// match wins).
type signature struct {
	text   string
	params []sigParam
}

type sigParam struct {
	set     string // the symbols the parameter accepts ('m' is a missing value)
	mod     byte   // 0, '?' or '+'
	typ     byte   // 's', 'n', 'b', 'l', 'o', 'a', 'f', 'j', 'x', '(' for a choice
	subtype string
	context bool // '-': the context stands in when the argument is missing
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
			sig.params = append(sig.params, sigParam{set: string(c) + "m", typ: c})
		case 'a':
			sig.params = append(sig.params, sigParam{set: "asnblfom", typ: c})
		case 'f':
			sig.params = append(sig.params, sigParam{set: "f", typ: c})
		case 'j':
			sig.params = append(sig.params, sigParam{set: "asnblom", typ: c})
		case 'x':
			sig.params = append(sig.params, sigParam{set: "asnblfom", typ: c})
		case '-':
			p := last()
			if p == nil {
				return nil, sigErr("S0401", "misplaced '-' in signature")
			}
			p.context = true
			p.mod = '?'
		case '?', '+':
			p := last()
			if p == nil {
				return nil, sigErr("S0401", "misplaced %q in signature", c)
			}
			p.mod = c
		case '(':
			end := strings.IndexByte(text[i:], ')')
			if end < 0 {
				return nil, sigErr("S0401", "unterminated choice in signature")
			}
			choice := text[i+1 : i+end]
			if strings.Contains(choice, "<") {
				return nil, sigErr("S0402", "choice groups containing parameterized types are not supported")
			}
			sig.params = append(sig.params, sigParam{set: choice + "m", typ: '('})
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
	lens := make([]int, len(s.params))
	if end, ok := s.match(s.params, supplied, 0, lens, true); !ok || end != len(supplied) {
		return nil, s.mismatch(args, supplied)
	}
	m := make([]string, len(s.params)+1)
	pos := 0
	for i, l := range lens {
		m[i+1] = supplied[pos : pos+l]
		pos += l
	}
	out := make([]any, 0, len(s.params))
	argIndex := 0
	for pi, p := range s.params {
		match := m[pi+1]
		if match == "" {
			if p.context {
				if a, ok := context.(*array); ok && a.outerWrapper && len(a.items) == 1 {
					context = a.items[0]
				}
				if !strings.ContainsRune(p.set, rune(typeSymbol(context))) {
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

// match matches params against symbols from pos, greedily with
// backtracking, recording each parameter's length in lens. With anchored,
// the match must consume every symbol; it returns where the match ended.
func (s *signature) match(params []sigParam, symbols string, pos int, lens []int, anchored bool) (int, bool) {
	if len(params) == 0 {
		if anchored && pos != len(symbols) {
			return 0, false
		}
		return pos, true
	}
	p := params[0]
	n := 0 // how many symbols from pos the parameter can take
	for pos+n < len(symbols) && strings.IndexByte(p.set, symbols[pos+n]) >= 0 {
		n++
		if p.mod != '+' {
			break
		}
	}
	lo := 1
	if p.mod == '?' {
		lo = 0
	}
	for l := n; l >= lo; l-- {
		if end, ok := s.match(params[1:], symbols, pos+l, lens[1:], anchored); ok {
			lens[0] = l
			return end, true
		}
	}
	return 0, false
}

func (s *signature) mismatch(args []any, supplied string) error {
	goodTo := 0
	lens := make([]int, len(s.params))
	for k := 1; k <= len(s.params); k++ {
		end, ok := s.match(s.params[:k], supplied, 0, lens[:k], false)
		if !ok {
			break
		}
		goodTo = end
	}
	var v any = undefined
	if goodTo < len(args) {
		v = args[goodTo]
	}
	return &Error{Code: "T0410", Position: -1, Value: v,
		Message: fmt.Sprintf("argument %d of function does not match function signature", goodTo+1)}
}
