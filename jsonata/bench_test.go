package jsonata

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/value"
)

func benchInput() any {
	var b strings.Builder
	b.WriteString(`{"items": [`)
	for i := 0; i < 50; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id": "item-%d", "price": %d.5, "tags": ["a", "b"]}`, i, i%20)
	}
	b.WriteString(`]}`)
	return value.MustParse(b.String())
}

func BenchmarkEval(b *testing.B) {
	e := MustCompile(`{"total": $sum(items.price), "ids": items[price>10].id}`)
	input := benchInput()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Eval(input, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(`Account.Order.Product[Price > 30].{"name": $."Product Name", "cost": Price * Quantity}`); err != nil {
			b.Fatal(err)
		}
	}
}
