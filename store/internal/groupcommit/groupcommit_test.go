package groupcommit

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store"
)

// Groups respect the step budget (a larger request goes alone), callers
// get the results the writer set, and a closed queue drains, then refuses.
func TestQueue(t *testing.T) {
	q := New("test store", 3, false)
	steps := func(n int) []store.Step { return make([]store.Step, n) }
	var wg sync.WaitGroup
	results := make([][]error, 3)
	for i, n := range []int{2, 2, 5} {
		wg.Go(func() {
			errs, err := q.Submit(context.Background(), nil, steps(n))
			if err != nil {
				t.Error(err)
			}
			results[i] = errs
		})
		time.Sleep(10 * time.Millisecond) // queue them in order
	}
	boom := errors.New("boom")
	var sizes []int
	for range 3 {
		batch := q.Take()
		total := 0
		for _, r := range batch {
			total += len(r.Steps)
			r.Errs[0] = boom
		}
		sizes = append(sizes, total)
		Done(batch)
	}
	wg.Wait()
	if len(sizes) != 3 || sizes[0] != 2 || sizes[1] != 2 || sizes[2] != 5 {
		t.Fatalf("group sizes %v, want [2 2 5] (budget 3)", sizes)
	}
	for i, errs := range results {
		if !errors.Is(errs[0], boom) {
			t.Fatalf("request %d got %v", i, errs)
		}
	}
	q.Close()
	if b := q.Take(); b != nil {
		t.Fatalf("closed empty queue handed out %d requests", len(b))
	}
	if _, err := q.Submit(context.Background(), nil, steps(1)); !errors.Is(err, ErrClosed) {
		t.Fatalf("submit after close: %v", err)
	}
}
