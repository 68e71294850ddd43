package sqlite_test

import (
	"errors"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/sqlite"
)

// TestMachineCacheFollowsWrites reads a machine (filling the cache), then
// changes and deletes it: every read sees the latest write.
func TestMachineCacheFollowsWrites(t *testing.T) {
	t.Parallel()
	s, err := sqlite.OpenNoSync(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	arn := "arn:aws:states:us-east-1:123456789012:stateMachine:m"
	sm := store.StateMachine{ARN: arn, Name: "m", Type: "STANDARD", Status: "ACTIVE", Definition: "v1", CreatedAt: time.Unix(1, 0), UpdatedAt: time.Unix(1, 0),
		LoggingConfiguration: []byte(`{"level":"OFF"}`)}
	if err := s.CreateStateMachine(ctx, sm, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetStateMachine(ctx, arn)
	if err != nil || got.Definition != "v1" {
		t.Fatalf("get: %v %q", err, got.Definition)
	}
	got.LoggingConfiguration[0] = 'X' // callers own what they get
	if _, err := s.UpdateStateMachine(ctx, arn, func(m *store.StateMachine) error { m.Definition = "v2"; return nil }); err != nil {
		t.Fatal(err)
	}
	got, err = s.GetStateMachine(ctx, arn)
	if err != nil || got.Definition != "v2" || string(got.LoggingConfiguration) != `{"level":"OFF"}` {
		t.Fatalf("after update: %v %q %s", err, got.Definition, got.LoggingConfiguration)
	}
	again, _ := s.GetStateMachine(ctx, arn)
	again.LoggingConfiguration[0] = 'Y'
	if third, _ := s.GetStateMachine(ctx, arn); string(third.LoggingConfiguration) != `{"level":"OFF"}` {
		t.Fatalf("a caller's change reached the cache: %s", third.LoggingConfiguration)
	}
	if err := s.DeleteStateMachine(ctx, arn); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetStateMachine(ctx, arn); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}
