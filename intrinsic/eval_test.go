package intrinsic

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/jsonpath"
	"github.com/cairn-sfn/cairn/value"
)

// evalCase is one call evaluated against an input: want is the JSON text of
// the result, or cause a substring of the *Error's cause.
type evalCase struct {
	src   string
	input string
	want  string
	cause string
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.src, func(t *testing.T) {
			t.Parallel()
			c, err := Compile(tc.src)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			input := "{}"
			if tc.input != "" {
				input = tc.input
			}
			env := &jsonpath.Env{Input: value.MustParse(input), Context: value.MustParse(`{"Execution":{"Id":"exec-1"}}`),
				Vars: func(name string) (any, bool) {
					if name == "greeting" {
						return "hi", true
					}
					return nil, false
				}}
			got, err := c.Eval(env, rand.New(rand.NewPCG(1, 2)))
			if tc.cause != "" {
				var ie *Error
				if !errors.As(err, &ie) {
					t.Fatalf("Eval = %v, %v; want *Error with cause containing %q", got, err, tc.cause)
				}
				if !strings.Contains(ie.Cause, tc.cause) {
					t.Fatalf("cause = %q; want it to contain %q", ie.Cause, tc.cause)
				}
				return
			}
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if !value.Equal(got, value.MustParse(tc.want)) || value.String(got) != value.String(value.MustParse(tc.want)) {
				t.Fatalf("Eval = %s; want %s", value.String(got), tc.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{src: `States.Format('Hello, {}!', $.name)`, input: `{"name":"Arnav"}`, want: `"Hello, Arnav!"`},
		{src: `States.Format($.t, $.name)`, input: `{"t":"Hello, my name is {}.","name":"Arnav"}`, want: `"Hello, my name is Arnav."`},
		{src: `States.Format('{} {} {} {}', 1, 1.1, null, true)`, want: `"1 1.1 null true"`},
		{src: `States.Format('x={}', $.o)`, input: `{"o":{"Arg1":1,"Arg2":[]}}`, want: `"x={Arg1=1, Arg2=[]}"`},
		{src: `States.Format('{}', $.a)`, input: `{"a":[1,"two",{"k":null},1.0,2e3]}`, want: `"[1, two, {k=null}, 1.0, 2000.0]"`},
		{src: `States.Format('\{\} {} \'q\' \\', 7)`, want: `"{} 7 'q' \\"`},
		{src: `States.Format('no placeholders')`, want: `"no placeholders"`},
		{src: `States.Format('Format Func {}', $greeting)`, want: `"Format Func hi"`},
		{src: `States.Format('{}', $$.Execution.Id)`, want: `"exec-1"`},
		{src: `States.Format('{} and {}', 1)`, cause: "2 {} placeholders, but 1 value was given"},
		{src: `States.Format($.t)`, input: `{"t":5}`, cause: "must be a string"},
		{src: `States.Format('a\nb')`, cause: "escapes nothing"},
	})
}

func TestArrays(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{src: `States.Array('a', 2, $.o, null)`, input: `{"o":{"r":"x"}}`, want: `["a",2,{"r":"x"},null]`},
		{src: `States.Array()`, want: `[]`},
		{src: `States.ArrayPartition($.a, 2)`, input: `{"a":[1,2,3,4,5]}`, want: `[[1,2],[3,4],[5]]`},
		{src: `States.ArrayPartition($.a, 4)`, input: `{"a":[]}`, want: `[]`},
		{src: `States.ArrayPartition($.a, 0)`, input: `{"a":[1]}`, cause: "positive integer"},
		{src: `States.ArrayPartition($.a, 1.5)`, input: `{"a":[1,2,3]}`, want: `[[1,2],[3]]`},
		{src: `States.ArrayContains($.a, 5)`, input: `{"a":[1,2,5]}`, want: `true`},
		{src: `States.ArrayContains($.a, $.v)`, input: `{"a":[{"1":2,"2":[]}],"v":{"2":[],"1":2}}`, want: `true`},
		{src: `States.ArrayContains($.a, $.v)`, input: `{"a":[[1,2,3],2],"v":[1,2,3]}`, want: `true`},
		{src: `States.ArrayContains($.a, $.v)`, input: `{"a":[],"v":[]}`, want: `false`},
		{src: `States.ArrayContains($.a, 1)`, input: `{"a":[1.0]}`, want: `false`},
		{src: `States.ArrayRange(1, 9, 2)`, want: `[1,3,5,7,9]`},
		{src: `States.ArrayRange(1, 10, 2)`, want: `[1,3,5,7,9]`},
		{src: `States.ArrayRange(0, 3, 1)`, want: `[0,1,2,3]`},
		{src: `States.ArrayRange(5, 1, -2)`, want: `[5,3,1]`},
		{src: `States.ArrayRange(5, 1, 1)`, want: `[]`},
		{src: `States.ArrayRange(1, 1000, 1)`, want: "[" + seq(1, 1000) + "]"},
		{src: `States.ArrayRange(0, 1000, 1)`, cause: "at most 1000 items"},
		{src: `States.ArrayRange(1, 5, 0)`, cause: "must not be 0"},
		{src: `States.ArrayRange(1, 'x', 1)`, cause: "second argument of States.ArrayRange must be an integer"},
		{src: `States.ArrayGetItem($.a, 5)`, input: `{"a":[1,2,3,4,5,6,7,8,9]}`, want: `6`},
		{src: `States.ArrayGetItem($.a, 3)`, input: `{"a":[1,2,3]}`, cause: "out of bounds"},
		{src: `States.ArrayGetItem($.a, -1)`, input: `{"a":[1,2,3]}`, cause: "out of bounds"},
		{src: `States.ArrayLength($.a)`, input: `{"a":[null,1,[]]}`, want: `3`},
		{src: `States.ArrayLength($.a)`, input: `{"a":"abc"}`, cause: "must be an array, but it is a string"},
		{src: `States.ArrayUnique($.a)`, input: `{"a":[1,2,2,3,3,4]}`, want: `[1,2,3,4]`},
		{src: `States.ArrayUnique($.a)`, input: `{"a":[null,null,true,true,1,1,1.1,"x","x",[],[],{"a":1,"b":2},{"b":2,"a":1},{"a":1,"b":1}]}`,
			want: `[null,true,1,1.1,"x",[],{"a":1,"b":2},{"a":1,"b":1}]`},
	})
}

func seq(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		if i > from {
			b.WriteByte(',')
		}
		b.WriteString(value.String(value.Int(int64(i))))
	}
	return b.String()
}
