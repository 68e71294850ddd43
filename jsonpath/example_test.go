package jsonpath_test

import (
	"errors"
	"fmt"

	"github.com/cairn-sfn/cairn/jsonpath"
	"github.com/cairn-sfn/cairn/value"
)

func Example() {
	input := value.MustParse(`{"order": {"items": [{"sku": "a", "qty": 1}, {"sku": "b", "qty": 3}]}}`)
	p := jsonpath.MustCompile("$.order.items[?(@.qty > 1)].sku")
	v, err := p.Eval(&jsonpath.Env{Input: input})
	fmt.Println(value.String(v), err, p.IsDefinite())

	first := jsonpath.MustCompile("$.order.items[0].sku")
	v, err = first.Eval(&jsonpath.Env{Input: input})
	fmt.Println(value.String(v), err, first.IsDefinite())
	// Output:
	// ["b"] <nil> false
	// "a" <nil> true
}

// A path that names nothing fails with Jayway's message, which Step
// Functions quotes in its causes.
func ExampleNotFoundError() {
	p := jsonpath.MustCompile("$.no.such.path")
	_, err := p.Query(value.MustParse(`{}`))
	var nf *jsonpath.NotFoundError
	if errors.As(err, &nf) {
		fmt.Printf("Invalid path '%s' : %s\n", nf.Path, nf.Error())
	}
	// Output:
	// Invalid path '$.no.such.path' : Missing property in path $['no']
}

// Set implements ResultPath: it copies the containers on the path and
// shares the rest.
func ExamplePath_Set() {
	doc := value.MustParse(`{"a": 1}`)
	out, err := jsonpath.MustCompile("$.result.value").Set(doc, "done")
	fmt.Println(value.String(out), err, value.String(doc))
	// Output:
	// {"a":1,"result":{"value":"done"}} <nil> {"a":1}
}
