package postgres_test

import (
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/postgres"
)

// A store sees its own changes to a state machine at once and another
// node's within the cache's lifetime.
func TestMachineCache(t *testing.T) {
	t.Parallel()
	a, cs := open(t)
	t.Cleanup(func() { a.Close() })
	b, err := postgres.Open(t.Context(), cs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	const ttl = 200 * time.Millisecond
	postgres.SetMachineCacheTTL(a, ttl)
	ctx := t.Context()
	arn := "arn:aws:states:us-east-1:123456789012:stateMachine:cached"
	sm := store.StateMachine{ARN: arn, Name: "cached", Type: "STANDARD", Status: "ACTIVE", Definition: "v1"}
	if err := a.CreateStateMachine(ctx, sm, nil); err != nil {
		t.Fatal(err)
	}
	def := func(s *postgres.Store) string {
		t.Helper()
		got, err := s.GetStateMachine(ctx, arn)
		if err != nil {
			t.Fatal(err)
		}
		return got.Definition
	}
	if got := def(a); got != "v1" {
		t.Fatalf("a reads %q", got)
	}
	set := func(s *postgres.Store, d string) {
		t.Helper()
		if _, err := s.UpdateStateMachine(ctx, arn, func(sm *store.StateMachine) error { sm.Definition = d; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	set(a, "v2")
	if got := def(a); got != "v2" {
		t.Fatalf("a reads %q after its own update, want v2", got)
	}
	set(b, "v3")
	deadline := time.Now().Add(ttl + time.Second)
	for def(a) != "v3" {
		if time.Now().After(deadline) {
			t.Fatalf("a still reads %q more than the cache's lifetime after b's update", def(a))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := a.DeleteStateMachine(ctx, arn); err != nil {
		t.Fatal(err)
	}
	if _, err := a.GetStateMachine(ctx, arn); err == nil {
		t.Fatal("a still finds the machine it deleted")
	}
}
