package jsonata

import "regexp"

// nodeType is the kind of an expression node.
type nodeType int

const (
	nPath nodeType = iota
	nBinary
	nUnary // '-', '[' (array constructor), '{' (object constructor)
	nName
	nString
	nNumber
	nValue // true, false, null
	nWildcard
	nDescendant
	nParent
	nCondition
	nBlock
	nBind
	nRegex
	nFunction
	nPartial
	nVariable
	nLambda
	nApply
	nTransform
	nSort
	nPlaceholder // '?' in a partial application
	nCoalesce    // a ?? b
	nElvis       // a ?: b
	nGroupRaw    // parse-time only: a{...}
	nSortRaw     // parse-time only: a^(...)
	nPredRaw     // parse-time only: a[...]
	nFocusRaw    // parse-time only: a@$v
	nIndexRaw    // parse-time only: a#$i
)

// slot names the frame binding through which a parent operator reaches
// an ancestor.
type slot struct {
	label string
	level int
	index int
}

type sortTerm struct {
	descending bool
	expr       *node
}

type stage struct {
	index string // non-empty: a '#$i' stage binding the position
	expr  *node  // a filter
}

type groupSpec struct {
	pairs [][2]*node
	pos   int
}

// node is one expression node. Fields are used according to typ.
type node struct {
	typ   nodeType
	op    string  // operator for nBinary/nUnary; name for nName/nVariable/nFunction
	str   string  // nString value, nName key
	num   float64 // nNumber
	lit   any     // nValue
	pos   int
	token string // the source token, for error messages

	lhs, rhs    *node
	expressions []*node    // array constructor, block
	pairs       [][2]*node // object constructor
	steps       []*node    // path
	args        []*node    // function call arguments
	procedure   *node      // function call target
	body        *node      // lambda
	params      []string   // lambda parameter names
	sig         *signature // lambda signature
	cond        *node      // condition
	then, els   *node      // condition branches
	pattern     *node      // transform
	update, del *node      // transform
	terms       []sortTerm // sort
	re          *regexp.Regexp
	rawTerms    []sortTerm // parse-time sort terms
	rawPairs    [][2]*node // parse-time group pairs

	predicate []stage // filters on a non-path expression
	stages    []stage // filters and index bindings on a path step
	group     *groupSpec

	keepArray          bool
	keepSingletonArray bool
	consarray          bool
	tuple              bool
	thunk              bool
	focus              string
	index              string
	ancestor           *slot
	slot               *slot
	seekingParent      []*slot
}
