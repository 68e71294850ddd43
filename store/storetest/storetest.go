// Package storetest is the conformance suite every store.Resources backend
// runs: call Run from the backend's tests with a constructor of empty stores.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/store"
)

const prefix = "arn:aws:states:us-east-1:123456789012:"

// Run runs the suite. newStore returns an empty store; the suite closes it.
func Run(t *testing.T, newStore func(t *testing.T) store.Resources) {
	setup := func(t *testing.T) (store.Resources, context.Context) {
		t.Helper()
		t.Parallel()
		s := newStore(t)
		t.Cleanup(func() { s.Close() })
		return s, t.Context()
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 123000000, time.UTC)
	sm := func(name string) store.StateMachine {
		return store.StateMachine{
			ARN: prefix + "stateMachine:" + name, Name: name, Type: "STANDARD", Status: "ACTIVE",
			Definition: `{"StartAt":"A"}`, RoleARN: "arn:aws:iam::123456789012:role/r",
			LoggingConfiguration: []byte(`{"level":"OFF"}`), CreatedAt: t0, UpdatedAt: t0,
		}
	}

	t.Run("StateMachineRoundTrip", func(t *testing.T) {
		s, ctx := setup(t)
		want := sm("a")
		want.EncryptionConfiguration = []byte(`{"type":"AWS_OWNED_KEY"}`)
		if err := s.CreateStateMachine(ctx, want, []store.Tag{tg("k", "v")}); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetStateMachine(ctx, want.ARN)
		if err != nil {
			t.Fatal(err)
		}
		if d := diffSM(got, want); d != "" {
			t.Fatal(d)
		}
		if err := s.CreateStateMachine(ctx, want, nil); !errors.Is(err, store.ErrAlreadyExists) {
			t.Fatalf("second create: %v, want ErrAlreadyExists", err)
		}
		if _, err := s.GetStateMachine(ctx, prefix+"stateMachine:none"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("get missing: %v", err)
		}
		tags, err := s.ListTags(ctx, want.ARN)
		if err != nil || !slices.Equal(tags, []store.Tag{tg("k", "v")}) {
			t.Fatalf("tags = %v, %v", tags, err)
		}
	})

	t.Run("UpdateStateMachine", func(t *testing.T) {
		s, ctx := setup(t)
		base := sm("u")
		if err := s.CreateStateMachine(ctx, base, nil); err != nil {
			t.Fatal(err)
		}
		t1 := t0.Add(time.Hour)
		got, err := s.UpdateStateMachine(ctx, base.ARN, func(m *store.StateMachine) error {
			m.Definition, m.RevisionID, m.UpdatedAt = `{"x":1}`, "rev-1", t1
			m.Name = "renamed" // must be ignored
			m.TracingConfiguration = []byte(`{"enabled":true}`)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := base
		want.Definition, want.RevisionID, want.UpdatedAt, want.TracingConfiguration = `{"x":1}`, "rev-1", t1, []byte(`{"enabled":true}`)
		if d := diffSM(got, want); d != "" {
			t.Fatal("returned: " + d)
		}
		reread, _ := s.GetStateMachine(ctx, base.ARN)
		if d := diffSM(reread, want); d != "" {
			t.Fatal("stored: " + d)
		}
		boom := errors.New("boom")
		if _, err := s.UpdateStateMachine(ctx, base.ARN, func(m *store.StateMachine) error { m.Definition = "lost"; return boom }); !errors.Is(err, boom) {
			t.Fatalf("callback error: %v", err)
		}
		if reread, _ := s.GetStateMachine(ctx, base.ARN); reread.Definition != `{"x":1}` {
			t.Fatalf("failed update was stored: %q", reread.Definition)
		}
		if _, err := s.UpdateStateMachine(ctx, prefix+"stateMachine:none", func(*store.StateMachine) error { return nil }); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("update missing: %v", err)
		}
	})

	t.Run("ConcurrentUpdatesSerialise", func(t *testing.T) {
		s, ctx := setup(t)
		base := sm("c")
		base.Definition = "0"
		if err := s.CreateStateMachine(ctx, base, nil); err != nil {
			t.Fatal(err)
		}
		const n = 20
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				_, err := s.UpdateStateMachine(ctx, base.ARN, func(m *store.StateMachine) error {
					var v int
					fmt.Sscan(m.Definition, &v)
					m.Definition = fmt.Sprint(v + 1)
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, _ := s.GetStateMachine(ctx, base.ARN)
		if got.Definition != fmt.Sprint(n) {
			t.Fatalf("counter = %s, want %d (lost update)", got.Definition, n)
		}
	})

	t.Run("ConcurrentPublishNumbersAreUnique", func(t *testing.T) {
		s, ctx := setup(t)
		base := sm("p")
		if err := s.CreateStateMachine(ctx, base, nil); err != nil {
			t.Fatal(err)
		}
		const n = 10
		numbers := make(chan int64, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				// Each goroutine makes a new revision, then publishes it.
				rev := fmt.Sprint("r", i)
				if _, err := s.UpdateStateMachine(ctx, base.ARN, func(m *store.StateMachine) error { m.RevisionID = rev; return nil }); err != nil {
					t.Error(err)
					return
				}
				v, _, err := s.PublishVersion(ctx, store.PublishRequest{StateMachineARN: base.ARN})
				if err != nil {
					t.Error(err)
					return
				}
				numbers <- v.Number
			})
		}
		wg.Wait()
		close(numbers)
		seen := map[int64]bool{}
		for num := range numbers {
			seen[num] = true
		}
		versions, _, err := s.ListVersions(ctx, base.ARN, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		// Publishes that found their revision already published share a
		// version; every stored version has its own number.
		nums := map[int64]bool{}
		for _, v := range versions {
			if nums[v.Number] {
				t.Fatalf("version number %d stored twice", v.Number)
			}
			nums[v.Number] = true
		}
		for num := range seen {
			if !nums[num] {
				t.Fatalf("publish returned version %d, which is not stored", num)
			}
		}
	})

	t.Run("ListStateMachinesPages", func(t *testing.T) {
		s, ctx := setup(t)
		var want []string
		for i := range 7 {
			m := sm(fmt.Sprintf("m%02d", 6-i))
			want = append(want, m.ARN)
			if err := s.CreateStateMachine(ctx, m, nil); err != nil {
				t.Fatal(err)
			}
		}
		slices.Sort(want)
		for _, limit := range []int{0, 1, 3, 7, 10} {
			var got []string
			p := store.Page{Limit: limit}
			for pages := 0; ; pages++ {
				items, next, err := s.ListStateMachines(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				if limit > 0 && len(items) > limit {
					t.Fatalf("limit %d: page of %d", limit, len(items))
				}
				for _, it := range items {
					got = append(got, it.ARN)
				}
				if next == "" {
					break
				}
				if pages > 10 {
					t.Fatal("pagination does not end")
				}
				p.After = next
			}
			if !slices.Equal(got, want) {
				t.Fatalf("limit %d: got %v, want %v", limit, got, want)
			}
		}
	})

	t.Run("Versions", func(t *testing.T) {
		s, ctx := setup(t)
		m := sm("v")
		if err := s.CreateStateMachine(ctx, m, nil); err != nil {
			t.Fatal(err)
		}
		v1, created, err := s.PublishVersion(ctx, store.PublishRequest{StateMachineARN: m.ARN, Description: "first", CreatedAt: t0})
		if err != nil || !created {
			t.Fatalf("publish: %v created=%v", err, created)
		}
		if v1.Number != 1 || v1.ARN != m.ARN+":1" || v1.Definition != m.Definition || v1.Description != "first" || !v1.CreatedAt.Equal(t0) {
			t.Fatalf("v1 = %+v", v1)
		}
		again, created, err := s.PublishVersion(ctx, store.PublishRequest{StateMachineARN: m.ARN, CreatedAt: t0.Add(time.Second)})
		if err != nil || created || again.ARN != v1.ARN || !again.CreatedAt.Equal(t0) {
			t.Fatalf("idempotent publish = %+v created=%v err=%v", again, created, err)
		}
		stale := "nope"
		if _, _, err := s.PublishVersion(ctx, store.PublishRequest{StateMachineARN: m.ARN, IfRevision: &stale}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("stale revision: %v", err)
		}
		if _, err := s.UpdateStateMachine(ctx, m.ARN, func(x *store.StateMachine) error { x.Definition, x.RevisionID = "d2", "r2"; return nil }); err != nil {
			t.Fatal(err)
		}
		cur := "r2"
		v2, created, err := s.PublishVersion(ctx, store.PublishRequest{StateMachineARN: m.ARN, IfRevision: &cur, CreatedAt: t0})
		if err != nil || !created || v2.Number != 2 || v2.Definition != "d2" || v2.RevisionID != "r2" {
			t.Fatalf("v2 = %+v created=%v err=%v", v2, created, err)
		}
		got, err := s.GetVersion(ctx, v1.ARN)
		if err != nil || got.Definition != m.Definition || got.Name != "v" || string(got.LoggingConfiguration) != `{"level":"OFF"}` {
			t.Fatalf("get v1 = %+v, %v", got, err)
		}
		if err := s.DeleteVersion(ctx, v2.ARN); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetVersion(ctx, v2.ARN); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted version: %v", err)
		}
		if err := s.DeleteVersion(ctx, v2.ARN); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
		// Numbers are never reused: the revision r2 is republished as 3.
		v3, _, err := s.PublishVersion(ctx, store.PublishRequest{StateMachineARN: m.ARN, CreatedAt: t0})
		if err != nil || v3.Number != 3 {
			t.Fatalf("v3 = %+v, %v", v3, err)
		}
		var arns []string
		p := store.Page{Limit: 1}
		for {
			items, next, err := s.ListVersions(ctx, m.ARN, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range items {
				arns = append(arns, v.ARN)
			}
			if next == "" {
				break
			}
			p.After = next
		}
		if want := []string{m.ARN + ":3", m.ARN + ":1"}; !slices.Equal(arns, want) {
			t.Fatalf("versions = %v, want %v", arns, want)
		}
		if _, _, err := s.ListVersions(ctx, prefix+"stateMachine:none", store.Page{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("list versions of missing: %v", err)
		}
		if _, _, err := s.PublishVersion(ctx, store.PublishRequest{StateMachineARN: prefix + "stateMachine:none"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("publish missing: %v", err)
		}
	})

	t.Run("Aliases", func(t *testing.T) {
		s, ctx := setup(t)
		m, other := sm("a"), sm("b")
		for _, x := range []store.StateMachine{m, other} {
			if err := s.CreateStateMachine(ctx, x, nil); err != nil {
				t.Fatal(err)
			}
		}
		v1, _, _ := s.PublishVersion(ctx, store.PublishRequest{StateMachineARN: m.ARN, CreatedAt: t0})
		s.UpdateStateMachine(ctx, m.ARN, func(x *store.StateMachine) error { x.RevisionID = "r2"; return nil })
		v2, _, _ := s.PublishVersion(ctx, store.PublishRequest{StateMachineARN: m.ARN, CreatedAt: t0})
		ov, _, _ := s.PublishVersion(ctx, store.PublishRequest{StateMachineARN: other.ARN, CreatedAt: t0})

		a := store.Alias{ARN: m.ARN + ":prod", StateMachineARN: m.ARN, Name: "prod", Description: "d",
			Routes: []store.Route{rt(v2.ARN, 70), rt(v1.ARN, 30)}, CreatedAt: t0, UpdatedAt: t0}
		if err := s.CreateAlias(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateAlias(ctx, a); !errors.Is(err, store.ErrAlreadyExists) {
			t.Fatalf("duplicate alias: %v", err)
		}
		bad := a
		bad.ARN, bad.Name, bad.Routes = m.ARN+":bad", "bad", []store.Route{rt(ov.ARN, 100)}
		if err := s.CreateAlias(ctx, bad); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("alias to another machine's version: %v", err)
		}
		bad.Routes = []store.Route{rt(m.ARN+":99", 100)}
		if err := s.CreateAlias(ctx, bad); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("alias to missing version: %v", err)
		}
		got, err := s.GetAlias(ctx, a.ARN)
		if err != nil || got.Description != "d" || !slices.Equal(got.Routes, a.Routes) || !got.CreatedAt.Equal(t0) {
			t.Fatalf("alias = %+v, %v", got, err)
		}
		if err := s.DeleteVersion(ctx, v1.ARN); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("delete routed version: %v", err)
		}
		t1 := t0.Add(time.Minute)
		got, err = s.UpdateAlias(ctx, a.ARN, func(x *store.Alias) error {
			x.Routes, x.UpdatedAt, x.Description = []store.Route{rt(v2.ARN, 100)}, t1, "e"
			return nil
		})
		if err != nil || !slices.Equal(got.Routes, []store.Route{rt(v2.ARN, 100)}) || !got.UpdatedAt.Equal(t1) || got.Description != "e" {
			t.Fatalf("updated alias = %+v, %v", got, err)
		}
		if _, err := s.UpdateAlias(ctx, a.ARN, func(x *store.Alias) error { x.Routes = []store.Route{rt(m.ARN+":42", 100)}; return nil }); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("update to missing version: %v", err)
		}
		if err := s.DeleteVersion(ctx, v1.ARN); err != nil {
			t.Fatalf("delete unrouted version: %v", err)
		}
		b := a
		b.ARN, b.Name, b.Routes = m.ARN+":beta", "beta", []store.Route{rt(v2.ARN, 100)}
		if err := s.CreateAlias(ctx, b); err != nil {
			t.Fatal(err)
		}
		items, next, err := s.ListAliases(ctx, m.ARN, store.Page{Limit: 1})
		if err != nil || len(items) != 1 || items[0].ARN != b.ARN || next == "" {
			t.Fatalf("page 1 = %v %q %v", items, next, err)
		}
		items, next, err = s.ListAliases(ctx, m.ARN, store.Page{Limit: 1, After: next})
		if err != nil || len(items) != 1 || items[0].ARN != a.ARN || next != "" {
			t.Fatalf("page 2 = %v %q %v", items, next, err)
		}
		if err := s.DeleteAlias(ctx, b.ARN); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteAlias(ctx, b.ARN); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete alias twice: %v", err)
		}
		// Deleting the machine takes its versions and aliases with it.
		if err := s.DeleteStateMachine(ctx, m.ARN); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetAlias(ctx, a.ARN); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("alias after machine delete: %v", err)
		}
		if _, err := s.GetVersion(ctx, v2.ARN); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("version after machine delete: %v", err)
		}
		if err := s.DeleteStateMachine(ctx, m.ARN); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete machine twice: %v", err)
		}
		// A re-created machine starts numbering again at 1.
		if err := s.CreateStateMachine(ctx, m, nil); err != nil {
			t.Fatal(err)
		}
		if v, _, err := s.PublishVersion(ctx, store.PublishRequest{StateMachineARN: m.ARN}); err != nil || v.Number != 1 {
			t.Fatalf("first version of re-created machine: %+v %v", v, err)
		}
	})

	t.Run("Activities", func(t *testing.T) {
		s, ctx := setup(t)
		a := store.Activity{ARN: prefix + "activity:w", Name: "w", EncryptionConfiguration: []byte(`{"type":"AWS_OWNED_KEY"}`), CreatedAt: t0}
		if err := s.CreateActivity(ctx, a, []store.Tag{tg("team", "x")}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateActivity(ctx, a, nil); !errors.Is(err, store.ErrAlreadyExists) {
			t.Fatalf("duplicate activity: %v", err)
		}
		got, err := s.GetActivity(ctx, a.ARN)
		if err != nil || got.Name != "w" || string(got.EncryptionConfiguration) != `{"type":"AWS_OWNED_KEY"}` || !got.CreatedAt.Equal(t0) {
			t.Fatalf("activity = %+v, %v", got, err)
		}
		b := store.Activity{ARN: prefix + "activity:a", Name: "a", CreatedAt: t0}
		s.CreateActivity(ctx, b, nil)
		items, next, err := s.ListActivities(ctx, store.Page{Limit: 1})
		if err != nil || len(items) != 1 || items[0].ARN != b.ARN || next == "" {
			t.Fatalf("page 1 = %v %q %v", items, next, err)
		}
		items, next, _ = s.ListActivities(ctx, store.Page{Limit: 1, After: next})
		if len(items) != 1 || items[0].ARN != a.ARN || next != "" {
			t.Fatalf("page 2 = %v %q", items, next)
		}
		if err := s.DeleteActivity(ctx, a.ARN); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetActivity(ctx, a.ARN); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted activity: %v", err)
		}
		if err := s.DeleteActivity(ctx, a.ARN); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
		if _, err := s.ListTags(ctx, a.ARN); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("tags of deleted activity: %v", err)
		}
		// Tags do not survive deletion into a new resource of the same ARN.
		s.CreateActivity(ctx, a, nil)
		if tags, err := s.ListTags(ctx, a.ARN); err != nil || len(tags) != 0 {
			t.Fatalf("tags of re-created activity = %v, %v", tags, err)
		}
	})

	t.Run("Tags", func(t *testing.T) {
		s, ctx := setup(t)
		m := sm("t")
		if err := s.CreateStateMachine(ctx, m, []store.Tag{tg("a", "1"), tg("b", "2")}); err != nil {
			t.Fatal(err)
		}
		if err := s.TagResource(ctx, m.ARN, []store.Tag{tg("c", "3"), tg("a", "9")}, 50); err != nil {
			t.Fatal(err)
		}
		tags, _ := s.ListTags(ctx, m.ARN)
		if want := []store.Tag{tg("a", "9"), tg("b", "2"), tg("c", "3")}; !slices.Equal(tags, want) {
			t.Fatalf("tags = %v, want %v", tags, want)
		}
		if err := s.TagResource(ctx, m.ARN, []store.Tag{tg("d", ""), tg("e", "")}, 4); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("over the limit: %v", err)
		}
		if tags, _ := s.ListTags(ctx, m.ARN); len(tags) != 3 {
			t.Fatalf("failed tagging changed tags: %v", tags)
		}
		if err := s.UntagResource(ctx, m.ARN, []string{"a", "zz"}); err != nil {
			t.Fatal(err)
		}
		tags, _ = s.ListTags(ctx, m.ARN)
		if want := []store.Tag{tg("b", "2"), tg("c", "3")}; !slices.Equal(tags, want) {
			t.Fatalf("tags after untag = %v, want %v", tags, want)
		}
		missing := prefix + "stateMachine:none"
		if err := s.TagResource(ctx, missing, []store.Tag{tg("a", "b")}, 50); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("tag missing: %v", err)
		}
		if err := s.UntagResource(ctx, missing, []string{"a"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("untag missing: %v", err)
		}
		if _, err := s.ListTags(ctx, missing); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("list tags of missing: %v", err)
		}
	})

	t.Run("ReturnedValuesAreCopies", func(t *testing.T) {
		s, ctx := setup(t)
		m := sm("copy")
		if err := s.CreateStateMachine(ctx, m, nil); err != nil {
			t.Fatal(err)
		}
		m.LoggingConfiguration[2] = 'X' // the caller's buffer, after the store took it
		got, _ := s.GetStateMachine(ctx, m.ARN)
		got.LoggingConfiguration[3] = 'Y'
		again, _ := s.GetStateMachine(ctx, m.ARN)
		if string(again.LoggingConfiguration) != `{"level":"OFF"}` {
			t.Fatalf("stored bytes changed through an alias: %s", again.LoggingConfiguration)
		}
	})
}

func tg(k, v string) store.Tag { return store.Tag{Key: k, Value: v} }

func rt(arn string, w int32) store.Route { return store.Route{VersionARN: arn, Weight: w} }

func diffSM(got, want store.StateMachine) string {
	switch {
	case got.ARN != want.ARN || got.Name != want.Name || got.Type != want.Type || got.Status != want.Status:
	case got.Definition != want.Definition || got.RoleARN != want.RoleARN || got.RevisionID != want.RevisionID:
	case string(got.LoggingConfiguration) != string(want.LoggingConfiguration):
	case string(got.TracingConfiguration) != string(want.TracingConfiguration):
	case string(got.EncryptionConfiguration) != string(want.EncryptionConfiguration):
	case (got.TracingConfiguration == nil) != (want.TracingConfiguration == nil):
	case !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt):
	default:
		return ""
	}
	return fmt.Sprintf("got  %+v\nwant %+v", got, want)
}
