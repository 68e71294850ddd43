package metrics

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/memory"
)

// nopStore commits everything instantly, so that a benchmark through it
// measures the wrapper alone.
type nopStore struct{ store.Store }

func (nopStore) CommitSteps(_ context.Context, steps []store.Step) ([]error, error) {
	return make([]error, len(steps)), nil
}

// BenchmarkCommitSteps compares CommitSteps of one step (three events)
// with and without the wrapper, over a store that does nothing and over
// store/memory.
func BenchmarkCommitSteps(b *testing.B) {
	for _, backend := range []string{"nop", "memory"} {
		for _, wrapped := range []bool{false, true} {
			name := backend + "/bare"
			if wrapped {
				name = backend + "/wrapped"
			}
			b.Run(name, func(b *testing.B) {
				var st store.Store = nopStore{}
				const arn = "arn:aws:states:us-east-1:123456789012:execution:m:e"
				if backend == "memory" {
					mem := memory.New()
					if err := mem.CreateExecution(b.Context(), store.Execution{ARN: arn, Status: "RUNNING", StartDate: time.Now()},
						store.Step{ExecutionARN: arn, Version: 1}); err != nil {
						b.Fatal(err)
					}
					st = mem
				}
				if wrapped {
					st = New().WrapStore(st)
				}
				ctx := b.Context()
				steps := []store.Step{{ExecutionARN: arn, Status: "RUNNING", Events: make([]store.Event, 3)}}
				v, id := int64(1), int64(0)
				for b.Loop() {
					v++
					steps[0].Version = v
					for i := range steps[0].Events {
						id++
						steps[0].Events[i] = store.Event{ID: id}
					}
					if errs, err := st.CommitSteps(ctx, steps); err != nil || errs[0] != nil {
						b.Fatal(err, errs)
					}
				}
			})
		}
	}
}

// BenchmarkInstrument measures the API wrapper around a handler that does
// nothing.
func BenchmarkInstrument(b *testing.B) {
	nop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, wrapped := range []bool{false, true} {
		name := "bare"
		h := http.Handler(nop)
		if wrapped {
			name = "wrapped"
			h = New().Instrument(nop, []string{"StartExecution"})
		}
		b.Run(name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodPost, "/", nil)
			req.Header.Set("X-Amz-Target", "AWSStepFunctions.StartExecution")
			w := httptest.NewRecorder()
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
		})
	}
}
