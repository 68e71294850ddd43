package server

import "testing"

func TestStoreURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url    string
		ok     bool
		redact string
	}{
		{"", true, ""},
		{"postgres://u@h/db", true, "postgres://u@h/db"},
		{"postgresql://u:secret@h:5432/db?sslmode=disable", true, "postgresql://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgres://u:p@ss@h/db", true, "postgres://u:xxxxx@h/db"},
		{"mysql://u:secret@h/db", false, "mysql://u:xxxxx@h/db"},
		{"cairn-data", false, "cairn-data"},
	} {
		if err := checkStoreURL(tc.url); (err == nil) != tc.ok {
			t.Errorf("checkStoreURL(%q) = %v, want ok %v", tc.url, err, tc.ok)
		}
		if got := redact(tc.url); got != tc.redact {
			t.Errorf("redact(%q) = %q, want %q", tc.url, got, tc.redact)
		}
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("postgres://u:secret@h:5432/db")
	f.Add("postgres://u@h/db")
	f.Add("x://:@/")
	f.Fuzz(func(t *testing.T, u string) {
		r := redact(u)
		if again := redact(r); again != r {
			t.Fatalf("redact not idempotent: %q -> %q -> %q", u, r, again)
		}
		if (checkStoreURL(u) == nil) != (checkStoreURL(r) == nil) {
			t.Fatalf("redact changed the scheme: %q -> %q", u, r)
		}
	})
}
