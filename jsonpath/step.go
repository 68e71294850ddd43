package jsonpath

import (
	"strconv"
	"strings"
)

type stepKind uint8

const (
	stepMember   stepKind = iota // .name or ['name']
	stepIndex                    // [n], n may be negative
	stepMembers                  // ['a','b']
	stepIndexes                  // [0,1]
	stepSlice                    // [a:b]
	stepWildcard                 // .* or [*]
	stepScan                     // .. : the next step is applied at every level
	stepFilter                   // [?(...)]
	stepFunction                 // .name(args)
)

// step is one compiled path token. Only the fields of its kind are set.
type step struct {
	kind    stepKind
	name    string   // stepMember; stepFunction: the function name
	index   int      // stepIndex
	names   []string // stepMembers
	indexes []int    // stepIndexes
	from    int      // stepSlice
	to      int
	hasFrom bool
	hasTo   bool
	filter  expr     // stepFilter
	fn      function // stepFunction
	args    []fnArg
}

// fnArg is a function argument: a path evaluated against the root
// document, or a JSON literal.
type fnArg struct {
	path *Path
	lit  any
}

func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('\'')
	b.WriteString(s)
	b.WriteByte('\'')
}

// writeCanonical writes the step as Jayway's getPathFragment does.
func (s *step) writeCanonical(b *strings.Builder) {
	switch s.kind {
	case stepMember:
		b.WriteByte('[')
		writeQuoted(b, s.name)
		b.WriteByte(']')
	case stepIndex:
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(s.index))
		b.WriteByte(']')
	case stepMembers:
		b.WriteByte('[')
		for i, n := range s.names {
			if i > 0 {
				b.WriteByte(',')
			}
			writeQuoted(b, n)
		}
		b.WriteByte(']')
	case stepIndexes:
		b.WriteByte('[')
		for i, n := range s.indexes {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(n))
		}
		b.WriteByte(']')
	case stepSlice:
		b.WriteByte('[')
		if s.hasFrom {
			b.WriteString(strconv.Itoa(s.from))
		}
		b.WriteByte(':')
		if s.hasTo {
			b.WriteString(strconv.Itoa(s.to))
		}
		b.WriteByte(']')
	case stepWildcard:
		b.WriteString("[*]")
	case stepScan:
		b.WriteString("..")
	case stepFilter:
		b.WriteString("[?]")
	case stepFunction:
		b.WriteByte('.')
		b.WriteString(s.name)
		if len(s.args) > 0 {
			b.WriteString("(...)")
		} else {
			b.WriteString("()")
		}
	}
}

// definite reports Jayway's isTokenDefinite: whether the step yields at
// most one value. Several names are definite only as the last step, where
// Jayway merges them into one object.
func (s *step) definite(leaf bool) bool {
	switch s.kind {
	case stepMember, stepIndex, stepFunction:
		return true
	case stepMembers:
		return leaf
	}
	return false
}
