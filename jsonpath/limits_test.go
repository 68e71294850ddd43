package jsonpath

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/value"
)

// TestDeepDocuments checks that deep scans over the deepest documents the
// decoder accepts work, and that deeper ones built in Go fail cleanly.
func TestDeepDocuments(t *testing.T) {
	t.Parallel()
	const depth = value.MaxDepth
	doc := value.MustParse(strings.Repeat(`{"a":[`, depth/2) + `1` + strings.Repeat(`]}`, depth/2))
	got, err := MustCompile("$..a").Query(doc)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got.([]any)); n != depth/2 {
		t.Errorf("$..a found %d members, want %d", n, depth/2)
	}
	if _, err := MustCompile("$..[?(@.a)]").Query(doc); err != nil {
		t.Errorf("$..[?(@.a)]: %v", err)
	}

	var deep any = value.Int(1)
	for range 3 * maxWalkDepth {
		deep = []any{deep}
	}
	_, err = MustCompile("$..*").Query(deep)
	var ee *EvalError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "deeper than") {
		t.Errorf("$..* over %d levels: %v, want an *EvalError", 3*maxWalkDepth, err)
	}
}

// TestWorkLimit checks that a path whose matches grow as the power of the
// document's size fails instead of running away.
func TestWorkLimit(t *testing.T) {
	t.Parallel()
	// A chain 100 deep: $..* has 200 matches, $..*..*..* over a million.
	var doc any = value.Int(0)
	for i := range 100 {
		doc = []any{value.Int(int64(i)), doc}
	}
	p := MustCompile("$..*..*..*")
	start := time.Now()
	_, err := p.query(doc, 10000)
	var ee *EvalError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "exceeded") {
		t.Fatalf("got %v, want an *EvalError for exceeding the work limit", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to give up", d)
	}
	// Under the limit the same path completes.
	if _, err := MustCompile("$..*..*").Query(doc); err != nil {
		t.Errorf("$..*..*: %v", err)
	}
}
