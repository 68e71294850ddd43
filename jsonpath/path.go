package jsonpath

import "strings"

// Root names the document a path starts from.
type Root uint8

const (
	RootInput    Root = iota // "$..."  the state input (or whatever document the caller gives)
	RootContext              // "$$..." the context object
	RootVariable             // "$name..." an ASL workflow variable, e.g. "$x", "$x.y[0]"

	// rootCurrent is "@", the item a filter is testing; it only occurs in
	// paths inside filters.
	rootCurrent Root = 255
)

// Path is a compiled JSONPath. It is immutable and safe for concurrent use.
type Path struct {
	src      string
	root     Root
	variable string
	steps    []step
	// defs[i] is Jayway's isUpstreamDefinite for step i: every step before
	// it is definite. defs[len(steps)] is whether the whole path is.
	defs []bool
	// reference is ASL's reference path: named members and non-negative
	// single indexes only.
	reference bool
	// simple is set when every step is a single member or index, which
	// Eval walks without allocating.
	simple bool
	// canonical is Jayway's bracket form, computed once because error
	// messages quote it.
	canonical string
}

// Compile parses src. Errors are *SyntaxError.
func Compile(src string) (*Path, error) {
	return compilePath(src)
}

// MustCompile is Compile for paths known to be valid; it panics on error.
func MustCompile(src string) *Path {
	p, err := Compile(src)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the source text.
func (p *Path) String() string { return p.src }

// Root returns the document the path reads from.
func (p *Path) Root() Root { return p.root }

// Variable returns the variable name of a RootVariable path, "" otherwise.
func (p *Path) Variable() string { return p.variable }

// IsReference reports whether p is an ASL reference path: only named
// members and single non-negative indexes.
func (p *Path) IsReference() bool { return p.reference }

// IsDefinite reports whether p names at most one value in Jayway's sense:
// no wildcard, deep scan, filter, slice, several indexes, or several names
// before the last step.
func (p *Path) IsDefinite() bool { return p.defs[len(p.steps)] }

// Canonical returns Jayway's bracket form of the path, e.g. $['a']['b'][0],
// the form Jayway's exception messages quote. The root is always "$": for
// "$$.a" and "$x.a" it is the context object or the variable, which is how
// Step Functions hands such paths to Jayway.
func (p *Path) Canonical() string { return p.canonical }

// rootText is the root as Jayway's messages write it. Jayway knows only "$":
// Step Functions evaluates "$$.a" and "$x.a" as "$.a" against the context
// object or the variable, so their canonical form starts with "$" too.
func (p *Path) rootText() string {
	if p.root == rootCurrent {
		return "@"
	}
	return "$"
}

// canonicalPrefix writes the canonical form of the root and steps [0, n).
func (p *Path) canonicalPrefix(n int) string {
	var b strings.Builder
	b.WriteString(p.rootText())
	for i := 0; i < n && i < len(p.steps); i++ {
		p.steps[i].writeCanonical(&b)
	}
	return b.String()
}

// canonicalFrom writes steps [i, len) without the root, as Jayway's
// PathToken.toString does for the rest of a path.
func (p *Path) canonicalFrom(i int) string {
	var b strings.Builder
	for ; i < len(p.steps); i++ {
		p.steps[i].writeCanonical(&b)
	}
	return b.String()
}

// finish computes what the evaluator needs from the steps.
func (path *Path) finish() {
	path.canonical = path.canonicalPrefix(len(path.steps))
	// Jayway evaluates "$..x.fn()" as "$.fn()" with "$..x" as the
	// function's only argument (CompiledPath.invertScannerFunctionRelationship).
	if n := len(path.steps); n >= 2 && path.steps[0].kind == stepScan && path.steps[n-1].kind == stepFunction {
		inner := &Path{src: path.src, root: path.root, variable: path.variable, steps: path.steps[: n-1 : n-1]}
		inner.finish()
		fn := path.steps[n-1]
		fn.args = []fnArg{{path: inner}}
		path.steps = []step{fn}
	}

	n := len(path.steps)
	path.defs = make([]bool, n+1)
	path.defs[0] = true
	path.reference, path.simple = true, true
	for i := range path.steps {
		s := &path.steps[i]
		path.defs[i+1] = path.defs[i] && s.definite(i == n-1)
		switch s.kind {
		case stepMember:
		case stepIndex:
			if s.index < 0 {
				path.reference = false
			}
		default:
			path.reference, path.simple = false, false
		}
	}
}
