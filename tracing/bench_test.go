package tracing_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/memory"
	"github.com/cairn-sfn/cairn/store/sqlite"
	"github.com/cairn-sfn/cairn/tracing"
)

// passChain is a machine of n Pass states, which an execution runs in its
// first step (inside StartExecution).
func passChain(n int) string {
	var b strings.Builder
	b.WriteString(`{"StartAt":"S0","States":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if i == n-1 {
			fmt.Fprintf(&b, `"S%d":{"Type":"Pass","End":true}`, i)
		} else {
			fmt.Fprintf(&b, `"S%d":{"Type":"Pass","Next":"S%d"}`, i, i+1)
		}
	}
	b.WriteString(`}}`)
	return b.String()
}

// BenchmarkStartExecution runs Standard executions of 10 Pass states
// through the engine without tracing and with it (batched export to a
// discarding exporter), over the memory store and over SQLite.
func BenchmarkStartExecution(b *testing.B) {
	for _, backend := range []string{"memory", "sqlite"} {
		for _, traced := range []bool{false, true} {
			name := backend + "/off"
			if traced {
				name = backend + "/tracing"
			}
			b.Run(name, func(b *testing.B) {
				ctx := context.Background()
				var st engine.Store = memory.New()
				if backend == "sqlite" {
					s, err := sqlite.Open(ctx, b.TempDir())
					if err != nil {
						b.Fatal(err)
					}
					defer s.Close()
					st = s
				}
				deps := engine.Deps{Store: st}
				if traced {
					tr, err := tracing.New(ctx, tracing.Config{Exporter: tracetest.NewNoopExporter()})
					if err != nil {
						b.Fatal(err)
					}
					defer tr.Shutdown(ctx)
					deps.Observer = tr.Observer(st)
				}
				e, err := engine.New(engine.Config{}, deps)
				if err != nil {
					b.Fatal(err)
				}
				if err := e.Start(ctx); err != nil {
					b.Fatal(err)
				}
				defer e.Stop()
				arn := "arn:aws:states:us-east-1:123456789012:stateMachine:bench"
				if err := st.CreateStateMachine(ctx, store.StateMachine{ARN: arn, Name: "bench", Type: "STANDARD", Status: "ACTIVE",
					Definition: passChain(10), RoleARN: "arn:aws:iam::123456789012:role/r"}, nil); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					ex, err := e.StartExecution(ctx, engine.StartRequest{StateMachineARN: arn})
					if err != nil {
						b.Fatal(err)
					}
					if ex.Status != interp.Running && ex.Status != "" {
						b.Fatalf("status %s", ex.Status)
					}
				}
			})
		}
	}
}
