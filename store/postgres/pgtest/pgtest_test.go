package pgtest

import (
	"strings"
	"testing"
)

func TestWithDatabase(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"postgres://cairn@127.0.0.1:5432/postgres?sslmode=disable", "postgres://cairn@127.0.0.1:5432/db1?sslmode=disable"},
		{"postgresql://u:p@h/", "postgresql://u:p@h/db1"},
		{"postgres://h", "postgres://h/db1"},
		{"host=/tmp/x port=5432 dbname=postgres", "host=/tmp/x port=5432 dbname=postgres dbname=db1"},
	} {
		got, err := withDatabase(tc.in, "db1")
		if err != nil || got != tc.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := withDatabase("postgres://%zz", "db1"); err == nil {
		t.Error("bad URL accepted")
	}
}

// TestDatabaseSkipsWithoutServer: with no binaries, tests skip with the
// install hint instead of failing.
func TestDatabaseSkipsWithoutServer(t *testing.T) {
	t.Parallel()
	s := &Server{}
	s.once.Do(func() { s.err = ErrNotInstalled })
	skipped := false
	t.Run("user", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		s.Database(t)
		t.Error("Database returned without a server")
	})
	if !skipped {
		t.Fatal("test did not skip")
	}
	if !strings.Contains(ErrNotInstalled.Error(), "apt-get install postgresql-15") {
		t.Fatalf("hint missing from %q", ErrNotInstalled)
	}
}

func FuzzWithDatabase(f *testing.F) {
	f.Add("postgres://cairn@127.0.0.1:5432/postgres?sslmode=disable")
	f.Add("host=h dbname=x")
	f.Add("postgresql://")
	f.Fuzz(func(t *testing.T, cs string) {
		got, err := withDatabase(cs, "db1")
		if err != nil {
			return
		}
		if !strings.Contains(got, "db1") {
			t.Fatalf("withDatabase(%q) = %q: no database name", cs, got)
		}
	})
}
