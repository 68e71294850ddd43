package jsonpath

import (
	"errors"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/value"
)

func TestCompileProperties(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src       string
		root      Root
		variable  string
		reference bool
		definite  bool
		canonical string
	}{
		{"$", RootInput, "", true, true, "$"},
		{"$.a.b[2].c", RootInput, "", true, true, "$['a']['b'][2]['c']"},
		{"$['a b'][\"c\"]", RootInput, "", true, true, "$['a b']['c']"},
		{"  $.a  ", RootInput, "", true, true, "$['a']"},
		{"$$.Execution.Input", RootContext, "", true, true, "$['Execution']['Input']"},
		{"$$", RootContext, "", true, true, "$"},
		{"$x", RootVariable, "x", true, true, "$"},
		{"$x.y[0]", RootVariable, "x", true, true, "$['y'][0]"},
		{"$_ü1['k']", RootVariable, "_ü1", true, true, "$['k']"},
		{"$.a[-1]", RootInput, "", false, true, "$['a'][-1]"},
		{"$['a','b']", RootInput, "", false, true, "$['a','b']"},
		{"$['a','b'].c", RootInput, "", false, false, "$['a','b']['c']"},
		{"$.a[0,1]", RootInput, "", false, false, "$['a'][0,1]"},
		{"$.a[1:3]", RootInput, "", false, false, "$['a'][1:3]"},
		{"$.a[:2]", RootInput, "", false, false, "$['a'][:2]"},
		{"$.a[-2:]", RootInput, "", false, false, "$['a'][-2:]"},
		{"$.*", RootInput, "", false, false, "$[*]"},
		{"$.a[*].b", RootInput, "", false, false, "$['a'][*]['b']"},
		{"$..b", RootInput, "", false, false, "$..['b']"},
		{"$.a[?(@.b > 1)]", RootInput, "", false, false, "$['a'][?]"},
		{"$.a.length()", RootInput, "", false, true, "$['a'].length()"},
		{"$.a[*].length()", RootInput, "", false, false, "$['a'][*].length()"},
		{"$..a.sum()", RootInput, "", false, true, "$..['a'].sum()"},
	}
	for _, tt := range tests {
		p, err := Compile(tt.src)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.src, err)
			continue
		}
		if p.String() != tt.src || p.Root() != tt.root || p.Variable() != tt.variable ||
			p.IsReference() != tt.reference || p.IsDefinite() != tt.definite || p.Canonical() != tt.canonical {
			t.Errorf("Compile(%q) = root %v var %q ref %v def %v canon %q; want %v %q %v %v %q", tt.src,
				p.Root(), p.Variable(), p.IsReference(), p.IsDefinite(), p.Canonical(),
				tt.root, tt.variable, tt.reference, tt.definite, tt.canonical)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src    string
		offset int
		msg    string // a part of the message
	}{
		{"", 0, "empty"},
		{"a.b", 0, "must start with '$'"},
		{"@.a", 0, "must start with '$'"},
		{"$a b", 2, "expected '.' or '['"},
		{"$.", 1, "must not end with"},
		{"$..", 2, "must not end with"},
		{"$...a", 3, "unexpected '.'"},
		{"$. a", 2, "space"},
		{"$.a b", 3, "space"},
		{"$[", 1, "unclosed"},
		{"$['a'", 5, "expected ',' or ']'"},
		{"$['a", 2, "unterminated"},
		{"$['a' 'b']", 6, "expected ',' or ']'"},
		{"$[a]", 2, "unexpected 'a'"},
		{"$[1 2]", 2, "invalid index"},
		{"$[99999999999]", 2, "invalid index"},
		{"$[:]", 2, "a slice needs"},
		{"$[1:2,3]", 5, "in a slice"},
		{"$[*,1]", 3, "expected ']'"},
		{"$[?(@.a)", 8, "expected ']'"},
		{"$[?(@.a == 1]", 3, "unclosed"},
		{"$[?(true)]", 4, "expected a path or a comparison"},
		{"$[?(@.a = 1)]", 8, "expected ')'"},
		{"$[?(@.a =~ /[/)]", 11, "invalid regular expression"},
		{"$.nope()", 2, "unknown function nope()"},
		{"$.sum(1", 6, "not closed"},
		{"$.sum('x')", 6, "must be a path or a JSON value"},
		{"$..length()", 3, "cannot follow '..'"},
	}
	for _, tt := range tests {
		_, err := Compile(tt.src)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Compile(%q) = %v, want a *SyntaxError", tt.src, err)
			continue
		}
		if se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("Compile(%q) = offset %d %q; want offset %d with %q", tt.src, se.Offset, se.Msg, tt.offset, tt.msg)
		}
	}
}

const testDoc = `{
	"a": {"b": [1, 2, {"c": "x"}]},
	"k y": true,
	"n": null,
	"s": "str",
	"nums": [3, 1.5, -2, 10],
	"words": ["ab", "cd"],
	"books": [
		{"title": "A", "price": 8.95, "tags": ["x", "y"]},
		{"title": "B", "price": 12.99, "isbn": "1-2"},
		{"title": "C", "price": 22, "tags": ["y"]}
	],
	"limit": 10
}`

func TestQuery(t *testing.T) {
	t.Parallel()
	doc := value.MustParse(testDoc)
	tests := []struct {
		path string
		want string // JSON of the result
	}{
		{"$.a.b[2].c", `"x"`},
		{"$['a'][\"b\"][0]", `1`},
		{"$.a.b[-1].c", `"x"`},
		{"$['k y']", `true`},
		{"$.n", `null`},
		{"$.a.b[0,1]", `[1,2]`},
		{"$.a.b[5,0]", `[1]`},
		{"$.nums[1:3]", `[1.5,-2]`},
		{"$.nums[:2]", `[3,1.5]`},
		{"$.nums[-2:]", `[-2,10]`},
		{"$.nums[-3:2]", `[1.5,-2,10,3,1.5]`},
		{"$.nums[9:]", `[]`},
		{"$.books[*].title", `["A","B","C"]`},
		{"$.books.*.title", `["A","B","C"]`},
		{"$.a.*", `[[1,2,{"c":"x"}]]`},
		{"$..c", `["x"]`},
		{"$..title", `["A","B","C"]`},
		{"$..tags[0]", `["x","y"]`},
		{"$.books[0]['title','price']", `{"title":"A","price":8.95}`},
		{"$.books[*]['title','isbn']", `[{"title":"A"},{"title":"B","isbn":"1-2"},{"title":"C"}]`},
		{"$['s','limit','nope']", `{"s":"str","limit":10}`},
		{"$.books[?(@.price > 10)].title", `["B","C"]`},
		{"$.books[?(@.price < $.limit)].title", `["A"]`},
		{"$.books[?(@.isbn)].title", `["B"]`},
		{"$.books[?(!@.isbn)].title", `["A","C"]`},
		{"$.books[?(@.title == 'A' || @.title == \"C\")].price", `[8.95,22]`},
		{"$.books[?(@.price > 10 && @.tags)].title", `["C"]`},
		{"$.books[?(!(@.price > 10))].title", `["A"]`},
		{"$.books[?(@.title =~ /a|b/i)].title", `["A","B"]`},
		{"$.books[?(@.title in ['A','B'])].title", `["A","B"]`},
		{"$.books[?(@.title nin ['A','B'])].title", `["C"]`},
		{"$.books[?(@.tags contains 'y')].title", `["A","C"]`},
		{"$.books[?(@.tags subsetof ['x','y','z'])].title", `["A","C"]`},
		{"$.books[?(@.tags anyof ['x'])].title", `["A"]`},
		{"$.books[?(@.tags noneof ['x'])].title", `["C"]`},
		{"$.books[?(@.tags size 2)].title", `["A"]`},
		{"$.books[?(@.title size 1)].title", `["A","B","C"]`},
		{"$.books[?(@.tags empty false)].title", `["A","C"]`},
		{"$.books[?(@.price == '22')].title", `["C"]`},
		{"$.books[?(@.price === '22')].title", `[]`},
		{"$.books[?(@.tags == ['y'])].title", `["C"]`},
		{"$.books[?(@.tags.length() == 2)].title", `["A"]`},
		{"$.nums.length()", `4`},
		{"$.nums.size()", `4`},
		{"$.a.length()", `1`},
		{"$.s.length()", `null`},
		{"$.nums.sum()", `12.5`},
		{"$.nums.min()", `-2.0`},
		{"$.nums.max()", `10.0`},
		{"$.nums.avg()", `3.125`},
		{"$.words.stddev(1, 3)", `1.0`},
		{"$.nums.sum(100, [1, 2])", `115.5`},
		{"$.nums.sum($.limit)", `22.5`},
		{"$..price.sum()", `43.94`},
		{"$..price.length()", `0`}, // Jayway counts what $..price[*] matches
		{"$..tags.length()", `3`},
		{"$.a.keys()", `["b"]`},
		{"$.words.concat(\"-\", 1, true)", `"abcd-1true"`},
		{"$.words.append(\"ef\", 1)", `["ab","cd","ef",1]`},
		{"$.words.first()", `"ab"`},
		{"$.words.last()", `"cd"`},
		{"$.nums.index(1)", `1.5`},
		{"$.nums.index(-1)", `10`},
		{"$.books[*].tags.length()", `[2,1]`},
	}
	for _, tt := range tests {
		p, err := Compile(tt.path)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.path, err)
			continue
		}
		got, err := p.Query(doc)
		if err != nil {
			t.Errorf("%s: %v", tt.path, err)
			continue
		}
		if !value.Equal(got, value.MustParse(tt.want)) || value.String(got) != value.String(value.MustParse(tt.want)) {
			t.Errorf("%s = %s, want %s", tt.path, value.String(got), tt.want)
		}
	}
}

// TestQueryShares checks that results are the document's own values, not
// copies.
func TestQueryShares(t *testing.T) {
	t.Parallel()
	doc := value.MustParse(testDoc)
	books, _ := doc.(*value.Object).Get("books")
	got, err := MustCompile("$.books").Query(doc)
	if err != nil {
		t.Fatal(err)
	}
	if &got.([]any)[0] != &books.([]any)[0] {
		t.Error("$.books returned a copy of the array")
	}
	list, err := MustCompile("$.books[?(@.price > 10)]").Query(doc)
	if err != nil {
		t.Fatal(err)
	}
	if list.([]any)[0] != books.([]any)[1] {
		t.Error("a filter returned a copy of the object")
	}
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	doc := value.MustParse(testDoc)
	tests := []struct {
		path   string
		reason NotFoundReason
		msg    string // "" when the path yields a value
	}{
		// The messages AWS quotes in States.Runtime causes.
		{"$.NoSuchInputPath", NoResults, "No results for path: $['NoSuchInputPath']"},
		{"$.no.such.result.path", MissingProperty, "Missing property in path $['no']"},
		{"$.a.b[7]", NoResults, "No results for path: $['a']['b'][7]"},
		{"$.a.b[-4]", NoResults, "No results for path: $['a']['b'][-4]"},
		{"$.s.x", NotAnObject, "Expected to find an object with property ['x'] in path $['s'] but found " +
			"'com.fasterxml.jackson.databind.node.TextNode'. This is not a json object according to the JsonProvider: " +
			"'com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider'."},
		{"$.n.x", NotAnObject, "Expected to find an object with property ['x'] in path $['n'] but found " +
			"'com.fasterxml.jackson.databind.node.NullNode'. This is not a json object according to the JsonProvider: " +
			"'com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider'."},
		{"$.a[0].c", NotAnArray, `Filter: [0]['c'] can only be applied to arrays. Current context is: {"b":[1,2,{"c":"x"}]}`},
		{"$.n[1]", NotAnArray, `Filter: [1] can only be applied to arrays. Current context is: null`},
		// Step Functions answers [] where Jayway fails an indefinite path.
		{"$.n[1:2]", 0, ""},
		{"$.nope[*]", 0, ""},
		{"$.s.x[0,1]", 0, ""},
		{"$['a','b'].c", 0, ""}, // indefinite: an empty list, not an error
		{"$.a['x','y']", 0, ""},
		{"$.a.b[1].length()", 0, ""},
	}
	for _, tt := range tests {
		got, err := MustCompile(tt.path).Query(doc)
		if tt.msg == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.path, err)
			}
			continue
		}
		var nf *NotFoundError
		if !errors.As(err, &nf) {
			t.Errorf("%s = %v, %v; want a *NotFoundError", tt.path, got, err)
			continue
		}
		if nf.Reason != tt.reason || err.Error() != tt.msg || nf.Path != tt.path {
			t.Errorf("%s: reason %d path %q %q; want %d %q", tt.path, nf.Reason, nf.Path, err.Error(), tt.reason, tt.msg)
		}
	}
}

func TestFunctionErrors(t *testing.T) {
	t.Parallel()
	doc := value.MustParse(`{"e": [], "s": ["a"], "o": {}}`)
	tests := []struct{ path, msg string }{
		{"$.e.sum()", "Aggregation function attempted to calculate value using empty array"},
		{"$.s.avg()", "Aggregation function attempted to calculate value using empty array"},
		{"$.o.first()", "Aggregation function attempted to calculate value using empty array"},
		{"$.e.last()", "Target index:-1 larger than object count:0"},
		{"$.s.index(3)", "Target index:3 larger than object count:1"},
		{"$.s.sum($.nope)", "No results for path: $['nope']"},
		{"$.o[?(@.x)]", ""},
	}
	for _, tt := range tests {
		_, err := MustCompile(tt.path).Query(doc)
		if tt.msg == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.path, err)
			}
			continue
		}
		if err == nil || err.Error() != tt.msg {
			t.Errorf("%s: got %v, want %q", tt.path, err, tt.msg)
		}
	}
}

func TestEvalRoots(t *testing.T) {
	t.Parallel()
	env := &Env{
		Input:   value.MustParse(`{"a": 1}`),
		Context: value.MustParse(`{"Execution": {"Input": {"a": 2}}, "Map": {"Item": {"Index": 3}}}`),
		Vars: func(name string) (any, bool) {
			switch name {
			case "x":
				return value.MustParse(`{"y": [4, 5]}`), true
			case "n":
				return nil, true
			}
			return nil, false
		},
	}
	tests := []struct{ path, want, msg string }{
		{"$.a", "1", ""},
		{"$", `{"a":1}`, ""},
		{"$$.Execution.Input.a", "2", ""},
		{"$$.Map.Item.Index", "3", ""},
		{"$x.y[1]", "5", ""},
		{"$x", `{"y":[4,5]}`, ""},
		{"$n", "null", ""},
		{"$x.y[*]", "[4,5]", ""},
		{"$nope", "", "Variable $nope is not defined"},
		{"$$.Execution.Nope", "", "No results for path: $['Execution']['Nope']"},
		{"$x.z", "", "No results for path: $['z']"},
	}
	for _, tt := range tests {
		got, err := MustCompile(tt.path).Eval(env)
		if tt.msg != "" {
			if err == nil || err.Error() != tt.msg {
				t.Errorf("%s: got %v, want error %q", tt.path, err, tt.msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.path, err)
			continue
		}
		if value.String(got) != tt.want {
			t.Errorf("%s = %s, want %s", tt.path, value.String(got), tt.want)
		}
	}
	if _, err := MustCompile("$x").Eval(&Env{}); err == nil {
		t.Error("a variable with no Vars function evaluated")
	}
	// Query uses the document it is given, whatever the root.
	got, err := MustCompile("$$.a").Query(value.MustParse(`{"a": 7}`))
	if err != nil || value.String(got) != "7" {
		t.Errorf("Query($$.a) = %v, %v", got, err)
	}
}

func TestSet(t *testing.T) {
	t.Parallel()
	const orig = `{"a":{"b":[1,2]},"c":3,"s":"x","n":null}`
	tests := []struct {
		path, v, want, err string
	}{
		{"$", `5`, `5`, ""},
		{"$.c", `5`, `{"a":{"b":[1,2]},"c":5,"s":"x","n":null}`, ""},
		{"$.a.b[1]", `{"z":1}`, `{"a":{"b":[1,{"z":1}]},"c":3,"s":"x","n":null}`, ""},
		{"$.a.b", `[]`, `{"a":{"b":[]},"c":3,"s":"x","n":null}`, ""},
		{"$.x.y", `5`, `{"a":{"b":[1,2]},"c":3,"s":"x","n":null,"x":{"y":5}}`, ""},
		{"$['new key']['k']", `true`, `{"a":{"b":[1,2]},"c":3,"s":"x","n":null,"new key":{"k":true}}`, ""},
		{"$.s.y", `5`, "", "cannot set $.s.y: not an object: string at $['s']"},
		{"$.n.y", `5`, "", "cannot set $.n.y: not an object: null at $['n']"},
		{"$.c[0]", `5`, "", "cannot set $.c[0]: not an array: number at $['c']"},
		{"$.a.b[2]", `5`, "", "cannot set $.a.b[2]: index out of range at $['a']['b'][2]"},
		{"$.x[0]", `5`, "", "cannot set $.x[0]: not an array: missing at $['x']"},
		{"$.a.b[-1]", `5`, "", "cannot set $.a.b[-1]: not a reference path at $"},
		{"$..b", `5`, "", "cannot set $..b: not a reference path at $"},
	}
	for _, tt := range tests {
		doc := value.MustParse(orig)
		got, err := MustCompile(tt.path).Set(doc, value.MustParse(tt.v))
		if tt.err != "" {
			var se *SetError
			if !errors.As(err, &se) || err.Error() != tt.err {
				t.Errorf("Set(%s): got %v, want error %q", tt.path, err, tt.err)
			}
		} else if err != nil {
			t.Errorf("Set(%s): %v", tt.path, err)
		} else if value.String(got) != tt.want {
			t.Errorf("Set(%s) = %s, want %s", tt.path, value.String(got), tt.want)
		}
		if value.String(doc) != orig {
			t.Errorf("Set(%s) changed the original to %s", tt.path, value.String(doc))
		}
	}
}

// TestSetShares checks that Set copies only the containers on the path.
func TestSetShares(t *testing.T) {
	t.Parallel()
	doc := value.MustParse(`{"a":{"b":1},"c":{"d":2}}`)
	got, err := MustCompile("$.a.b").Set(doc, value.Int(5))
	if err != nil {
		t.Fatal(err)
	}
	oldC, _ := doc.(*value.Object).Get("c")
	newC, _ := got.(*value.Object).Get("c")
	if oldC != newC {
		t.Error("Set copied a member off the path")
	}
}

func TestEvalSimpleAllocs(t *testing.T) {
	doc := value.MustParse(`{"a":{"b":[0,1,{"c":"x"}]}}`)
	p := MustCompile("$.a.b[2].c")
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := p.Query(doc); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("$.a.b[2].c allocates %v times per evaluation, want 0", allocs)
	}
}

func BenchmarkEval(b *testing.B) {
	env := &Env{Input: value.MustParse(`{"a":{"x":1,"b":[0,1,{"c":"x","d":4}]},"z":[1,2,3]}`)}
	p := MustCompile("$.a.b[2].c")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalFilter(b *testing.B) {
	doc := value.MustParse(testDoc)
	p := MustCompile("$.books[?(@.price > 10)].title")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Query(doc); err != nil {
			b.Fatal(err)
		}
	}
}
