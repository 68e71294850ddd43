package jsonpath

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/value"
)

const conformanceData = "../../shared/conformance/cases.jsonl"

// TestConformancePassParameters replays the recorded executions that are a
// single Pass state whose Parameters read JSONPaths from the input: the
// paths must give AWS's output, or fail where AWS failed.
func TestConformancePassParameters(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(conformanceData)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("recordings %s are absent", conformanceData)
	}
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<26)
	ran := 0
	for sc.Scan() {
		var c struct {
			ID         string `json:"id"`
			Input      string `json:"input"`
			Definition struct {
				QueryLanguage string                                `json:"QueryLanguage"`
				States        map[string]map[string]json.RawMessage `json:"States"`
			} `json:"definition"`
			Expected struct {
				Status      string          `json:"status"`
				Error       string          `json:"error"`
				OutputValue json.RawMessage `json:"output_value"`
			} `json:"expected"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("bad line: %v", err)
		}
		params, ok := passParameters(c.Definition.QueryLanguage, c.Definition.States)
		if !ok {
			continue
		}
		tmpl, err := value.Parse(params)
		if err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		input, err := value.ParseString(c.Input)
		if err != nil {
			continue
		}
		if !readsInputOnly(tmpl) {
			continue
		}
		ran++
		got, err := applyParameters(tmpl, input)
		switch c.Expected.Status {
		case "SUCCEEDED":
			want, perr := value.Parse(c.Expected.OutputValue)
			if perr != nil {
				t.Fatalf("%s: %v", c.ID, perr)
			}
			if err != nil || !value.Equal(got, want) {
				t.Errorf("%s: got %s, %v; AWS gave %s", c.ID, safeString(got), err, c.Expected.OutputValue)
			}
		case "FAILED":
			var nf *NotFoundError
			if c.Expected.Error != "States.Runtime" || !errors.As(err, &nf) {
				t.Errorf("%s: got %s, %v; AWS failed with %s", c.ID, safeString(got), err, c.Expected.Error)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if ran == 0 {
		t.Fatal("no recorded case matched; has the format changed?")
	}
	t.Logf("replayed %d recorded Pass states", ran)
}

// passParameters returns the Parameters of a JSONPath definition made of a
// single Pass state with nothing else that transforms data.
func passParameters(lang string, states map[string]map[string]json.RawMessage) (json.RawMessage, bool) {
	if lang == "JSONata" || len(states) != 1 {
		return nil, false
	}
	for _, st := range states {
		for k := range st {
			switch k {
			case "Type", "End", "Comment", "Parameters":
			default:
				return nil, false
			}
		}
		if string(st["Type"]) != `"Pass"` || st["Parameters"] == nil {
			return nil, false
		}
		return st["Parameters"], true
	}
	return nil, false
}

// readsInputOnly reports whether every ".$" field of a template is a path on
// the input (no context object, no intrinsic functions).
func readsInputOnly(tmpl any) bool {
	switch x := tmpl.(type) {
	case *value.Object:
		for k, v := range x.All() {
			if strings.HasSuffix(k, ".$") {
				s, ok := v.(string)
				if !ok || !strings.HasPrefix(s, "$") || strings.HasPrefix(s, "$$") {
					return false
				}
			} else if !readsInputOnly(v) {
				return false
			}
		}
	case []any:
		for _, v := range x {
			if !readsInputOnly(v) {
				return false
			}
		}
	}
	return true
}

// applyParameters is the Parameters template, enough for these recordings.
func applyParameters(tmpl, input any) (any, error) {
	switch x := tmpl.(type) {
	case *value.Object:
		out := value.NewObject(x.Len())
		for k, v := range x.All() {
			if name, ok := strings.CutSuffix(k, ".$"); ok {
				p, err := Compile(v.(string))
				if err != nil {
					return nil, err
				}
				r, err := p.Query(input)
				if err != nil {
					return nil, err
				}
				out.Set(name, r)
				continue
			}
			r, err := applyParameters(v, input)
			if err != nil {
				return nil, err
			}
			out.Set(k, r)
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, v := range x {
			r, err := applyParameters(v, input)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return tmpl, nil
}

// TestConformancePathsCompile compiles every JSONPath the recorded state
// machines use (fields ending in "Path" or ".$", and Choice's Variable):
// AWS accepted them all.
func TestConformancePathsCompile(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(conformanceData)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("recordings %s are absent", conformanceData)
	}
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var collect func(v any)
	collect = func(v any) {
		switch x := v.(type) {
		case *value.Object:
			if lang, _ := x.Get("QueryLanguage"); lang == "JSONata" {
				return
			}
			for k, v := range x.All() {
				s, ok := v.(string)
				if ok && strings.HasPrefix(s, "$") &&
					(strings.HasSuffix(k, ".$") || strings.HasSuffix(k, "Path") || k == "Variable") {
					seen[s] = true
					continue
				}
				collect(v)
			}
		case []any:
			for _, v := range x {
				collect(v)
			}
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<26)
	for sc.Scan() {
		var c struct {
			Definition json.RawMessage `json:"definition"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil || c.Definition == nil {
			continue
		}
		def, err := value.Parse(c.Definition)
		if err != nil {
			continue
		}
		collect(def)
	}
	if len(seen) < 100 {
		t.Fatalf("found only %d paths; has the format changed?", len(seen))
	}
	for src := range seen {
		p, err := Compile(src)
		if err != nil {
			t.Errorf("Compile(%q): %v", src, err)
			continue
		}
		want := RootInput
		switch {
		case strings.HasPrefix(src, "$$"):
			want = RootContext
		case len(src) > 1 && src[1] != '.' && src[1] != '[':
			want = RootVariable
		}
		if p.Root() != want {
			t.Errorf("Compile(%q).Root() = %v, want %v", src, p.Root(), want)
		}
	}
	t.Logf("compiled %d recorded paths", len(seen))
}
