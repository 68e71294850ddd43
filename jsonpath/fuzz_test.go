package jsonpath

import (
	"errors"
	"testing"

	"github.com/cairn-sfn/cairn/value"
)

// FuzzCompileEval compiles arbitrary text and evaluates what compiles
// against a fixed document: no panics, no hangs, errors of the documented
// types, and Set never changes its input.
func FuzzCompileEval(f *testing.F) {
	for _, s := range []string{
		"$", "$$", "$x", "$.a.b[2].c", "$['a b']", "$[\"k\"]", "$.a[-1]", "$.a[0,1]", "$.a[1:3]", "$.a[:2]",
		"$.a[-2:]", "$.*", "$[*]", "$..c", "$..[0]", "$..*", "$['a','b']", "$[?(@.p > 1)]",
		"$.books[?(@.price < $.limit && @.tags)].title", "$[?(!@.x || @.y =~ /a.*/i)]",
		"$[?(@.t in ['a', \"b\"])]", "$[?(@.t nin [1,2] && @.u subsetof [1])]", "$.nums.sum(1, $.limit)",
		"$..price.length()", "$.a.keys()", "$.w.concat(\"-\")", "$.w.append({\"k\": 1})", "$.w.index(-1)",
		"$[?(@.a[?(@.b)])]", "$['\\u00fc\\'']", "$[?(@.k == {\"a\": [1]})]", "$[99999999999]", "$[?(",
		"$..", "$.a b", "$[?(@.length() == 2)]", "$x.y[0]", "$$.Map.Item.Value",
	} {
		f.Add(s)
	}
	doc := value.MustParse(`{"a": {"b": [1, 2, {"c": "x"}], "k y": null}, "nums": [1, 2.5, -3],
		"w": ["p", "q"], "books": [{"title": "A", "price": 8, "tags": ["x"]}, {"title": "B", "price": 12}],
		"limit": 10, "s": "str", "t": true, "n": null, "e": [], "o": {}}`)
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Compile(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(src) {
				t.Fatalf("Compile(%q) = %v, want a *SyntaxError with an offset in the text", src, err)
			}
			return
		}
		if p.String() != src {
			t.Fatalf("String() = %q, want %q", p.String(), src)
		}
		res, err := p.Query(doc)
		if err != nil {
			var nf *NotFoundError
			var ee *EvalError
			if !errors.As(err, &nf) && !errors.As(err, &ee) {
				t.Fatalf("Query(%q) = %T %v", src, err, err)
			}
			_ = err.Error()
		} else {
			_ = value.String(res)
			if _, ok := res.([]any); !ok && !p.IsDefinite() {
				t.Fatalf("indefinite %q returned %T", src, res)
			}
		}
		if p.IsReference() {
			before := value.String(doc)
			if _, err := p.Set(doc, "v"); err != nil {
				var se *SetError
				if !errors.As(err, &se) {
					t.Fatalf("Set(%q) = %T %v", src, err, err)
				}
			}
			if value.String(doc) != before {
				t.Fatalf("Set(%q) changed the document", src)
			}
		}
	})
}
