package jsonpath

import (
	"regexp"

	"github.com/cairn-sfn/cairn/value"
)

// node is a filter operand once evaluated, mirroring Jayway's ValueNode
// kinds, whose equality and ordering rules Jayway's filters follow.
type node struct {
	kind nodeKind
	b    bool
	num  value.Number
	s    string
	json any // nodeJSON: []any or *value.Object (or a scalar from a literal)
	// literal marks a JSON literal written in the filter. Jayway keeps
	// those as unparsed text, so one on the left of == never equals.
	literal bool
	re      *regexp.Regexp
}

type nodeKind uint8

const (
	nodeUndefined nodeKind = iota // a path that matched nothing
	nodeNull
	nodeBool
	nodeNumber
	nodeString
	nodeJSON
	nodePattern
)

// nodeOf converts a value from a document into a node.
func nodeOf(v any) node {
	switch x := v.(type) {
	case nil:
		return node{kind: nodeNull}
	case bool:
		return node{kind: nodeBool, b: x}
	case value.Number:
		return node{kind: nodeNumber, num: x}
	case string:
		return node{kind: nodeString, s: x}
	}
	return node{kind: nodeJSON, json: v}
}

// numberString is the text Jayway compares when a number meets a string:
// BigDecimal's toString of the number.
func (n node) numberString() string {
	return bigDecimalString(javaNumberText(n.num))
}

// equal is Jayway's ValueNode.equals, the == of filters: numbers and
// strings compare across kinds by their text, JSON values by value,
// undefined never equals anything.
func (n node) equal(o node) bool {
	switch n.kind {
	case nodeNull:
		return o.kind == nodeNull
	case nodeBool:
		return o.kind == nodeBool && n.b == o.b
	case nodeNumber:
		switch o.kind {
		case nodeNumber:
			return value.CompareNumbers(n.num, o.num) == 0
		case nodeString:
			if !isBigDecimal(o.s) {
				return false
			}
			return value.CompareNumbers(n.num, value.Number(o.s)) == 0
		}
	case nodeString:
		switch o.kind {
		case nodeString:
			return n.s == o.s
		case nodeNumber:
			return n.s == o.numberString()
		}
	case nodeJSON:
		return o.kind == nodeJSON && !n.literal && javaEqual(n.json, o.json)
	case nodePattern:
		return o.kind == nodePattern && n.re.String() == o.re.String()
	}
	return false
}

// javaEqual is equals() on the Java values json-smart and Jackson build:
// like value.Equal, except that an integer never equals a decimal (Integer
// 1 is not Double 1.0).
func javaEqual(a, b any) bool {
	switch x := a.(type) {
	case value.Number:
		y, ok := b.(value.Number)
		return ok && x.IsInteger() == y.IsInteger() && value.CompareNumbers(x, y) == 0
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !javaEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case *value.Object:
		y, ok := b.(*value.Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for k, xv := range x.All() {
			yv, ok := y.Get(k)
			if !ok || !javaEqual(xv, yv) {
				return false
			}
		}
		return true
	}
	return value.Equal(a, b)
}

// list returns the elements of a JSON array node as nodes, as Jayway's
// asValueListNode; ok is false for anything else.
func (n node) list() ([]node, bool) {
	if n.kind != nodeJSON {
		return nil, false
	}
	arr, ok := n.json.([]any)
	if !ok {
		return nil, false
	}
	out := make([]node, len(arr))
	for i, v := range arr {
		out[i] = nodeOf(v)
	}
	return out, true
}

func contains(list []node, n node) bool {
	for _, x := range list {
		if n.equal(x) {
			return true
		}
	}
	return false
}

// regexInput is the text a regular expression is matched against: strings
// and numbers as text, booleans as true/false, anything else empty.
func (n node) regexInput() string {
	switch n.kind {
	case nodeString:
		return n.s
	case nodeNumber:
		return n.numberString()
	case nodeBool:
		if n.b {
			return "true"
		}
		return "false"
	}
	return ""
}
