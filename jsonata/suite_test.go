package jsonata

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cairn-sfn/cairn/value"
)

var update = flag.Bool("update", false, "rewrite testdata/suite_passing.txt from this run")

const (
	suiteRoot   = "../../shared/jsonata-suite"
	passingFile = "testdata/suite_passing.txt"
)

// suiteCase is one case of the official suite.
type suiteCase struct {
	id  string // group/file[#index]
	raw map[string]json.RawMessage
}

func hasLoneSurrogate(raw map[string]json.RawMessage) bool {
	for _, k := range []string{"expr", "data", "result", "bindings"} {
		s := string(raw[k])
		for _, m := range regexp.MustCompile(`(?i)\\ud[89a-f][0-9a-f]{2}`).FindAllStringIndex(s, -1) {
			hi := strings.ToLower(s[m[0]+3 : m[0]+4])
			if hi == "8" || hi == "9" || hi == "a" || hi == "b" {
				next := s[m[1]:]
				if len(next) < 6 || !regexp.MustCompile(`(?i)^\\ud[c-f]`).MatchString(next) {
					return true
				}
			} else {
				prev := s[:m[0]]
				if len(prev) < 6 || !regexp.MustCompile(`(?i)\\ud[89ab][0-9a-f]{2}$`).MatchString(prev) {
					return true
				}
			}
		}
	}
	return false
}

// isHeavy reports a case with a generous time limit: the suite's
// large-data cases (ranges of ten million and the like).
func isHeavy(raw map[string]json.RawMessage) bool {
	var ms int
	_ = json.Unmarshal(raw["timelimit"], &ms)
	return ms >= 10000
}

func loadSuite(t *testing.T) ([]suiteCase, map[string]any) {
	t.Helper()
	groups, err := filepath.Glob(filepath.Join(suiteRoot, "groups", "*", "*.json"))
	if err != nil || len(groups) == 0 {
		t.Skip("jsonata suite not found at", suiteRoot)
	}
	var cases []suiteCase
	for _, f := range groups {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(filepath.Join(suiteRoot, "groups"), f)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(strings.TrimSpace(string(data)), "[") {
			var list []map[string]json.RawMessage
			if err := json.Unmarshal(data, &list); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for i, c := range list {
				cases = append(cases, suiteCase{id: fmt.Sprintf("%s#%d", rel, i), raw: c})
			}
			continue
		}
		var c map[string]json.RawMessage
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		cases = append(cases, suiteCase{id: rel, raw: c})
	}
	datasets := map[string]any{}
	files, _ := filepath.Glob(filepath.Join(suiteRoot, "datasets", "*.json"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v, err := value.Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		datasets[strings.TrimSuffix(filepath.Base(f), ".json")] = v
	}
	return cases, datasets
}

// runCase reports whether the case passes, and why not.
func runCase(c suiteCase, datasets map[string]any) (ok bool, why string) {
	var src string
	if err := json.Unmarshal(c.raw["expr"], &src); err != nil {
		var file string
		if json.Unmarshal(c.raw["expr-file"], &file) != nil {
			return false, "no expr"
		}
		data, err := os.ReadFile(filepath.Join(suiteRoot, "groups", c.id[:strings.IndexByte(c.id, '/')], file))
		if err != nil {
			return false, err.Error()
		}
		src = string(data)
	}
	var input any = undefined
	if d, ok := c.raw["data"]; ok {
		v, err := value.Parse(d)
		if err != nil {
			return false, "bad data: " + err.Error()
		}
		input = v
	} else if ds, ok := c.raw["dataset"]; ok && string(ds) != "null" {
		var name string
		_ = json.Unmarshal(ds, &name)
		input = datasets[name]
	}
	opts := &Options{Now: time.Date(2024, 1, 2, 3, 4, 5, 6e6, time.UTC)}
	if b, ok := c.raw["bindings"]; ok {
		v, err := value.Parse(b)
		if err != nil {
			return false, "bad bindings"
		}
		if o, ok := v.(*value.Object); ok {
			opts.Bindings = map[string]any{}
			for k, x := range o.All() {
				opts.Bindings[k] = x
			}
		}
	}
	if d, ok := c.raw["depth"]; ok {
		_ = json.Unmarshal(d, &opts.MaxDepth)
	}
	if tl, ok := c.raw["timelimit"]; ok {
		var ms int
		_ = json.Unmarshal(tl, &ms)
		opts.Timeout = time.Duration(ms) * time.Millisecond
		if string(c.raw["code"]) == `"U1001"` {
			// The case expects the limit to stop a runaway evaluation;
			// a tenth of the time shows that as well and keeps the test fast.
			opts.Timeout /= 10
		}
	}
	var got any
	e, err := Compile(src)
	if err == nil {
		got, err = e.Eval(input, opts)
	}
	if codeRaw, ok := c.raw["code"]; ok {
		var code string
		_ = json.Unmarshal(codeRaw, &code)
		var je *Error
		if errors.As(err, &je) && je.Code == code {
			return true, ""
		}
		return false, fmt.Sprintf("want error %s, got %v / %s", code, err, show(got))
	}
	if errRaw, ok := c.raw["error"]; ok {
		var want struct{ Code string }
		_ = json.Unmarshal(errRaw, &want)
		var je *Error
		if errors.As(err, &je) && (want.Code == "" || je.Code == want.Code) {
			return true, ""
		}
		return false, fmt.Sprintf("want error %s, got %v / %s", string(errRaw), err, show(got))
	}
	if err != nil {
		return false, "error: " + err.Error()
	}
	if u, ok := c.raw["undefinedResult"]; ok && string(u) == "true" {
		if IsUndefined(got) {
			return true, ""
		}
		return false, "want undefined, got " + show(got)
	}
	resRaw, ok := c.raw["result"]
	if !ok {
		if IsUndefined(got) {
			return true, ""
		}
		return false, "want undefined (no result given), got " + show(got)
	}
	want, err := value.Parse(resRaw)
	if err != nil {
		return false, "bad result: " + err.Error()
	}
	if IsUndefined(got) || !value.Equal(want, got) {
		return false, fmt.Sprintf("want %s, got %s", string(resRaw), show(got))
	}
	return true, ""
}

func show(v any) string {
	if IsUndefined(v) {
		return "undefined"
	}
	s := value.String(v)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func readPassing(t *testing.T) map[string]bool {
	f, err := os.Open(passingFile)
	if err != nil {
		return map[string]bool{}
	}
	defer f.Close()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			out[line] = true
		}
	}
	return out
}

func TestSuite(t *testing.T) {
	t.Parallel()
	cases, datasets := loadSuite(t)
	before := readPassing(t)
	type tally struct{ pass, total int }
	groups := map[string]*tally{}
	var passing []string
	surrogates, heavy, pass := 0, 0, 0
	verbose := os.Getenv("JSONATA_SUITE_VERBOSE") != ""
	for _, c := range cases {
		if hasLoneSurrogate(c.raw) {
			surrogates++
			continue
		}
		if raceEnabled && isHeavy(c.raw) {
			heavy++
			continue
		}
		group := c.id[:strings.IndexByte(c.id, '/')]
		g := groups[group]
		if g == nil {
			g = &tally{}
			groups[group] = g
		}
		g.total++
		start := time.Now()
		ok, why := runCase(c, datasets)
		if d := time.Since(start); verbose && d > 50*time.Millisecond {
			t.Logf("SLOW %s: %v", c.id, d)
		}
		if ok {
			g.pass++
			pass++
			passing = append(passing, c.id)
		} else {
			if before[c.id] {
				t.Errorf("%s: passed before, now fails: %s", c.id, why)
			}
			if verbose {
				var src string
				_ = json.Unmarshal(c.raw["expr"], &src)
				t.Logf("FAIL %s: %s\n    %s", c.id, src, why)
			}
		}
	}
	names := make([]string, 0, len(groups))
	for n := range groups {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		g := groups[n]
		t.Logf("%-32s %3d/%3d", n, g.pass, g.total)
	}
	if heavy > 0 {
		t.Logf("%d heavy cases skipped under the race detector", heavy)
	}
	total := len(cases) - surrogates - heavy
	t.Logf("suite: %d/%d passed (%.1f%%); %d cases with lone surrogates counted apart", pass, total, 100*float64(pass)/float64(total), surrogates)
	if *update {
		sort.Strings(passing)
		body := "# Official JSONata suite cases this package passes; regenerate with go test -run TestSuite -update\n" + strings.Join(passing, "\n") + "\n"
		if err := os.MkdirAll(filepath.Dir(passingFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(passingFile, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
