package jsonata

import (
	"testing"

	"github.com/cairn-sfn/cairn/value"
)

func TestLibObjectFunctions(t *testing.T) {
	t.Parallel()
	u := undefined
	j := value.MustParse
	runLibCases(t, []libCase{
		{name: "boolean", args: []any{[]any{0.0, []any{}, ""}}, want: "false"},
		{name: "boolean", args: []any{[]any{[]any{[]any{true}}}}, want: "true"},
		{name: "boolean", args: []any{value.Number("0.0")}, want: "false"},
		{name: "boolean", args: []any{fakeFunction{}}, want: "false"},
		{name: "boolean", args: []any{u}, want: "undefined"},
		{name: "not", args: []any{j(`{}`)}, want: "true"},
		{name: "type", args: []any{fakeFunction{}}, want: `"function"`},
		{name: "type", args: []any{value.Number("1")}, want: `"number"`},
		{name: "type", args: []any{nil}, want: `"null"`},
		{name: "exists", args: []any{nil}, want: "true"},
		{name: "exists", args: []any{u}, want: "false"},
		{name: "keys", args: []any{j(`[{"a":1,"b":2},{"b":3,"c":4}]`)}, want: `["a","b","c"]`},
		{name: "keys", args: []any{j(`{"only":1}`)}, want: `"only"`},
		{name: "keys", args: []any{j(`{}`)}, want: "undefined"},
		{name: "lookup", args: []any{j(`{"a":null}`), "a"}, want: "null"},
		{name: "lookup", args: []any{j(`[{"a":[1,2]},{"b":0},{"a":3}]`), "a"}, want: "[1,2,3]"},
		{name: "lookup", args: []any{"str", "a"}, want: "undefined"},
		{name: "spread", args: []any{j(`[{"a":1,"b":2},{"c":3}]`)}, want: `[{"a":1},{"b":2},{"c":3}]`},
		{name: "spread", args: []any{"x"}, want: `"x"`},
		{name: "merge", args: []any{j(`[{"a":1,"b":2},{"a":3}]`)}, want: `{"a":3,"b":2}`},
		{name: "merge", args: []any{j(`[1]`)}, code: "T0412"},
		{name: "count", args: []any{j(`[1,2,3]`)}, want: "3"},
		{name: "count", args: []any{u}, want: "0"},
		{name: "append", args: []any{1.0, j(`[2,3]`)}, want: "[1,2,3]"},
		{name: "append", args: []any{u, 2.0}, want: "2"},
		{name: "reverse", args: []any{j(`[1,2,3]`)}, want: "[3,2,1]"},
		{name: "distinct", args: []any{[]any{1.0, value.Number("1"), j(`{"a":[1]}`), j(`{"a":[1.0]}`), "1"}}, want: `[1,{"a":[1]},"1"]`},
	})
}
