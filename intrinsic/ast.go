package intrinsic

import (
	"strings"

	"github.com/cairn-sfn/cairn/jsonpath"
	"github.com/cairn-sfn/cairn/value"
)

// Call is a compiled intrinsic function call such as
// States.Format('{} items', $.count). It is immutable once compiled and safe
// for concurrent use.
type Call struct {
	fn   *function
	args []arg
	// tmpl is States.Format's template split at its placeholders, when the
	// template is a string literal and so known at compile time.
	tmpl []string
}

// Name returns the function's name, e.g. "States.Format".
func (c *Call) Name() string { return c.fn.name }

// argKind tells which one of arg's fields holds the argument.
type argKind uint8

const (
	argLiteral argKind = iota // lit: a string, number, boolean or null literal
	argPath                   // path: a JSONPath, evaluated per call
	argCall                   // call: a nested intrinsic call
)

// arg is one argument of a call.
type arg struct {
	kind argKind
	lit  any
	// raw is a string literal's text between the quotes, escapes kept, so
	// States.Format can tell an escaped \{ from a placeholder brace.
	raw string
	// bad is set on a string literal with a backslash that escapes nothing;
	// AWS fails such a call at run time, with this cause.
	bad     string
	path    *jsonpath.Path
	pathSrc string
	call    *Call
}

// String returns the call in canonical source form: no space inside the
// parentheses, ", " between arguments, string literals with the escapes
// they were written with.
func (c *Call) String() string {
	var b strings.Builder
	c.write(&b)
	return b.String()
}

func (c *Call) write(b *strings.Builder) {
	b.WriteString(c.fn.name)
	b.WriteByte('(')
	for i, a := range c.args {
		if i > 0 {
			b.WriteString(", ")
		}
		a.write(b)
	}
	b.WriteByte(')')
}

func (a *arg) write(b *strings.Builder) {
	switch a.kind {
	case argPath:
		b.WriteString(a.pathSrc)
	case argCall:
		a.call.write(b)
	default:
		if _, ok := a.lit.(string); ok {
			b.WriteByte('\'')
			b.WriteString(a.raw)
			b.WriteByte('\'')
			return
		}
		b.Write(value.Marshal(a.lit))
	}
}
