package jsonpath

import (
	"fmt"
	"strings"

	"github.com/cairn-sfn/cairn/value"
)

func (x orExpr) eval(e *evaluator, item any) (bool, error) {
	for _, op := range x {
		ok, err := op.eval(e, item)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func (x andExpr) eval(e *evaluator, item any) (bool, error) {
	for _, op := range x {
		ok, err := op.eval(e, item)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func (x notExpr) eval(e *evaluator, item any) (bool, error) {
	ok, err := x.x.eval(e, item)
	return !ok, err
}

// invalidf makes the error Jayway raises as an InvalidPathException, which
// makes the filter not match.
func invalidf(format string, args ...any) error {
	return &EvalError{Msg: fmt.Sprintf(format, args...), invalid: true}
}

func (x *relExpr) eval(e *evaluator, item any) (bool, error) {
	if x.op == opExists {
		found, err := e.exists(x.left.path, item)
		return found == x.shouldExist, err
	}
	l, err := e.operand(x.left, item)
	if err != nil {
		return false, err
	}
	r, err := e.operand(x.right, item)
	if err != nil {
		return false, err
	}
	switch x.op {
	case opEQ:
		return l.equal(r), nil
	case opNE:
		return !l.equal(r), nil
	case opTSEQ:
		return l.kind == r.kind && l.equal(r), nil
	case opTSNE:
		return !(l.kind == r.kind && l.equal(r)), nil
	case opLT, opLE, opGT, opGE:
		var c int
		switch {
		case l.kind == nodeNumber && r.kind == nodeNumber:
			c = value.CompareNumbers(l.num, r.num)
		case l.kind == nodeString && r.kind == nodeString:
			c = compareJava(l.s, r.s)
		default:
			return false, nil
		}
		switch x.op {
		case opLT:
			return c < 0, nil
		case opLE:
			return c <= 0, nil
		case opGT:
			return c > 0, nil
		}
		return c >= 0, nil
	case opRegex:
		if (l.kind == nodePattern) == (r.kind == nodePattern) {
			return false, nil
		}
		pat, in := l, r
		if r.kind == nodePattern {
			pat, in = r, l
		}
		if list, ok := in.list(); ok {
			for _, n := range list {
				if pat.re.MatchString(n.regexInput()) {
					return true, nil
				}
			}
			return false, nil
		}
		return pat.re.MatchString(in.regexInput()), nil
	case opIn, opNin:
		if r.kind != nodeJSON {
			return false, invalidf("Expected value list node")
		}
		list, ok := r.list()
		found := ok && contains(list, l)
		if x.op == opNin {
			// Jayway's nin is "not in", so a right side that is not an
			// array matches everything.
			return !found, nil
		}
		return found, nil
	case opContains:
		switch {
		case l.kind == nodeString && r.kind == nodeString:
			return strings.Contains(l.s, r.s), nil
		case l.kind == nodeJSON:
			list, ok := l.list()
			if !ok {
				return false, nil
			}
			for _, n := range list {
				if r.equal(n) {
					return true, nil
				}
			}
		}
		return false, nil
	case opSize:
		if r.kind != nodeNumber {
			return false, nil
		}
		want := int(r.num.Float())
		switch l.kind {
		case nodeString:
			return javaLength(l.s) == want, nil
		case nodeJSON:
			n := -1
			if arr, ok := l.json.([]any); ok {
				n = len(arr)
			}
			return n == want, nil
		}
		return false, nil
	case opEmpty:
		if l.kind != nodeString && l.kind != nodeJSON {
			return false, nil
		}
		if r.kind != nodeBool {
			return false, invalidf("Expected boolean node")
		}
		empty := true
		switch v := l.json.(type) {
		case []any:
			empty = len(v) == 0
		case *value.Object:
			empty = v.Len() == 0
		case string:
			empty = v == ""
		}
		if l.kind == nodeString {
			empty = l.s == ""
		}
		return empty == r.b, nil
	case opSubsetOf, opAnyOf, opNoneOf:
		left, err := valueList(l)
		if err != nil || left == nil {
			return false, err
		}
		right, err := valueList(r)
		if err != nil || right == nil {
			return false, err
		}
		switch x.op {
		case opSubsetOf:
			for _, n := range left {
				if !contains(right, n) {
					return false, nil
				}
			}
			return true, nil
		case opAnyOf:
			for _, n := range left {
				if contains(right, n) {
					return true, nil
				}
			}
			return false, nil
		}
		for _, n := range left {
			if contains(right, n) {
				return false, nil
			}
		}
		return true, nil
	case opExistsWord:
		if l.kind != nodeBool && r.kind != nodeBool {
			return false, &EvalError{Msg: "Failed to evaluate exists expression"}
		}
		if l.kind != nodeBool || r.kind != nodeBool {
			return false, invalidf("Expected boolean node")
		}
		return l.b == r.b, nil
	}
	// all, type and matches need operands that a path's text cannot
	// express (Java classes, predicates, value lists); Jayway fails them.
	return false, invalidf("Filter operator is not applicable to these operands")
}

// valueList converts an operand for subsetof, anyof and noneof: a JSON
// array gives its elements, other JSON gives nil (no match), anything else
// is an invalid operand.
func valueList(n node) ([]node, error) {
	if n.kind != nodeJSON {
		return nil, invalidf("Expected value list node")
	}
	list, ok := n.list()
	if !ok {
		return nil, nil
	}
	if list == nil {
		list = []node{}
	}
	return list, nil
}

// operand evaluates one side of a comparison.
func (e *evaluator) operand(o operand, item any) (node, error) {
	if o.path == nil {
		return o.lit, nil
	}
	p := o.path
	doc := item
	if p.root != rootCurrent {
		// "$" paths read the root document, the same for every item.
		if n, ok := e.sh.rootCache[p]; ok {
			return n, nil
		}
		doc = e.root
	}
	n, err := e.pathNode(p, doc)
	if err != nil {
		return node{}, err
	}
	if p.root != rootCurrent {
		if e.sh.rootCache == nil {
			e.sh.rootCache = make(map[*Path]node)
		}
		e.sh.rootCache[p] = n
	}
	return n, nil
}

func (e *evaluator) pathNode(p *Path, doc any) (node, error) {
	if p.simple {
		if v, ok := p.lookup(doc); ok {
			return nodeOf(v), nil
		}
		return node{kind: nodeUndefined}, nil
	}
	out, err := e.sub(p, doc, false)
	var v any
	if err == nil {
		v, err = p.result(out)
	}
	if err != nil {
		if _, ok := err.(*NotFoundError); ok {
			return node{kind: nodeUndefined}, nil
		}
		return node{}, err
	}
	if list, ok := v.([]any); ok && !p.IsDefinite() {
		return node{kind: nodeJSON, json: list}, nil
	}
	return nodeOf(v), nil
}

// exists is a filter's existence test: the path, evaluated with missing
// members as errors, yields something.
func (e *evaluator) exists(p *Path, item any) (bool, error) {
	doc := item
	if p.root != rootCurrent {
		doc = e.root
	}
	if p.simple {
		_, ok := p.lookup(doc)
		return ok, nil
	}
	out, err := e.sub(p, doc, true)
	if err != nil {
		if _, ok := err.(*NotFoundError); ok {
			return false, nil
		}
		return false, err
	}
	return len(out) > 0 || !p.IsDefinite(), nil
}
