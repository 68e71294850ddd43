package jsonpath

import (
	"strings"
)

// Root names the document a path starts from.
type Root uint8

const (
	RootInput    Root = iota // "$..."  the state input (or whatever document the caller gives)
	RootContext              // "$$..." the context object
	RootVariable             // "$name..." an ASL workflow variable, e.g. "$x", "$x.y[0]"
)

// String returns the root as it is written in a path ("$", "$$" or "$name"
// is written by Path.String; this returns a word for messages).
func (r Root) String() string {
	switch r {
	case RootInput:
		return "input"
	case RootContext:
		return "context"
	case RootVariable:
		return "variable"
	}
	return "unknown"
}

// Path is a compiled JSONPath. It is immutable and safe for concurrent use.
type Path struct {
	src      string
	root     Root
	variable string
	steps    []step
	// definite is Jayway's notion: no wildcard, deep scan, filter, union or
	// slice anywhere in the path.
	definite bool
	// reference is ASL's reference path: named members and non-negative
	// single indexes only.
	reference bool
	// canonical is Jayway's bracket form, computed once at compile time
	// because error messages and callers ask for it on hot paths.
	canonical string
}

// Compile parses src. Errors are *SyntaxError.
func Compile(src string) (*Path, error) {
	p := &parser{src: src}
	path, err := p.parsePath()
	if err != nil {
		return nil, err
	}
	return path, nil
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

// IsDefinite reports whether p names at most one value in Jayway's sense.
func (p *Path) IsDefinite() bool { return p.definite }

// Canonical returns Jayway's bracket form of the path, e.g. $['a']['b'][0],
// the form Jayway's exception messages quote. The root is written as in the
// source ("$", "$$" or "$name").
func (p *Path) Canonical() string { return p.canonical }

func (p *Path) rootText() string {
	switch p.root {
	case RootContext:
		return "$$"
	case RootVariable:
		return "$" + p.variable
	}
	return "$"
}

// canonicalPrefix writes the canonical form of the root and the first n steps.
func (p *Path) canonicalPrefix(n int) string {
	var b strings.Builder
	b.WriteString(p.rootText())
	for i := 0; i < n && i < len(p.steps); i++ {
		p.steps[i].writeCanonical(&b)
	}
	return b.String()
}
