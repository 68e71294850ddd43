package sqlite_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/store"
	"github.com/cairn-sfn/cairn/store/sqlite"
	"github.com/cairn-sfn/cairn/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Resources {
		s, err := sqlite.OpenNoSync(t.Context(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestExecutions(t *testing.T) {
	storetest.RunExecutions(t, func(t *testing.T) store.Executions {
		s, err := sqlite.OpenNoSync(t.Context(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := t.Context()
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	sm := store.StateMachine{ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:p", Name: "p", Type: "STANDARD", Status: "ACTIVE"}
	if err := s.CreateStateMachine(ctx, sm, []store.Tag{{Key: "k", Value: "v"}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.PublishVersion(ctx, store.PublishRequest{StateMachineARN: sm.ARN}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v, err := s.SchemaVersion(ctx)
	if err != nil || v != 2 {
		t.Fatalf("schema version = %d, %v; want 2", v, err)
	}
	if _, err := s.GetVersion(ctx, sm.ARN+":1"); err != nil {
		t.Fatalf("version lost on reopen: %v", err)
	}
	tags, err := s.ListTags(ctx, sm.ARN)
	if err != nil || len(tags) != 1 {
		t.Fatalf("tags lost on reopen: %v %v", tags, err)
	}
}

// A second store on a directory another holds is refused with a clear
// error; once the first closes, the directory opens again.
func TestOneStorePerDirectory(t *testing.T) {
	dir := t.TempDir()
	first, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.Open(t.Context(), dir); !errors.Is(err, sqlite.ErrLocked) || !strings.Contains(err.Error(), "in use by process") {
		t.Fatalf("second open: %v, want ErrLocked naming the holder", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	again.Close()
}
