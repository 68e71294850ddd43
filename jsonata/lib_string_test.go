package jsonata

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cairn-sfn/cairn/value"
)

type fakeFunction struct{}

func TestLibStringFunctions(t *testing.T) {
	t.Parallel()
	u := undefined
	obj := value.MustParse(`{"a":[1,2.5,{"b":null}],"s":"x\"y"}`)
	runLibCases(t, []libCase{
		{name: "string", args: []any{u}, want: "undefined"},
		{name: "string", args: []any{"abc"}, want: `"abc"`},
		{name: "string", args: []any{22.0 / 7}, want: `"3.14285714285714"`},
		{name: "string", args: []any{1e21}, want: `"1e+21"`},
		{name: "string", args: []any{value.Number("1.0")}, want: `"1"`},
		{name: "string", args: []any{value.Number("5890840712243076")}, want: `"5890840712243076"`},
		{name: "string", args: []any{obj}, want: `"{\"a\":[1,2.5,{\"b\":null}],\"s\":\"x\\\"y\"}"`},
		{name: "string", args: []any{[]any{"a", 1.0}, true}, want: `"[\n  \"a\",\n  1\n]"`},
		{name: "string", args: []any{value.MustParse(`{"a":{},"b":[]}`), true}, want: `"{\n  \"a\": {},\n  \"b\": []\n}"`},
		{name: "string", args: []any{fakeFunction{}}, want: `""`},
		{name: "string", args: []any{[]any{fakeFunction{}}}, want: `"[\"\"]"`},
		{name: "string", args: []any{inf()}, code: "D3001"},
		{name: "string", args: []any{[]any{inf()}}, code: "D1001"},
		{name: "length", args: []any{"a𝄞💩"}, want: "3"},
		{name: "length", args: []any{u}, want: "undefined"},
		{name: "substring", args: []any{"hello world", -5.0, 4.0}, want: `"worl"`},
		{name: "substring", args: []any{"😂😁😀", -4.0, 1.0}, want: `"😂"`},
		{name: "substring", args: []any{"hello", 1.5, u}, want: `"ello"`},
		{name: "substring", args: []any{"hello", 0.0, -1.0}, want: `""`},
		{name: "substringBefore", args: []any{"Hello World", "o"}, want: `"Hell"`},
		{name: "substringAfter", args: []any{"Hello World", "o"}, want: `" World"`},
		{name: "substringAfter", args: []any{"Hello", "z"}, want: `"Hello"`},
		{name: "uppercase", args: []any{"abcé"}, want: `"ABCÉ"`},
		{name: "lowercase", args: []any{"ABC"}, want: `"abc"`},
		{name: "uppercase", args: []any{"straße ﬁ"}, want: `"STRASSE FI"`},
		{name: "lowercase", args: []any{"ΟΔΟΣ ΣΑΣ. Σ"}, want: `"οδος σας. σ"`},
		{name: "lowercase", args: []any{"İ"}, want: `"i̇"`},
		{name: "trim", args: []any{"  a \n\t b  "}, want: `"a b"`},
		{name: "pad", args: []any{"foo", 8.0, "-+"}, want: `"foo-+-+-"`},
		{name: "pad", args: []any{"foo", -5.7, u}, want: `"  foo"`},
		{name: "pad", args: []any{"a𝄞", 4.0, "💩"}, want: `"a𝄞💩💩"`},
		{name: "contains", args: []any{"abc", "bc"}, want: "true"},
		{name: "contains", args: []any{"abc", u}, want: "undefined"},
		{name: "split", args: []any{"a, b, c", ", ", 2.5}, want: `["a","b"]`},
		{name: "split", args: []any{"a💩b", ""}, want: `["a","💩","b"]`},
		{name: "split", args: []any{"abc", "b", -1.0}, code: "D3020"},
		{name: "split", args: []any{"abc", "b", 0.0}, want: `[]`},
		{name: "join", args: []any{[]any{"a", "b"}, "-"}, want: `"a-b"`},
		{name: "join", args: []any{[]any{"a", 1.0}}, code: "T0412"},
		{name: "replace", args: []any{"a.a.a", ".", "$0", 2.0}, want: `"a$0a$0a"`},
		{name: "replace", args: []any{"aaa", "a", "b", 1.5}, want: `"bba"`},
		{name: "replace", args: []any{"aaa", "", "b"}, code: "D3010"},
		{name: "replace", args: []any{"aaa", "a", "b", -1.0}, code: "D3011"},
	})
}

func TestLibExpandReplacement(t *testing.T) {
	t.Parallel()
	groups := make([]string, 12)
	for i := range groups {
		groups[i] = "g" + string(rune('a'+i))
	}
	for _, c := range []struct {
		repl   string
		groups []string
		want   string
	}{
		{"[$0]", []string{"x"}, "[M]"},
		{"$1-$2", []string{"x", "y"}, "x-y"},
		{"$$1", []string{"x"}, "$1"},
		{"$3", []string{"x"}, ""},
		{"$12", groups, "gl"},
		{"$13", groups, "ga3"},
		{"$x", []string{"x"}, "$x"},
		{"cost $", nil, "cost $"},
		{"$1", nil, ""},
	} {
		if got := expandReplacement(c.repl, "M", c.groups); got != c.want {
			t.Errorf("expandReplacement(%q) = %q, want %q", c.repl, got, c.want)
		}
	}
}

func TestLibEncoding(t *testing.T) {
	t.Parallel()
	runLibCases(t, []libCase{
		{name: "base64encode", args: []any{"hello:world"}, want: `"aGVsbG86d29ybGQ="`},
		{name: "base64encode", args: []any{"é"}, want: `"6Q=="`},
		{name: "base64decode", args: []any{"aGVsbG86d29ybGQ="}, want: `"hello:world"`},
		{name: "base64decode", args: []any{"6Q"}, want: `"é"`},
		{name: "base64decode", args: []any{"aGVs\nbG8"}, want: `"hello"`},
		{name: "encodeUrlComponent", args: []any{"?x=шт&y=(1)"}, want: `"%3Fx%3D%D1%88%D1%82%26y%3D(1)"`},
		{name: "encodeUrl", args: []any{"https://a.org/?x=ш#f"}, want: `"https://a.org/?x=%D1%88#f"`},
		{name: "encodeUrl", args: []any{"\xff"}, code: "D3140"},
		{name: "decodeUrlComponent", args: []any{"%3Fx%3D%D1%88"}, want: `"?x=ш"`},
		{name: "decodeUrl", args: []any{"%3Fx%3D%D1%88"}, want: `"%3Fx%3Dш"`},
		{name: "decodeUrl", args: []any{"%E0%A4%A"}, code: "D3140"},
		{name: "decodeUrlComponent", args: []any{"%C0%80"}, code: "D3140"},
		{name: "decodeUrlComponent", args: []any{"%EF%BF%BD"}, want: `"` + string(utf8.RuneError) + `"`},
	})
}

func FuzzLibStringFunctions(f *testing.F) {
	for _, s := range []string{"", "hello world", "a💩b", "%E0%A4%A", "%41%", "aGVsbG8=", "$1$$0$", "\xff\xfe"} {
		f.Add(s, s, 2.5)
	}
	f.Fuzz(func(t *testing.T, s, pattern string, n float64) {
		n = math.Mod(n, 1000) // keep $pad's output small
		for _, name := range []string{"length", "uppercase", "trim", "base64encode", "base64decode", "encodeUrl", "encodeUrlComponent", "decodeUrl", "decodeUrlComponent"} {
			if _, err := libCall(t, name, s); err != nil && !strings.HasPrefix(err.Error(), "D3140") {
				t.Fatalf("$%s(%q): %v", name, s, err)
			}
		}
		_, _ = libCall(t, "substring", s, n, n)
		_, _ = libCall(t, "pad", s, n, pattern)
		_, _ = libCall(t, "split", s, pattern, n)
		_, _ = libCall(t, "replace", s, pattern, s, n)
		_ = expandReplacement(s, pattern, []string{pattern, s})
	})
}
