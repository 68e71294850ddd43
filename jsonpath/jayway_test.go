package jsonpath

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/value"
)

var update = flag.Bool("update", false, "rewrite testdata/jayway_passing.txt from this run")

// jaywayData is the reference data: GPL-licensed, so read in place and never
// copied into this repository.
const jaywayData = "../../shared/jsonpath/jayway.jsonl"

const passingFile = "testdata/jayway_passing.txt"

// byDesign lists, by id, the queries where we differ from Jayway on
// purpose; doc.go explains each.
var byDesign = map[string]string{
	"dot_notation_without_dot":          "ASL reads $a as the variable a",
	"current_with_dot_notation":         "ASL paths start with $",
	"dot_notation_without_root":         "ASL paths start with $",
	"dot_notation_without_root_and_dot": "ASL paths start with $",
	"empty":                             "ASL paths start with $",
	"array_slice_on_object":             "Step Functions answers [] where Jayway fails an indefinite path",
}

type jaywayCase struct {
	ID           string          `json:"id"`
	Selector     string          `json:"selector"`
	Document     json.RawMessage `json:"document"`
	JaywaySource string          `json:"jayway_source"`
	Jayway       struct {
		Kind  string          `json:"kind"`
		Value json.RawMessage `json:"value"`
	} `json:"jayway"`
}

// TestJayway runs every query of the reference data, reports how many agree
// with Jayway, and fails when a query listed in testdata/jayway_passing.txt
// no longer agrees. Run with -update to rewrite that list.
func TestJayway(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(jaywayData)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("reference data %s is absent", jaywayData)
	}
	if err != nil {
		t.Fatal(err)
	}
	var passing []string
	total, designed := 0, 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var c jaywayCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("bad line: %v", err)
		}
		total++
		ok, got := agrees(t, &c)
		switch {
		case ok:
			passing = append(passing, c.ID)
		case byDesign[c.ID] != "":
			designed++
			t.Logf("by design %s %q: %s", c.ID, c.Selector, byDesign[c.ID])
		default:
			t.Logf("disagree %s %q: jayway %s %s, we %s", c.ID, c.Selector, c.Jayway.Kind, c.Jayway.Value, got)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("jayway agreement: %d/%d (%d differ by design)", len(passing), total, designed)

	if *update {
		slices.Sort(passing)
		if err := os.WriteFile(passingFile, []byte(strings.Join(passing, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(filepath.FromSlash(passingFile))
	if err != nil {
		t.Fatalf("%v (run go test -run TestJayway -update)", err)
	}
	for _, id := range strings.Fields(string(want)) {
		if !slices.Contains(passing, id) {
			t.Errorf("%s agreed with Jayway before and no longer does", id)
		}
	}
}

// agrees evaluates one case and compares it with Jayway's answer. got
// describes our answer for the log.
func agrees(t *testing.T, c *jaywayCase) (bool, string) {
	doc, err := value.Parse(c.Document)
	if err != nil {
		t.Fatalf("%s: document: %v", c.ID, err)
	}
	p, err := Compile(c.Selector)
	var res any
	if err == nil {
		res, err = p.Query(doc)
	}
	got := "value " + safeString(res)
	if err != nil {
		got = "error " + err.Error()
	}
	switch c.Jayway.Kind {
	case "not_supported", "error":
		return err != nil, got
	case "not_found":
		var nf *NotFoundError
		return errors.As(err, &nf), got
	case "value":
	default:
		t.Fatalf("%s: unknown kind %q", c.ID, c.Jayway.Kind)
	}
	want, perr := value.Parse(c.Jayway.Value)
	if perr != nil {
		t.Fatalf("%s: value: %v", c.ID, perr)
	}
	if c.JaywaySource == "listed" {
		// Jayway's own answer: the value itself for a definite path.
		if err != nil {
			return false, got
		}
		return value.Equal(res, want) || sameMatches(res, want), got
	}
	// The consensus answer: the list of matches, in any order. A definite
	// path that matches nothing is Jayway's not-found.
	wl, _ := want.([]any)
	var nf *NotFoundError
	switch {
	case err != nil:
		return errors.As(err, &nf) && len(wl) == 0 && p.IsDefinite(), got
	case p.IsDefinite():
		return sameMatches([]any{res}, want), got
	}
	return sameMatches(res, want), got
}

func safeString(v any) string {
	defer func() { _ = recover() }()
	return value.String(v)
}

// sameMatches reports whether two lists hold the same values in any order.
func sameMatches(a, b any) bool {
	x, ok1 := a.([]any)
	y, ok2 := b.([]any)
	if !ok1 || !ok2 || len(x) != len(y) {
		return false
	}
	used := make([]bool, len(y))
outer:
	for _, v := range x {
		for j, w := range y {
			if !used[j] && value.Equal(v, w) {
				used[j] = true
				continue outer
			}
		}
		return false
	}
	return true
}
