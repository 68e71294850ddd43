package intrinsic

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/jsonpath"
	"github.com/cairn-sfn/cairn/value"
)

// TestNames checks that the 18 documented functions, and only they, exist.
func TestNames(t *testing.T) {
	t.Parallel()
	names := Names()
	if len(names) != 18 {
		t.Fatalf("Names() has %d functions, want 18", len(names))
	}
	for _, n := range names {
		if f := lookup(n); f == nil || f.name != n {
			t.Errorf("lookup(%q) = %v", n, f)
		}
		if lookup(strings.ToLower(n)) != nil || lookup(strings.TrimPrefix(n, "States.")) != nil {
			t.Errorf("%s is found under another spelling", n)
		}
	}
}

func TestIsCall(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"States.Format('x')", true},
		{"  States.UUID()", true},
		{"States.Nope", true},
		{"$.States.Format", false},
		{"$", false},
		{"states.Format('x')", false},
		{"", false},
	} {
		if got := IsCall(tc.in); got != tc.want {
			t.Errorf("IsCall(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestCanonicalString checks that calls print in canonical form and that
// the printed form compiles back to itself.
func TestCanonicalString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"States.Format('{}',$.a)", "States.Format('{}', $.a)"},
		{"  States.Array( 1 , -2.5e3 ,true,false , null, 'a\\'b' )  ", "States.Array(1, -2.5e3, true, false, null, 'a\\'b')"},
		{"States.UUID( )", "States.UUID()"},
		{"States.Format('\\{\\} \\\\', $$.Execution.Id, $var.x[0])", "States.Format('\\{\\} \\\\', $$.Execution.Id, $var.x[0])"},
		{"States.ArrayGetItem(States.StringSplit($['a b'], ','),0)", "States.ArrayGetItem(States.StringSplit($['a b'], ','), 0)"},
		{"States.StringSplit('Hello\nWorld', '\n')", "States.StringSplit('Hello\nWorld', '\n')"},
	} {
		c, err := Compile(tc.in)
		if err != nil {
			t.Errorf("Compile(%q): %v", tc.in, err)
			continue
		}
		if got := c.String(); got != tc.want {
			t.Errorf("Compile(%q).String() = %q, want %q", tc.in, got, tc.want)
			continue
		}
		again, err := Compile(c.String())
		if err != nil || again.String() != tc.want {
			t.Errorf("%q does not compile back to itself: %v", tc.want, err)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	t.Parallel()
	nest := func(n int) string {
		return strings.Repeat("States.Array(", n) + strings.Repeat(")", n)
	}
	for _, tc := range []struct {
		in     string
		offset int
		msg    string
	}{
		{"", 0, "expected an intrinsic function call"},
		{"$.a", 0, "expected an intrinsic function call"},
		{"States.Nope(1)", 0, `unknown intrinsic function "States.Nope"`},
		{"States.format('x')", 0, `unknown intrinsic function "States.format"`},
		{"States.Format", 13, "expected '(' after States.Format"},
		{"States.Format('x'", 17, "missing ')'"},
		{"States.Format('x' 'y')", 18, "expected ',' or ')'"},
		{"States.Format('x',)", 18, "unexpected ')' where an argument was expected"},
		{"States.Format('x') extra", 19, "unexpected 'e' after the call"},
		{"States.Format('abc", 14, "unterminated string literal"},
		{"States.Array(01)", 13, "leading zero"},
		{"States.Array(1.)", 13, "no digits after '.'"},
		{"States.Array(1e)", 13, "no digits in exponent"},
		{"States.Array(-)", 13, "invalid number"},
		{"States.Array(12abc)", 13, "invalid number"},
		{"States.Array(True)", 13, "unexpected 'T'"},
		{"States.Array(nullx)", 13, "unexpected 'n'"},
		// Offsets inside a path are package jsonpath's: only check that they
		// fall inside the path (offset -1 below).
		{"States.Array($.a[0)", -1, `invalid path "$.a[0)"`},
		{"States.Array($.a..)", -1, `invalid path "$.a.."`},
		{"States.Array($.a['b)", 13, "unterminated path"},
		{"States.Format()", 0, "States.Format takes at least 1 argument, but 0 were given"},
		{"States.UUID(1)", 0, "States.UUID takes exactly 0 arguments, but 1 was given"},
		{"States.ArrayLength()", 0, "States.ArrayLength takes exactly 1 argument, but 0 were given"},
		{"States.MathRandom(1)", 0, "States.MathRandom takes 2 to 3 arguments, but 1 was given"},
		{"States.JsonMerge($.a, $.b)", 0, "exactly 3 arguments"},
		{"States.Array(States.ArrayLength(1, 2))", 13, "exactly 1 argument, but 2 were given"},
		{nest(MaxDepth + 1), 13 * MaxDepth, "nested more than 10 deep"},
	} {
		_, err := Compile(tc.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Compile(%q) = %v, want *SyntaxError", tc.in, err)
			continue
		}
		offsetOK := se.Offset == tc.offset || tc.offset < 0 && se.Offset >= len("States.Array(") && se.Offset < len(tc.in)
		if !offsetOK || !strings.Contains(se.Msg, tc.msg) {
			t.Errorf("Compile(%q) = offset %d %q; want offset %d and %q", tc.in, se.Offset, se.Msg, tc.offset, tc.msg)
		}
	}
	if _, err := Compile(nest(MaxDepth)); err != nil {
		t.Errorf("%d nested calls: %v", MaxDepth, err)
	}
}

// FuzzCompileEval compiles arbitrary text and evaluates what compiles: no
// input may panic, every compile error is a positioned *SyntaxError inside
// the source, every compiled call prints back to source that compiles to the
// same text, and evaluation fails only with *Error or a jsonpath error.
func FuzzCompileEval(f *testing.F) {
	for _, s := range []string{
		"States.Format('Hello, {}!', $.name)",
		"States.Format('{} {}', $.a, States.Array(1, 'x', null, true))",
		"States.StringToJson($.s)",
		"States.JsonToString($)",
		"States.ArrayPartition($.arr, 2)",
		"States.ArrayContains($.arr, $.a)",
		"States.ArrayRange(1, 9, 2)",
		"States.ArrayGetItem($.arr, 1)",
		"States.ArrayLength($.arr)",
		"States.ArrayUnique($.arr)",
		"States.Base64Encode($.name)",
		"States.Base64Decode('SGVsbG8=')",
		"States.Hash($.name, 'SHA-256')",
		"States.JsonMerge($.o, $.o, false)",
		"States.MathRandom(1, 10, 3)",
		"States.MathRandom(-5, 5)",
		"States.MathAdd($.a, -1.5)",
		"States.StringSplit($.name, 'r')",
		"States.UUID()",
		"States.Format('\\{\\}\\'\\\\ {}', $$.Execution.Id)",
		"States.Array($var, $var.x, $['a b'], $.arr[0])",
		"States.Format('{}', States.Format('{}', States.Format('{}', 1)))",
		"States.Array(1e400, -0, 0.5e-3)",
		"States.ArrayRange(-2147483648, 2147483647, 1)",
		"States.Format('a\\b')",
		"States.Array('",
	} {
		f.Add(s)
	}
	input := value.MustParse(`{"name":"Arnav","a":3,"arr":[1,2,2,{"k":[]}],"o":{"x":1},"s":"{\"k\":[1,2]}"}`)
	env := &jsonpath.Env{
		Input:   input,
		Context: value.MustParse(`{"Execution":{"Id":"arn:aws:states:us-east-1:1:execution:m:e"}}`),
		Vars: func(name string) (any, bool) {
			if name == "var" {
				return value.MustParse(`{"x":"y"}`), true
			}
			return nil, false
		},
	}
	f.Fuzz(func(t *testing.T, src string) {
		c, err := Compile(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Compile(%q) error %T, want *SyntaxError", src, err)
			}
			if se.Offset < 0 || se.Offset > len(src) {
				t.Fatalf("Compile(%q): offset %d outside the source", src, se.Offset)
			}
			return
		}
		printed := c.String()
		again, err := Compile(printed)
		if err != nil || again.String() != printed {
			t.Fatalf("Compile(%q).String() = %q, which does not compile to itself: %v", src, printed, err)
		}
		v, err := c.Eval(env, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			var ie *Error
			var nf *jsonpath.NotFoundError
			var ee *jsonpath.EvalError
			if !errors.As(err, &ie) && !errors.As(err, &nf) && !errors.As(err, &ee) {
				t.Fatalf("Eval(%q) error %T: %v", src, err, err)
			}
			return
		}
		_ = value.Kind(v) // panics if Eval built something outside the value model
	})
}
