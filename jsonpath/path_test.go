package jsonpath

import (
	"errors"
	"testing"

	"github.com/cairn-sfn/cairn/value"
)

func TestEvalDefinite(t *testing.T) {
	t.Parallel()
	doc := value.MustParse(`{"a":{"b":[1,2,{"c":"x"}]},"k y":true,"n":null}`)
	tests := []struct {
		path string
		want string // JSON, or "" when an error is expected
		msg  string // the error's text
	}{
		{path: "$", want: `{"a":{"b":[1,2,{"c":"x"}]},"k y":true,"n":null}`},
		{path: "$.a.b[2].c", want: `"x"`},
		{path: "$['a'][\"b\"][0]", want: `1`},
		{path: "$.a.b[-1].c", want: `"x"`},
		{path: "$['k y']", want: `true`},
		{path: "$.n", want: `null`},
		{path: "$.nope", msg: "No results for path: $['nope']"},
		{path: "$.no.such", msg: "Missing property in path $['no']"},
		{path: "$.a.b[7]", msg: "No results for path: $['a']['b'][7]"},
	}
	for _, tt := range tests {
		p, err := Compile(tt.path)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.path, err)
		}
		got, err := p.Query(doc)
		if tt.msg != "" {
			var nf *NotFoundError
			if !errors.As(err, &nf) || err.Error() != tt.msg {
				t.Errorf("%s: got %v, %v; want error %q", tt.path, got, err, tt.msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.path, err)
			continue
		}
		if !value.Equal(got, value.MustParse(tt.want)) {
			t.Errorf("%s = %s, want %s", tt.path, value.String(got), tt.want)
		}
	}
}

func TestSetCopyOnWrite(t *testing.T) {
	t.Parallel()
	const orig = `{"a":{"b":[1,2]},"c":3}`
	tests := []struct {
		path, v, want string
	}{
		{"$", `5`, `5`},
		{"$.c", `5`, `{"a":{"b":[1,2]},"c":5}`},
		{"$.a.b[1]", `5`, `{"a":{"b":[1,5]},"c":3}`},
		{"$.x.y", `5`, `{"a":{"b":[1,2]},"c":3,"x":{"y":5}}`},
	}
	for _, tt := range tests {
		doc := value.MustParse(orig)
		got, err := MustCompile(tt.path).Set(doc, value.MustParse(tt.v))
		if err != nil {
			t.Errorf("%s: %v", tt.path, err)
			continue
		}
		if value.String(got) != tt.want {
			t.Errorf("%s: got %s, want %s", tt.path, value.String(got), tt.want)
		}
		if value.String(doc) != orig {
			t.Errorf("%s: original changed to %s", tt.path, value.String(doc))
		}
	}
}
