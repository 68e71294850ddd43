package tracing

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/store"
)

// stuckSource is a store that does not answer (a database gone away)
// until the caller gives up.
type stuckSource struct{}

func (stuckSource) GetExecution(ctx context.Context, _ string) (store.Execution, error) {
	<-ctx.Done()
	return store.Execution{}, ctx.Err()
}

func (stuckSource) History(ctx context.Context, _ string, _ int64, _ int, _ bool) ([]store.Event, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestCatchUpFollowsContext: the observer runs under the execution's
// lock; reading the history to catch up must end when the engine's
// context does (Stop), not hold the lock for as long as the store hangs.
func TestCatchUpFollowsContext(t *testing.T) {
	t.Parallel()
	tr, err := New(t.Context(), Config{Exporter: tracetest.NewNoopExporter(), Sync: true})
	if err != nil {
		t.Fatal(err)
	}
	o := tr.Observer(stuckSource{})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	arn := "arn:aws:states:us-east-1:123456789012:execution:m:x"
	done := make(chan struct{})
	go func() {
		defer close(done)
		o.StepCommitted(ctx, engine.CommittedStep{Step: store.Step{ExecutionARN: arn,
			Events: []store.Event{recorded(7, 6, 0, "PassStateExited", `"stateExitedEventDetails":{"name":"P"}`)}}})
	}()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("StepCommitted still reading the store after its context ended")
	}
}
