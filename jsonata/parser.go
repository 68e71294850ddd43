package jsonata

import "fmt"

// maxParseDepth bounds the nesting of the expression text, so that a hostile
// expression cannot exhaust the stack of the recursive-descent parser.
const maxParseDepth = 500

// bindingPower is each operator's left binding power (precedence).
var bindingPower = map[string]int{
	".": 75, "[": 80, "]": 0, "{": 70, "}": 0, "(": 80, ")": 0, ",": 0, "@": 80, "#": 80, ";": 0, ":": 0,
	"?": 20, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60, "|": 0, "=": 40, "<": 40, ">": 40, "^": 40,
	"**": 60, "..": 0, ":=": 10, "!=": 40, "<=": 40, ">=": 40, "~>": 40, "?:": 40, "??": 40,
	"and": 30, "or": 25, "in": 40, "&": 50,
}

type parser struct {
	lex   lexer
	tok   token
	prev  token
	depth int

	// parent-operator bookkeeping
	ancestry      []*node
	ancestorLabel int
	ancestorIndex int
}

func syntaxErr(code string, pos int, tok string, format string, args ...any) *Error {
	return &Error{Code: code, Position: pos, Token: tok, Message: fmt.Sprintf(format, args...)}
}

// parse turns expression text into a processed AST.
func parse(src string) (*node, error) {
	p := &parser{lex: lexer{src: src}}
	if err := p.advance(""); err != nil {
		return nil, err
	}
	raw, err := p.expression(0)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEnd {
		return nil, syntaxErr("S0201", p.tok.start, p.tok.value, "syntax error: %q", p.tok.value)
	}
	ast, err := p.process(raw)
	if err != nil {
		return nil, err
	}
	if ast.typ == nParent || len(ast.seekingParent) > 0 {
		return nil, syntaxErr("S0217", ast.pos, "parent", "the object representing the 'parent' cannot be derived from this expression")
	}
	return ast, nil
}

// advance checks that the current token is id (when id is non-empty) and
// reads the next one, where an operand may start: '/' opens a regex.
func (p *parser) advance(id string) error { return p.advanceMode(id, false) }

// advanceInfix is advance where an operator may follow: '/' divides.
// jsonata-js reads the token after an operand's first token, and after a
// closing ')' of a call or block, ']' of an array or predicate and '}' of
// an object, this way; after anything else a '/' starts a regex (so
// "a[] / 2" is a syntax error there too).
func (p *parser) advanceInfix(id string) error { return p.advanceMode(id, true) }

func (p *parser) advanceMode(id string, infix bool) error {
	if id != "" && p.tok.id() != id {
		if p.tok.kind == tokEnd {
			return syntaxErr("S0203", p.tok.start, id, "expected %q before end of expression", id)
		}
		return syntaxErr("S0202", p.tok.start, p.tok.value, "expected %q, got %q", id, p.tok.value)
	}
	p.prev = p.tok
	t, err := p.lex.next(!infix)
	if err != nil {
		return err
	}
	if t.kind == tokOperator {
		if _, ok := bindingPower[t.value]; !ok {
			return syntaxErr("S0204", t.start, t.value, "unknown operator: %q", t.value)
		}
	}
	p.tok = t
	return nil
}

func lbp(t token) int {
	if t.kind != tokOperator {
		return 0
	}
	return bindingPower[t.value]
}

func (p *parser) expression(rbp int) (*node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxParseDepth {
		return nil, syntaxErr("U1001", p.tok.start, p.tok.value, "expression is nested too deeply")
	}
	t := p.tok
	if err := p.advanceInfix(""); err != nil {
		return nil, err
	}
	left, err := p.nud(t)
	if err != nil {
		return nil, err
	}
	for rbp < lbp(p.tok) {
		t = p.tok
		if err := p.advance(""); err != nil {
			return nil, err
		}
		left, err = p.led(t, left)
		if err != nil {
			return nil, err
		}
	}
	return left, nil
}

func (p *parser) nud(t token) (*node, error) {
	pos := t.pos
	switch t.kind {
	case tokEnd:
		return nil, syntaxErr("S0207", t.start, "", "unexpected end of expression")
	case tokName:
		return &node{typ: nName, str: t.value, pos: pos, token: t.value}, nil
	case tokVariable:
		return &node{typ: nVariable, op: t.value, pos: pos, token: "$" + t.value}, nil
	case tokString:
		return &node{typ: nString, str: t.value, pos: pos, token: t.value}, nil
	case tokNumber:
		return &node{typ: nNumber, num: t.num, pos: pos, token: t.value}, nil
	case tokValue:
		return &node{typ: nValue, lit: t.lit, pos: pos, token: t.value}, nil
	case tokRegex:
		re, err := compileRegex(t.value, t.flags)
		if err != nil {
			if e, ok := err.(*Error); ok {
				e.Position = t.start
			}
			return nil, err
		}
		return &node{typ: nRegex, re: re, pos: pos, token: "/" + t.value + "/" + t.flags}, nil
	}
	switch t.value {
	case "-":
		e, err := p.expression(70)
		if err != nil {
			return nil, err
		}
		return &node{typ: nUnary, op: "-", lhs: e, pos: pos}, nil
	case "*":
		return &node{typ: nWildcard, pos: pos, token: "*"}, nil
	case "**":
		return &node{typ: nDescendant, pos: pos, token: "**"}, nil
	case "%":
		return &node{typ: nParent, pos: pos, token: "%"}, nil
	case "and", "or", "in":
		return &node{typ: nName, str: t.value, pos: pos, token: t.value}, nil
	case "(":
		n := &node{typ: nBlock, pos: pos}
		for p.tok.id() != ")" {
			e, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			n.expressions = append(n.expressions, e)
			if p.tok.id() != ";" {
				break
			}
			if err := p.advance(";"); err != nil {
				return nil, err
			}
		}
		return n, p.advanceInfix(")")
	case "[":
		n := &node{typ: nUnary, op: "[", pos: pos}
		if p.tok.id() != "]" {
			for {
				e, err := p.expression(0)
				if err != nil {
					return nil, err
				}
				if p.tok.id() == ".." {
					rpos := p.tok.pos
					if err := p.advance(".."); err != nil {
						return nil, err
					}
					r, err := p.expression(0)
					if err != nil {
						return nil, err
					}
					e = &node{typ: nBinary, op: "..", lhs: e, rhs: r, pos: rpos}
				}
				n.expressions = append(n.expressions, e)
				if p.tok.id() != "," {
					break
				}
				if err := p.advance(","); err != nil {
					return nil, err
				}
			}
		}
		return n, p.advanceInfix("]")
	case "{":
		pairs, err := p.objectPairs()
		if err != nil {
			return nil, err
		}
		return &node{typ: nUnary, op: "{", rawPairs: pairs, pos: pos}, nil
	case "|":
		n := &node{typ: nTransform, pos: pos}
		var err error
		if n.pattern, err = p.expression(0); err != nil {
			return nil, err
		}
		if err := p.advance("|"); err != nil {
			return nil, err
		}
		if n.update, err = p.expression(0); err != nil {
			return nil, err
		}
		if p.tok.id() == "," {
			if err := p.advance(","); err != nil {
				return nil, err
			}
			if n.del, err = p.expression(0); err != nil {
				return nil, err
			}
		}
		return n, p.advance("|")
	}
	return nil, syntaxErr("S0211", t.start, t.value, "the symbol %q cannot be used as a unary operator", t.value)
}

func (p *parser) objectPairs() ([][2]*node, error) {
	var pairs [][2]*node
	if p.tok.id() != "}" {
		for {
			k, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			if err := p.advance(":"); err != nil {
				return nil, err
			}
			v, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, [2]*node{k, v})
			if p.tok.id() != "," {
				break
			}
			if err := p.advance(","); err != nil {
				return nil, err
			}
		}
	}
	return pairs, p.advanceInfix("}")
}

func (p *parser) led(t token, left *node) (*node, error) {
	pos := t.pos
	op := t.value
	switch op {
	case "+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "&", "and", "or", "in", ".":
		rhs, err := p.expression(bindingPower[op])
		if err != nil {
			return nil, err
		}
		return &node{typ: nBinary, op: op, lhs: left, rhs: rhs, pos: pos}, nil
	case "~>":
		rhs, err := p.expression(bindingPower[op])
		if err != nil {
			return nil, err
		}
		return &node{typ: nApply, op: op, lhs: left, rhs: rhs, pos: pos}, nil
	case "??", "?:":
		rhs, err := p.expression(0) // as jsonata-js: the right side takes all that follows
		if err != nil {
			return nil, err
		}
		typ := nCoalesce
		if op == "?:" {
			typ = nElvis
		}
		return &node{typ: typ, op: op, lhs: left, rhs: rhs, pos: pos}, nil
	case ":=":
		if left.typ != nVariable {
			return nil, syntaxErr("S0212", left.pos, left.token, "the left side of := must be a variable name (start with $)")
		}
		rhs, err := p.expression(bindingPower[op] - 1)
		if err != nil {
			return nil, err
		}
		return &node{typ: nBind, op: op, lhs: left, rhs: rhs, pos: pos}, nil
	case "@", "#":
		rhs, err := p.expression(bindingPower[op])
		if err != nil {
			return nil, err
		}
		if rhs.typ != nVariable {
			return nil, syntaxErr("S0214", rhs.pos, op, "the right side of %s must be a variable name (start with $)", op)
		}
		typ := nFocusRaw
		if op == "#" {
			typ = nIndexRaw
		}
		return &node{typ: typ, op: op, lhs: left, rhs: rhs, pos: pos}, nil
	case "?":
		n := &node{typ: nCondition, cond: left, pos: pos}
		var err error
		if n.then, err = p.expression(0); err != nil {
			return nil, err
		}
		if p.tok.id() == ":" {
			if err := p.advance(":"); err != nil {
				return nil, err
			}
			if n.els, err = p.expression(0); err != nil {
				return nil, err
			}
		}
		return n, nil
	case "[":
		if p.tok.id() == "]" {
			step := left
			for step.typ == nPredRaw {
				step = step.lhs
			}
			step.keepArray = true
			return left, p.advance("]")
		}
		rhs, err := p.expression(0)
		if err != nil {
			return nil, err
		}
		return &node{typ: nPredRaw, lhs: left, rhs: rhs, pos: pos}, p.advanceInfix("]")
	case "{":
		pairs, err := p.objectPairs()
		if err != nil {
			return nil, err
		}
		return &node{typ: nGroupRaw, lhs: left, rawPairs: pairs, pos: pos}, nil
	case "^":
		if err := p.advance("("); err != nil {
			return nil, err
		}
		n := &node{typ: nSortRaw, lhs: left, pos: pos}
		for {
			term := sortTerm{}
			if p.tok.id() == "<" {
				if err := p.advance("<"); err != nil {
					return nil, err
				}
			} else if p.tok.id() == ">" {
				term.descending = true
				if err := p.advance(">"); err != nil {
					return nil, err
				}
			}
			e, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			term.expr = e
			n.rawTerms = append(n.rawTerms, term)
			if p.tok.id() != "," {
				break
			}
			if err := p.advance(","); err != nil {
				return nil, err
			}
		}
		return n, p.advance(")")
	case "(":
		return p.call(t, left)
	}
	return nil, syntaxErr("S0201", t.start, op, "syntax error: %q", op)
}

// call parses a function call, partial application or lambda definition.
func (p *parser) call(t token, left *node) (*node, error) {
	n := &node{typ: nFunction, procedure: left, pos: t.pos}
	if p.tok.id() != ")" {
		for {
			if p.tok.kind == tokOperator && p.tok.value == "?" {
				n.typ = nPartial
				n.args = append(n.args, &node{typ: nPlaceholder, pos: p.tok.pos, token: "?"})
				if err := p.advance("?"); err != nil {
					return nil, err
				}
			} else {
				e, err := p.expression(0)
				if err != nil {
					return nil, err
				}
				n.args = append(n.args, e)
			}
			if p.tok.id() != "," {
				break
			}
			if err := p.advance(","); err != nil {
				return nil, err
			}
		}
	}
	if err := p.advanceInfix(")"); err != nil {
		return nil, err
	}
	if left.typ != nName || (left.str != "function" && left.str != "λ") {
		return n, nil
	}
	// A lambda definition.
	n.typ = nLambda
	for _, a := range n.args {
		if a.typ != nVariable {
			return nil, syntaxErr("S0208", a.pos, a.token, "parameter %s of function definition must be a variable name (start with $)", a.token)
		}
		n.params = append(n.params, a.op)
	}
	n.args = nil
	n.procedure = nil
	if p.tok.id() == "<" {
		// The signature is read from the source text, up to the matching '>'.
		src := p.lex.src
		start := p.tok.start
		depth := 0
		i := start
		for ; i < len(src); i++ {
			if src[i] == '<' {
				depth++
			} else if src[i] == '>' {
				depth--
				if depth == 0 {
					break
				}
			} else if src[i] == '{' {
				break
			}
		}
		if i >= len(src) || src[i] != '>' {
			return nil, syntaxErr("S0401", start, "", "signature is not terminated")
		}
		sig, err := parseSignature(src[start : i+1])
		if err != nil {
			return nil, err
		}
		n.sig = sig
		p.lex.pos = i + 1
		p.tok = token{kind: tokOperator, value: ">", pos: i + 1, start: i}
		if err := p.advance(">"); err != nil {
			return nil, err
		}
	}
	if err := p.advance("{"); err != nil {
		return nil, err
	}
	body, err := p.expression(0)
	if err != nil {
		return nil, err
	}
	n.body = body
	return n, p.advance("}")
}

// ---- AST post-processing: paths, predicates, grouping, parent slots ----

func (p *parser) process(e *node) (*node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxParseDepth*2 {
		return nil, syntaxErr("U1001", e.pos, "", "expression is nested too deeply")
	}
	var result *node
	var err error
	switch e.typ {
	case nBinary:
		switch e.op {
		case ".":
			result, err = p.processDot(e)
		default:
			result = &node{typ: nBinary, op: e.op, pos: e.pos}
			if result.lhs, err = p.process(e.lhs); err != nil {
				return nil, err
			}
			if result.rhs, err = p.process(e.rhs); err != nil {
				return nil, err
			}
			pushAncestry(result, result.lhs)
			pushAncestry(result, result.rhs)
		}
	case nPredRaw:
		result, err = p.process(e.lhs)
		if err != nil {
			return nil, err
		}
		step := result
		isPath := result.typ == nPath
		if isPath {
			step = result.steps[len(result.steps)-1]
		}
		if step.group != nil {
			return nil, syntaxErr("S0209", e.pos, "", "a predicate cannot follow a grouping expression in a step")
		}
		pred, err := p.process(e.rhs)
		if err != nil {
			return nil, err
		}
		if len(pred.seekingParent) > 0 {
			for _, s := range pred.seekingParent {
				if s.level == 1 {
					if _, err := p.seekParent(step, s); err != nil {
						return nil, err
					}
				} else {
					s.level--
				}
			}
			pushAncestry(step, pred)
		}
		if isPath {
			step.stages = append(step.stages, stage{expr: pred})
		} else {
			step.predicate = append(step.predicate, stage{expr: pred})
		}
	case nGroupRaw:
		result, err = p.process(e.lhs)
		if err != nil {
			return nil, err
		}
		if result.group != nil {
			return nil, syntaxErr("S0210", e.pos, "", "each step can only have one grouping expression")
		}
		g := &groupSpec{pos: e.pos}
		for _, pair := range e.rawPairs {
			k, err := p.process(pair[0])
			if err != nil {
				return nil, err
			}
			v, err := p.process(pair[1])
			if err != nil {
				return nil, err
			}
			g.pairs = append(g.pairs, [2]*node{k, v})
		}
		result.group = g
	case nSortRaw:
		result, err = p.process(e.lhs)
		if err != nil {
			return nil, err
		}
		if result.typ != nPath {
			result = &node{typ: nPath, steps: []*node{result}, pos: result.pos}
		}
		sortStep := &node{typ: nSort, pos: e.pos}
		for _, t := range e.rawTerms {
			x, err := p.process(t.expr)
			if err != nil {
				return nil, err
			}
			pushAncestry(sortStep, x)
			sortStep.terms = append(sortStep.terms, sortTerm{descending: t.descending, expr: x})
		}
		result.steps = append(result.steps, sortStep)
		if err := p.resolveAncestry(result); err != nil {
			return nil, err
		}
	case nBind:
		result = &node{typ: nBind, pos: e.pos}
		if result.lhs, err = p.process(e.lhs); err != nil {
			return nil, err
		}
		if result.rhs, err = p.process(e.rhs); err != nil {
			return nil, err
		}
		pushAncestry(result, result.rhs)
	case nFocusRaw:
		result, err = p.process(e.lhs)
		if err != nil {
			return nil, err
		}
		step := result
		if result.typ == nPath {
			step = result.steps[len(result.steps)-1]
		}
		if len(step.stages) > 0 || len(step.predicate) > 0 {
			return nil, syntaxErr("S0215", e.pos, "", "a context variable binding must precede any predicates on a step")
		}
		if step.typ == nSort {
			return nil, syntaxErr("S0216", e.pos, "", "a context variable binding must precede the 'order-by' clause on a step")
		}
		if e.keepArray {
			step.keepArray = true
		}
		step.focus = e.rhs.op
		step.tuple = true
	case nIndexRaw:
		result, err = p.process(e.lhs)
		if err != nil {
			return nil, err
		}
		step := result
		if result.typ == nPath {
			step = result.steps[len(result.steps)-1]
		} else {
			result = &node{typ: nPath, steps: []*node{result}, pos: result.pos}
			if len(step.predicate) > 0 {
				step.stages = step.predicate
				step.predicate = nil
			}
		}
		if len(step.stages) == 0 {
			step.index = e.rhs.op
		} else {
			step.stages = append(step.stages, stage{index: e.rhs.op})
		}
		step.tuple = true
	case nApply:
		result = &node{typ: nApply, pos: e.pos}
		if result.lhs, err = p.process(e.lhs); err != nil {
			return nil, err
		}
		if result.rhs, err = p.process(e.rhs); err != nil {
			return nil, err
		}
		result.keepArray = result.lhs.keepArray || result.rhs.keepArray
	case nCoalesce, nElvis:
		result = &node{typ: e.typ, pos: e.pos}
		if result.lhs, err = p.process(e.lhs); err != nil {
			return nil, err
		}
		if result.rhs, err = p.process(e.rhs); err != nil {
			return nil, err
		}
		pushAncestry(result, result.lhs)
		pushAncestry(result, result.rhs)
	case nUnary:
		result = &node{typ: nUnary, op: e.op, pos: e.pos}
		switch e.op {
		case "[":
			for _, item := range e.expressions {
				v, err := p.process(item)
				if err != nil {
					return nil, err
				}
				pushAncestry(result, v)
				result.expressions = append(result.expressions, v)
			}
		case "{":
			for _, pair := range e.rawPairs {
				k, err := p.process(pair[0])
				if err != nil {
					return nil, err
				}
				pushAncestry(result, k)
				v, err := p.process(pair[1])
				if err != nil {
					return nil, err
				}
				pushAncestry(result, v)
				result.pairs = append(result.pairs, [2]*node{k, v})
			}
		default: // '-'
			x, err := p.process(e.lhs)
			if err != nil {
				return nil, err
			}
			if x.typ == nNumber {
				x.num = -x.num
				result = x
			} else {
				result.lhs = x
				pushAncestry(result, x)
			}
		}
	case nFunction, nPartial:
		result = &node{typ: e.typ, pos: e.pos, token: e.token}
		for _, a := range e.args {
			x, err := p.process(a)
			if err != nil {
				return nil, err
			}
			pushAncestry(result, x)
			result.args = append(result.args, x)
		}
		if result.procedure, err = p.process(e.procedure); err != nil {
			return nil, err
		}
	case nLambda:
		result = &node{typ: nLambda, params: e.params, sig: e.sig, pos: e.pos}
		body, err := p.process(e.body)
		if err != nil {
			return nil, err
		}
		result.body = tailCallOptimize(body)
	case nCondition:
		result = &node{typ: nCondition, pos: e.pos}
		if result.cond, err = p.process(e.cond); err != nil {
			return nil, err
		}
		pushAncestry(result, result.cond)
		if result.then, err = p.process(e.then); err != nil {
			return nil, err
		}
		pushAncestry(result, result.then)
		if e.els != nil {
			if result.els, err = p.process(e.els); err != nil {
				return nil, err
			}
			pushAncestry(result, result.els)
		}
	case nTransform:
		result = &node{typ: nTransform, pos: e.pos}
		if result.pattern, err = p.process(e.pattern); err != nil {
			return nil, err
		}
		if result.update, err = p.process(e.update); err != nil {
			return nil, err
		}
		if e.del != nil {
			if result.del, err = p.process(e.del); err != nil {
				return nil, err
			}
		}
	case nBlock:
		result = &node{typ: nBlock, pos: e.pos}
		for _, x := range e.expressions {
			part, err := p.process(x)
			if err != nil {
				return nil, err
			}
			pushAncestry(result, part)
			if part.consarray || (part.typ == nPath && part.steps[0].consarray) {
				result.consarray = true
			}
			result.expressions = append(result.expressions, part)
		}
	case nName:
		result = &node{typ: nPath, steps: []*node{e}, pos: e.pos}
		if e.keepArray {
			result.keepSingletonArray = true
		}
	case nParent:
		result = &node{typ: nParent, pos: e.pos, slot: &slot{label: fmt.Sprintf("!%d", p.ancestorLabel), level: 1, index: p.ancestorIndex}}
		p.ancestorLabel++
		p.ancestorIndex++
		p.ancestry = append(p.ancestry, result)
	case nString, nNumber, nValue, nWildcard, nDescendant, nVariable, nRegex, nPlaceholder:
		result = e
	default:
		return nil, syntaxErr("S0206", e.pos, e.token, "unknown expression type")
	}
	if err != nil {
		return nil, err
	}
	if e.keepArray {
		result.keepArray = true
	}
	switch result.typ {
	case nNumber:
		result.lit = result.num
	case nString:
		result.lit = result.str
	}
	return result, nil
}

func (p *parser) processDot(e *node) (*node, error) {
	lstep, err := p.process(e.lhs)
	if err != nil {
		return nil, err
	}
	var result *node
	if lstep.typ == nPath {
		result = lstep
	} else {
		result = &node{typ: nPath, steps: []*node{lstep}, pos: lstep.pos}
	}
	if lstep.typ == nParent {
		result.seekingParent = []*slot{lstep.slot}
	}
	rest, err := p.process(e.rhs)
	if err != nil {
		return nil, err
	}
	if rest.typ == nPath {
		result.steps = append(result.steps, rest.steps...)
	} else {
		if len(rest.predicate) > 0 {
			rest.stages = rest.predicate
			rest.predicate = nil
		}
		result.steps = append(result.steps, rest)
	}
	for _, s := range result.steps {
		switch s.typ {
		case nNumber, nValue:
			return nil, syntaxErr("S0213", s.pos, s.token, "the literal value %s cannot be used as a step within a path expression", s.token)
		case nString:
			s.typ = nName
		}
	}
	for _, s := range result.steps {
		if s.keepArray {
			result.keepSingletonArray = true
			break
		}
	}
	if first := result.steps[0]; first.typ == nUnary && first.op == "[" {
		first.consarray = true
	}
	if last := result.steps[len(result.steps)-1]; last.typ == nUnary && last.op == "[" {
		last.consarray = true
	}
	if err := p.resolveAncestry(result); err != nil {
		return nil, err
	}
	return result, nil
}

func tailCallOptimize(e *node) *node {
	switch e.typ {
	case nFunction:
		if len(e.predicate) == 0 {
			return &node{typ: nLambda, thunk: true, pos: e.pos, body: e}
		}
	case nCondition:
		e.then = tailCallOptimize(e.then)
		if e.els != nil {
			e.els = tailCallOptimize(e.els)
		}
	case nCoalesce, nElvis:
		e.rhs = tailCallOptimize(e.rhs)
	case nBlock:
		if n := len(e.expressions); n > 0 {
			e.expressions[n-1] = tailCallOptimize(e.expressions[n-1])
		}
	}
	return e
}

func (p *parser) seekParent(n *node, s *slot) (*slot, error) {
	switch n.typ {
	case nName, nWildcard:
		s.level--
		if s.level == 0 {
			if n.ancestor == nil {
				n.ancestor = s
			} else {
				// reuse the existing label
				p.ancestry[s.index].slot.label = n.ancestor.label
				n.ancestor = s
			}
			n.tuple = true
		}
	case nParent:
		s.level++
	case nBlock:
		if len(n.expressions) > 0 {
			n.tuple = true
			return p.seekParent(n.expressions[len(n.expressions)-1], s)
		}
	case nPath:
		n.tuple = true
		i := len(n.steps) - 1
		var err error
		s, err = p.seekParent(n.steps[i], s)
		if err != nil {
			return nil, err
		}
		i--
		for s.level > 0 && i >= 0 {
			if s, err = p.seekParent(n.steps[i], s); err != nil {
				return nil, err
			}
			i--
		}
	default:
		return nil, syntaxErr("S0217", n.pos, nodeTypeName(n.typ), "the object representing the 'parent' cannot be derived from this expression")
	}
	return s, nil
}

func nodeTypeName(t nodeType) string {
	switch t {
	case nFunction:
		return "function"
	case nVariable:
		return "variable"
	case nUnary:
		return "unary"
	case nBinary:
		return "binary"
	}
	return "expression"
}

func pushAncestry(result, v *node) {
	if v == nil {
		return
	}
	if len(v.seekingParent) > 0 || v.typ == nParent {
		slots := append([]*slot(nil), v.seekingParent...)
		if v.typ == nParent {
			slots = append(slots, v.slot)
		}
		result.seekingParent = append(result.seekingParent, slots...)
	}
}

func (p *parser) resolveAncestry(path *node) error {
	last := path.steps[len(path.steps)-1]
	slots := append([]*slot(nil), last.seekingParent...)
	if last.typ == nParent {
		slots = append(slots, last.slot)
	}
	for _, s := range slots {
		i := len(path.steps) - 2
		for s.level > 0 {
			if i < 0 {
				path.seekingParent = append(path.seekingParent, s)
				break
			}
			step := path.steps[i]
			i--
			for i >= 0 && step.focus != "" && path.steps[i].focus != "" {
				step = path.steps[i]
				i--
			}
			var err error
			if s, err = p.seekParent(step, s); err != nil {
				return err
			}
		}
	}
	return nil
}
