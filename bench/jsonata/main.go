// Command jsonata-bench measures our JSONata evaluator on the expression and
// input that bench/jsonata/run.sh also gives jsonata-js, so the two figures
// compare like for like. They are the same as jsonata's BenchmarkEval.
//
//	go run ./bench/jsonata -spec spec.json   # also write the case for bench.js
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/jsonata"
	"github.com/cairn-sfn/cairn/value"
)

// expression is the benchmarked expression: an aggregate and a filter.
const expression = `{"total": $sum(items.price), "ids": items[price>10].id}`

// input is 50 items, as in jsonata's BenchmarkEval.
func input() string {
	var b strings.Builder
	b.WriteString(`{"items": [`)
	for i := range 50 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id": "item-%d", "price": %d.5, "tags": ["a", "b"]}`, i, i%20)
	}
	b.WriteString(`]}`)
	return b.String()
}

// spec is the case handed to the Node benchmark.
type spec struct {
	Expression string          `json:"expression"`
	Input      json.RawMessage `json:"input"`
}

func main() {
	specOut := flag.String("spec", "", "also write the expression and input as JSON to this `file`")
	flag.Parse()
	if err := run(*specOut); err != nil {
		fmt.Fprintf(os.Stderr, "jsonata-bench: %v\n", err)
		os.Exit(1)
	}
}

func run(specOut string) error {
	in := input()
	if specOut != "" {
		b, err := json.Marshal(spec{Expression: expression, Input: json.RawMessage(in)})
		if err != nil {
			return err
		}
		if err := os.WriteFile(specOut, b, 0o644); err != nil {
			return err
		}
	}
	e, err := jsonata.Compile(expression)
	if err != nil {
		return err
	}
	doc, err := value.ParseString(in)
	if err != nil {
		return err
	}
	result, err := e.Eval(doc, nil)
	if err != nil {
		return err
	}
	var evalErr error
	r := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Eval(doc, nil); err != nil {
				evalErr = err
				b.FailNow()
			}
		}
	})
	if evalErr != nil {
		return evalErr
	}
	// CPU time per op over as many evaluations again: steadier than wall
	// time when other processes share the machine.
	cpu0 := processCPU()
	for range r.N {
		if _, err := e.Eval(doc, nil); err != nil {
			return err
		}
	}
	cpuNs := float64(processCPU()-cpu0) / float64(r.N)
	// The first line is what run.sh reads; the result lets it check both
	// engines agree.
	fmt.Printf("go_ns_per_op %d\n", r.NsPerOp())
	fmt.Printf("go_cpu_ns_per_op %.0f\n", cpuNs)
	fmt.Printf("go_iterations %d\n", r.N)
	fmt.Printf("go_allocs_per_op %d\n", r.AllocsPerOp())
	fmt.Printf("go_result %s\n", value.String(result))
	return nil
}
