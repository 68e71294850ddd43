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
	stepScan                     // .. followed by the step it scans for
	stepFilter                   // [?(...)]
	stepFunction                 // .name(args)
)

// step is one compiled path segment. Only the fields of its kind are set.
type step struct {
	kind    stepKind
	name    string   // stepMember, stepFunction (the function name)
	index   int      // stepIndex
	names   []string // stepMembers
	indexes []int    // stepIndexes
	from    int      // stepSlice
	to      int
	hasFrom bool
	hasTo   bool
	scan    *step // stepScan: the step applied at every level
	filter  expr  // stepFilter
	args    []expr
}

func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('\'')
	b.WriteString(s)
	b.WriteByte('\'')
}

// writeCanonical writes the step as Jayway's PathToken.toString does.
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
		if s.scan != nil {
			s.scan.writeCanonical(b)
		}
	case stepFilter:
		b.WriteString("[?]")
	case stepFunction:
		b.WriteByte('.')
		b.WriteString(s.name)
		b.WriteString("()")
	}
}

func (s *step) canonical() string {
	var b strings.Builder
	s.writeCanonical(&b)
	return b.String()
}
