package jsonata

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/value"
)

const testDoc = `{
  "name": "shop",
  "items": [
    {"id": "a", "price": 5,  "qty": 2, "tags": ["x", "y"]},
    {"id": "b", "price": 15, "qty": 1, "tags": ["y"]},
    {"id": "c", "price": 25, "qty": 4, "tags": []}
  ],
  "nested": {"deep": {"deeper": {"v": 1}}, "list": [[1, 2], [3, [4]]]}
}`

func evalString(t *testing.T, expr string, input any, opts *Options) (any, error) {
	t.Helper()
	e, err := Compile(expr)
	if err != nil {
		return nil, err
	}
	return e.Eval(input, opts)
}

func TestEvalSemantics(t *testing.T) {
	t.Parallel()
	doc := value.MustParse(testDoc)
	tests := []struct {
		expr string
		want string // JSON, or "undefined"
	}{
		// paths, singleton sequences and flattening
		{`name`, `"shop"`},
		{`items.id`, `["a","b","c"]`},
		{`items[0].id`, `"a"`},
		{`items[-1].id`, `"c"`},
		{`items[price > 10].id`, `["b","c"]`},
		{`items[price > 20].id`, `"c"`},
		{`items[price > 20].id[]`, `["c"]`},
		{`items[price > 100].id`, `undefined`},
		{`items.tags`, `["x","y","y"]`},
		{`nested.list`, `[[1,2],[3,[4]]]`},
		{`nested.list.$`, `[1,2,3,[4]]`},
		{`nested.**.v`, `1`},
		{`nested.*.deeper.v`, `1`},
		{`items[[0, 2]].id`, `["a","c"]`},
		{`missing`, `undefined`},
		{`$.name`, `"shop"`},
		{`$$.items[0].id`, `"a"`},
		// operators
		{`1 + 2 * 3`, `7`},
		{`7 % 3`, `1`},
		{`-items[0].price`, `-5`},
		{`"a" & 1 & true & null`, `"a1truenull"`},
		{`1 = 1.0`, `true`},
		{`[1,2] = [1,2]`, `true`},
		{`{"a":1} = {"a":1}`, `true`},
		{`"b" > "a"`, `true`},
		{`2 in [1,2,3]`, `true`},
		{`missing = 1`, `false`},
		{`missing != 1`, `false`},
		{`items[0].price < missing`, `undefined`},
		{`true and missing`, `false`},
		{`missing or 1`, `true`},
		{`[1..4]`, `[1,2,3,4]`},
		{`[3..1]`, `[]`},
		{`missing ?? "d"`, `"d"`},
		{`0 ?: "d"`, `"d"`},
		{`items[0].price > 1 ? "big" : "small"`, `"big"`},
		{`false ? 1`, `undefined`},
		// constructors, grouping and sorting
		{`[1, [2, 3], [[4]]]`, `[1,[2,3],[[4]]]`},
		{`[items.id]`, `["a","b","c"]`},
		{`items{id: price}`, `{"a":5,"b":15,"c":25}`},
		{`items{"all": $sum(price)}`, `{"all":45}`},
		{`{"n": $count(items)}`, `{"n":3}`},
		{`items^(>price).id`, `["c","b","a"]`},
		{`items^(qty, id).id`, `["b","a","c"]`},
		{`items.{"id": id, "total": price * qty}[total > 20].id`, `"c"`},
		{`items.{"id": id, "total": price * qty}[total > 2].id`, `["a","b","c"]`},
		// positional, context and parent bindings
		{`items#$i[$i > 0].id`, `["b","c"]`},
		{`items#$i.($i & id)`, `["0a","1b","2c"]`},
		{`items@$it.$it.tags.{"id": $it.id, "tag": $}`, `[{"id":"a","tag":"x"},{"id":"a","tag":"y"},{"id":"b","tag":"y"}]`},
		{`items.tags.%.id`, `["a","a","b"]`},
		{`items[0].%.name`, `"shop"`},
		// functions and lambdas
		{`$map([1,2,3], function($v, $i) { $v * $i })`, `[0,2,6]`},
		{`$filter([1,2,3,4], function($v) { $v % 2 = 0 })`, `[2,4]`},
		{`$reduce([1,2,3,4], function($a, $b) { $a + $b })`, `10`},
		{`$reduce([1,2,3], function($a, $b) { $a + $b }, 10)`, `16`},
		{`$single([1,2,3], function($v) { $v = 2 })`, `2`},
		{`$sort([3,1,2])`, `[1,2,3]`},
		{`$sort(items, function($a, $b) { $a.price < $b.price }).id`, `["c","b","a"]`},
		{`$zip([1,2,3], ["a","b"])`, `[[1,"a"],[2,"b"]]`},
		{`$each({"a": 1, "b": 2}, function($v, $k) { $k & $v })`, `["a1","b2"]`},
		{`$sift({"a": 1, "b": 2}, function($v) { $v > 1 })`, `{"b":2}`},
		{`($f := function($x) { $x * 2 }; $f(21))`, `42`},
		{`($add := function($a, $b) { $a + $b }; $inc := $add(?, 1); $inc(41))`, `42`},
		{`($twice := function($f) { function($x) { $f($f($x)) } }; $twice(function($y) { $y + 1 })(0))`, `2`},
		{`"hello" ~> $uppercase()`, `"HELLO"`},
		{`($up := $trim ~> $uppercase; $up(" a "))`, `"A"`},
		{`function($x)<n:n>{ $x + 1 }(1)`, `2`},
		{`λ($x){ $x }("y")`, `"y"`},
		{`($loop := function($n, $acc) { $n = 0 ? $acc : $loop($n - 1, $acc + 1) }; $loop(10000, 0))`, `10000`},
		{`$eval("1 + $x", {"x": 1})`, `undefined`},
		{`($x := 2; $eval("1 + $x"))`, `3`},
		{`$exists(missing)`, `false`},
		{`$string(items[0].tags)`, `"[\"x\",\"y\"]"`},
		{`$count(items.tags)`, `3`},
		{`$append([1], 2)`, `[1,2]`},
		{`$distinct([1, 2, 1, "a", "a"])`, `[1,2,"a"]`},
		{`$reverse([1, 2, 3])`, `[3,2,1]`},
		{`$lookup(items, "id")`, `["a","b","c"]`},
		// regular expressions
		{`$match("ab12cd34", /[0-9]+/).match`, `["12","34"]`},
		{`$match("ab12", /([a-z])([0-9])/).groups`, `["b","1"]`},
		{`$replace("a1b2", /[0-9]/, "#")`, `"a#b#"`},
		{`$replace("John Smith", /(\w+)\s(\w+)/, "$2, $1")`, `"Smith, John"`},
		{`$replace("abc", /b/, function($m) { $uppercase($m.match) })`, `"aBc"`},
		{`$split("a1b22c", /[0-9]+/)`, `["a","b","c"]`},
		{`$contains("Hello", /^h/i)`, `true`},
		{`items[id ~> /[ab]/].price`, `[5,15]`},
		{`/x(y)/("axyz").groups`, `["y"]`},
		{`$match("ab", /$/)`, `{"match":"","index":2,"groups":[]}`},
		{`$contains("abc", /x*/)`, `true`},
		{`$match("a1b2c3", /[0-9]/, 2).match`, `["1","2"]`},
		{`$split("a,b,,c", /,/, 3)`, `["a","b",""]`},
		{`$replace("héllo wörld", /ö/, "o")`, `"héllo world"`},
		{`$match("😀a", /a/).index`, `2`},
		// transforms
		{`items[0] ~> |$|{"price": 6}, ["tags"]|`, `{"id":"a","price":6,"qty":2}`},
		{`($ ~> |items|{"sale": true}|).items[sale] ~> $count()`, `3`},
		{`(items ~> |$|{"x": 1}|; items[0].x)`, `undefined`},
		{`{"a": {"b": 1}} ~> |a|{"self": $}|`, `{"a": {"b": 1, "self": {"b": 1}}}`},
		// blocks and scoping
		{`($a := 1; ($a := 2); $a)`, `1`},
		{`()`, `undefined`},
	}
	for _, tc := range tests {
		got, err := evalString(t, tc.expr, doc, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if tc.want == "undefined" {
			if !IsUndefined(got) {
				t.Errorf("%s = %s, want undefined", tc.expr, show(got))
			}
			continue
		}
		if IsUndefined(got) || !value.Equal(got, value.MustParse(tc.want)) {
			t.Errorf("%s = %s, want %s", tc.expr, show(got), tc.want)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	t.Parallel()
	doc := value.MustParse(testDoc)
	tests := []struct {
		expr string
		code string
	}{
		{`"a" + 1`, "T2001"},
		{`1 + "a"`, "T2002"},
		{`1 < "a"`, "T2009"},
		{`{} < 1`, "T2010"},
		{`$foo()`, "T1006"},
		{`uppercase("a")`, "T1005"},
		{`$substring(1)`, "T0411"},
		{`$substring("a", "b")`, "T0410"},
		{`$sum(["a"])`, "T0412"},
		{`function($x)<n:n>{ $x }("a")`, "T0410"},
		{`$error("boom")`, "D3137"},
		{`$assert(false, "no")`, "D3141"},
		{`$single([1, 2])`, "D3138"},
		{`$single([])`, "D3139"},
		{`[1..1e8]`, "D2014"},
		{`[1.5..2]`, "T2003"},
		{`items{id: price, "a": 1}`, "D1009"},
		{`{1: 2}`, "T1003"},
		{`items ~> |$|5|`, "T2011"},
		{`1 ~> 2`, "T2006"},
		{`$sort([1, "a"])`, "D3070"},
		{`items^(tags).id`, "T2008"},
		{`$reduce([1], function($a) { $a })`, "D3050"},
		{`$eval("1 +")`, "D3120"},
		{`$split("a", $uppercase)`, "T1010"},
		{`$match("aaa", /a*?/)`, "D1004"},
		{`$replace("aab", /a*/, "-")`, "D1004"},
		{`1 / (1e300 * 1e300)`, "D1001"},
		{`$now()`, "D3200"},
		{`$fn := function($x) { $x }`, CodeFunctionResult},
		{`$uppercase`, CodeFunctionResult},
	}
	for _, tc := range tests {
		_, err := evalString(t, tc.expr, doc, nil)
		var je *Error
		if !errors.As(err, &je) || je.Code != tc.code {
			t.Errorf("%s: error %v, want code %s", tc.expr, err, tc.code)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr  string
		code  string
		token string
	}{
		{`"unterminated`, "S0101", ""},
		{`1e999`, "S0102", "1e999"},
		{`"\q"`, "S0103", "q"},
		{"`name", "S0105", ""},
		{`/* comment`, "S0106", ""},
		{`1 2`, "S0201", "2"},
		{`[1:2]`, "S0202", ":"},
		{`(1`, "S0203", ")"},
		{`1 ! 2`, "S0204", "!"},
		{`1 +`, "S0207", ""},
		{`function(a){1}`, "S0208", "a"},
		{`[1]{"x":1}[0]`, "S0209", ""},
		{`a{"x":1}{"y":1}`, "S0210", ""},
		{`)`, "S0211", ")"},
		{`1 := 2`, "S0212", "1"},
		{`a.1`, "S0213", "1"},
		{`a@b`, "S0214", "@"},
		{`%.a`, "S0217", "parent"},
		{`/(?=x)/`, "S0303", "(?=x)"},
		{`function($x)<q>{1}`, "S0401", "<q>"},
		{strings.Repeat("(", 2000) + "1" + strings.Repeat(")", 2000), "U1001", ""},
	}
	for _, tc := range tests {
		_, err := Compile(tc.expr)
		var je *Error
		if !errors.As(err, &je) || je.Code != tc.code {
			t.Errorf("%q: error %v, want code %s", tc.expr, err, tc.code)
			continue
		}
		if tc.token != "" && je.Token != tc.token {
			t.Errorf("%q: token %q, want %q", tc.expr, je.Token, tc.token)
		}
		if je.Position < 0 || je.Position > len(tc.expr) {
			t.Errorf("%q: position %d outside the expression", tc.expr, je.Position)
		}
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 3, 4, 5, 6, 7, 890e6, time.UTC)
	opts := &Options{
		Now:      now,
		Bindings: map[string]any{"x": value.Number("40"), "$obj": value.MustParse(`{"k": "v"}`)},
		Functions: map[string]Function{
			"double": {Signature: "<n:n>", Fn: func(args []any) (any, error) {
				f, _ := toFloat(args[0])
				return f * 2, nil
			}},
			"goValues": {Fn: func(args []any) (any, error) {
				return map[string]any{"n": 7, "list": []any{int64(1), "x"}}, nil
			}},
			"first": {Fn: func(args []any) (any, error) {
				a, ok := args[0].([]any)
				if !ok || len(a) == 0 {
					return undefined, nil
				}
				return a[0], nil
			}},
		},
	}
	tests := []struct{ expr, want string }{
		{`$x + 2`, `42`},
		{`$obj.k`, `"v"`},
		{`$double(21)`, `42`},
		{`$first([7, 8])`, `7`},
		{`$first([1..3])`, `1`},
		{`$goValues().n + $goValues().list[0]`, `8`},
		{`$now()`, `"2024-03-04T05:06:07.890Z"`},
		{`$millis()`, `1709528767890`},
		{`$count($shuffle([1,2,3,4]))`, `4`},
	}
	for _, tc := range tests {
		got, err := evalString(t, tc.expr, nil, opts)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if !value.Equal(got, value.MustParse(tc.want)) {
			t.Errorf("%s = %s, want %s", tc.expr, show(got), tc.want)
		}
	}
	_, err := evalString(t, `$double("a")`, nil, opts)
	var je *Error
	if !errors.As(err, &je) || je.Code != "T0410" {
		t.Errorf("host function signature not checked: %v", err)
	}
	// Same options, same shuffle.
	a, _ := evalString(t, `$shuffle([1..20])`, nil, opts)
	b, _ := evalString(t, `$shuffle([1..20])`, nil, opts)
	if !value.Equal(a, b) {
		t.Errorf("$shuffle is not deterministic for fixed options: %s vs %s", show(a), show(b))
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr string
		opts *Options
	}{
		{`($f := function($n) { $n + $f($n + 1) }; $f(0))`, &Options{MaxDepth: 100}},
		{`($f := function($n) { $n + $f($n + 1) }; $f(0))`, nil}, // the default limit
		{`($f := function() { $f() }; $f())`, &Options{Timeout: 50 * time.Millisecond}},
		{`[1..1000000].($x := $)`, &Options{Timeout: time.Millisecond}},
		{`$reduce([1..2000], function($acc, $x) { {"a": $acc} }, {})`, nil}, // a result too deeply nested
		// Go-level recursion through HOFs and chains counts too.
		{`($f := function($n){$n = 0 ? 0 : $map([1], function($x){$f($n-1)})}; $f(100000))`, nil},
		{`($f := $reduce($append([$uppercase], [1..100000]), function($acc, $x){$acc ~> $trim}); $f("a"))`, nil},
	}
	for _, tc := range tests {
		_, err := evalString(t, tc.expr, nil, tc.opts)
		var je *Error
		if !errors.As(err, &je) || je.Code != "U1001" {
			t.Errorf("%s: %v, want U1001", tc.expr, err)
		}
	}
}

func TestResultsAreValues(t *testing.T) {
	t.Parallel()
	got, err := evalString(t, `{"a": 1/4, "b": [1..2], "c": $string(0.1 + 0.2), "f": function(){1}}`, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	o, ok := got.(*value.Object)
	if !ok {
		t.Fatalf("result %T, want *value.Object", got)
	}
	if v, _ := o.Get("a"); v != value.Number("0.25") {
		t.Errorf("a = %#v, want value.Number 0.25", v)
	}
	if v, _ := o.Get("b"); !value.Equal(v, value.MustParse(`[1,2]`)) {
		t.Errorf("b = %#v", v)
	}
	if v, _ := o.Get("c"); v != "0.3" {
		t.Errorf("c = %#v", v)
	}
	if o.Has("f") {
		t.Errorf("functions must not appear in results")
	}
	// Constructed objects order their keys as JavaScript objects do.
	got, _ = evalString(t, `{"b": 1, "10": 2, "a": 3, "2": 4, "01": 5}`, nil, nil)
	if keys := strings.Join(got.(*value.Object).Keys(), ","); keys != "2,10,b,a,01" {
		t.Errorf("keys in order %s, want 2,10,b,a,01", keys)
	}
	// Input numbers pass through untouched.
	got, _ = evalString(t, `n`, value.MustParse(`{"n": 1.50}`), nil)
	if got != value.Number("1.50") {
		t.Errorf("n = %#v, want the input text 1.50", got)
	}
	if _, err := evalString(t, `1/0`, nil, nil); err == nil {
		t.Errorf("infinite result: want an error")
	}
}

func TestConcurrentEval(t *testing.T) {
	t.Parallel()
	e := MustCompile(`($f := function($x) { $x < 2 ? $x : $f($x - 1) + $f($x - 2) }; items.{"id": id, "fib": $f(qty + 5)})`)
	doc := value.MustParse(testDoc)
	want, err := e.Eval(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				got, err := e.Eval(doc, nil)
				if err != nil || !value.Equal(got, want) {
					t.Errorf("concurrent eval: %s, %v", show(got), err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	reg, err := buildRegistry()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"map", "filter", "reduce", "sort", "string", "sum", "match", "replace", "now", "formatNumber"} {
		if _, ok := reg[name]; !ok {
			t.Errorf("$%s is not registered", name)
		}
	}
	// Every library name is either registered as is or wrapped.
	for _, table := range libraryTables() {
		for _, b := range table {
			if _, ok := reg[b.name]; !ok {
				t.Errorf("library function $%s is missing", b.name)
			}
		}
	}
}

func TestRegexTranslation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, flags, input string
		want                  bool
	}{
		{`\u0041`, "", "A", true},
		{`[^]`, "", "\n", true},
		{`a.c`, "s", "a\nc", true},
		{`^b`, "m", "a\nb", true},
		{`ABC`, "i", "abc", true},
		{`(?<year>\d{4})`, "", "2024", true},
		{`\/`, "", "/", true},
		{`[\]]`, "", "]", true},
	}
	for _, tc := range tests {
		re, err := compileRegex(tc.pattern, tc.flags)
		if err != nil {
			t.Errorf("/%s/%s: %v", tc.pattern, tc.flags, err)
			continue
		}
		if got := re.MatchString(tc.input); got != tc.want {
			t.Errorf("/%s/%s on %q = %v", tc.pattern, tc.flags, tc.input, got)
		}
	}
	for _, bad := range []string{`(?=a)`, `(?<!a)b`, `(a)\1`} {
		if _, err := compileRegex(bad, ""); err == nil {
			t.Errorf("/%s/: want an error (unsupported by RE2)", bad)
		}
	}
}
