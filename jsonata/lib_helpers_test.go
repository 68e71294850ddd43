package jsonata

import (
	"errors"
	"testing"
)

// libCall runs the library function name on args.
func libCall(t *testing.T, name string, args ...any) (any, error) {
	t.Helper()
	for _, b := range libAll() {
		if b.name == name {
			return b.fn(args)
		}
	}
	t.Fatalf("no library function $%s", name)
	return nil, nil
}

// libCase is a table row: a call and its expected result (compared as
// JSON text; "undefined" for undefined) or error code.
type libCase struct {
	name string
	args []any
	want string
	code string
}

func runLibCases(t *testing.T, cases []libCase) {
	t.Helper()
	for _, c := range cases {
		got, err := libCall(t, c.name, c.args...)
		if c.code != "" {
			var je *Error
			if !errors.As(err, &je) || je.Code != c.code {
				t.Errorf("$%s%v: got %s, %v; want error %s", c.name, c.args, libShow(got), err, c.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("$%s%v: unexpected error %v", c.name, c.args, err)
			continue
		}
		if s := libShow(got); s != c.want {
			t.Errorf("$%s%v = %s, want %s", c.name, c.args, s, c.want)
		}
	}
}

// TestLibTablesWellFormed checks every entry has a name, a signature and
// a function, and that no name is registered twice.
func TestLibTablesWellFormed(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, b := range libAll() {
		if b.name == "" || b.signature == "" || b.fn == nil || seen[b.name] {
			t.Errorf("bad or duplicate library entry %q %q", b.name, b.signature)
		}
		seen[b.name] = true
	}
}

func inf() float64 { return 1 / zero() }

func zero() float64 { return 0 }
