package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/value"
)

// handCase builds a small execution case; history is the recorded
// (normalised) events array.
func handCase(status, output, errName, cause, history string, skip ...string) *Case {
	c := &Case{ID: "hand", Kind: "execution", Expected: Expected{Status: status}, SkipVerifyPaths: skip,
		Normalizers: []Normalizer{{Type: "regex", Pattern: "arn:aws:iam::111111111111:role/sfn_role_su000001", Replacement: "snf_role_arn"}}}
	if output != "" {
		c.Expected.Output = json.RawMessage(output)
	}
	if errName != "" {
		c.Expected.Error = &errName
	}
	if cause != "" {
		c.Expected.Cause = json.RawMessage(cause)
	}
	if history != "" {
		c.History = json.RawMessage(history)
	}
	return c
}

const (
	recStarted = `{"executionStartedEventDetails":{"input":{"a":1},"inputDetails":{"truncated":false},"roleArn":"snf_role_arn"},"id":1,"previousEventId":0,"timestamp":"timestamp","type":"ExecutionStarted"}`
	ourStarted = `{"timestamp":1.7E9,"type":"ExecutionStarted","id":1,"previousEventId":0,"executionStartedEventDetails":{"input":"{\"a\":1}","inputDetails":{"truncated":false},"roleArn":"arn:aws:iam::123456789012:role/R"}}`
)

func TestCompareLevels(t *testing.T) {
	t.Parallel()
	env := Env{Account: "123456789012", Region: "us-west-2", RoleArn: "arn:aws:iam::123456789012:role/R"}
	succeeded := func(out string) string {
		return `{"executionSucceededEventDetails":{"output":` + out + `,"outputDetails":{"truncated":false}},"id":2,"previousEventId":1,"timestamp":"timestamp","type":"ExecutionSucceeded"}`
	}
	ourSucceeded := func(out string) string {
		b, _ := json.Marshal(out)
		return `{"timestamp":1.7E9,"type":"ExecutionSucceeded","id":2,"previousEventId":1,"executionSucceededEventDetails":{"output":` + string(b) + `,"outputDetails":{"truncated":false}}}`
	}
	tests := []struct {
		name           string
		c              *Case
		r              Result
		l1, l2, l3, l4 bool
	}{
		{"all equal",
			handCase("SUCCEEDED", `{"b":1.0}`, "", "", `[`+recStarted+`,`+succeeded(`{"b":1.0}`)+`]`),
			Result{Status: "SUCCEEDED", Output: []byte(`{"b":1.0}`), History: []byte(`[` + ourStarted + `,` + ourSucceeded(`{"b":1.0}`) + `]`)},
			true, true, true, true},
		{"1 equals 1.0 in output, not in events",
			handCase("SUCCEEDED", `{"b":1.0}`, "", "", `[`+recStarted+`,`+succeeded(`{"b":1.0}`)+`]`),
			Result{Status: "SUCCEEDED", Output: []byte(`{"b":1}`), History: []byte(`[` + ourStarted + `,` + ourSucceeded(`{"b":1}`) + `]`)},
			true, true, true, false},
		{"skip path tolerates a difference",
			handCase("SUCCEEDED", `{"b":1.0}`, "", "", `[`+recStarted+`,`+succeeded(`{"b":1.0}`)+`]`, "$..events[1].executionSucceededEventDetails.output"),
			Result{Status: "SUCCEEDED", Output: []byte(`{"b":1}`), History: []byte(`[` + ourStarted + `,` + ourSucceeded(`{"b":2}`) + `]`)},
			true, true, true, true},
		{"wrong output",
			handCase("SUCCEEDED", `"[1,2]"`, "", "", ""),
			Result{Status: "SUCCEEDED", Output: []byte(`[1,3]`)},
			false, false, false, false},
		{"array output as text",
			handCase("SUCCEEDED", `"[1,2]"`, "", "", ""),
			Result{Status: "SUCCEEDED", Output: []byte(`[1, 2.0]`)},
			true, true, false, false},
		{"tokens match anything",
			handCase("FAILED", "", "States.Runtime", `"in state '<ArnPart_0idx>' at <uuid:1>"`, ""),
			Result{Status: "FAILED", Error: "States.Runtime", Cause: "in state 'x:y' at 0f3e0fa6"},
			true, true, false, false},
		{"token does not match a different literal part",
			handCase("FAILED", "", "States.Runtime", `"in state '<ArnPart_0idx>' at <uuid:1>"`, ""),
			Result{Status: "FAILED", Error: "States.Runtime", Cause: "in stage 'x' at 1"},
			true, false, false, false},
		{"token-like text the test sent is data, not a wildcard",
			func() *Case {
				c := handCase("SUCCEEDED", `{"v":"<omitted>"}`, "", "", "")
				c.Definition = json.RawMessage(`{"Result":{"v":"<omitted>"}}`)
				return c
			}(),
			Result{Status: "SUCCEEDED", Output: []byte(`{"v":"anything"}`)},
			false, false, false, false},
		{"output normalised where it sits in the history",
			func() *Case {
				c := handCase("SUCCEEDED", `{"FunctionResult":"RandomNumberGenerated","When":"date"}`, "", "", "")
				c.Normalizers = append(c.Normalizers, Normalizer{Type: "jsonpath",
					Path: "$..events..executionSucceededEventDetails.output.FunctionResult", Replacement: "RandomNumberGenerated"})
				return c
			}(),
			Result{Status: "SUCCEEDED", Output: []byte(`{"FunctionResult":0.4242,"When":"2025-01-02T03:04:05.678Z"}`)},
			true, true, false, false},
		{"TestState output as Python-printed text",
			func() *Case {
				c := handCase("CAUGHT_ERROR", `"[1, 1.0]"`, "E", `"c"`, "")
				c.Kind = "test_state"
				return c
			}(),
			Result{Status: "CAUGHT_ERROR", Output: []byte(`[1,1]`), Error: "E", Cause: "c"},
			true, true, false, false},
		{"cause absent on AWS, present here",
			handCase("FAILED", "", "E", "", ""),
			Result{Status: "FAILED", Error: "E", Cause: "why"},
			true, false, false, false},
		{"object cause",
			handCase("FAILED", "", "E", `{"k":"v"}`, ""),
			Result{Status: "FAILED", Error: "E", Cause: `{"k": "v"}`},
			true, true, false, false},
		{"wrong error name",
			handCase("FAILED", "", "E", "", ""),
			Result{Status: "FAILED", Error: "F"},
			false, false, false, false},
		{"incomplete history wants RUNNING and the prefix",
			handCase("INCOMPLETE_HISTORY", "", "", "", `[`+recStarted+`]`),
			Result{Status: "RUNNING", History: []byte(`[` + ourStarted + `,` + ourSucceeded(`{}`) + `]`)},
			true, true, true, true},
		{"missing event",
			handCase("SUCCEEDED", `{}`, "", "", `[`+recStarted+`,`+succeeded(`{}`)+`]`),
			Result{Status: "SUCCEEDED", Output: []byte(`{}`), History: []byte(`[` + ourStarted + `]`)},
			true, true, false, false},
		{"role and account mapped",
			handCase("RUNNING", "", "", "", `[`+recStarted+`]`),
			Result{Status: "RUNNING", History: []byte(`[` + strings.Replace(ourStarted, "role/R", "role/Other", 1) + `]`)},
			true, true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lv := Compare(tt.c, &tt.r, env)
			if lv.L1 != tt.l1 || lv.L2 != tt.l2 || lv.L3 != tt.l3 || lv.L4 != tt.l4 {
				t.Errorf("got L1 %v L2 %v L3 %v L4 %v, want %v %v %v %v\n%s", lv.L1, lv.L2, lv.L3, lv.L4, tt.l1, tt.l2, tt.l3, tt.l4, lv.Diff)
			}
			if lv.HistoryCompared != tt.c.HasHistory() {
				t.Errorf("HistoryCompared = %v", lv.HistoryCompared)
			}
			if (!lv.L1 || !lv.L2 || lv.HistoryCompared && !lv.L4) && lv.Diff == "" {
				t.Error("a failing level without a diff")
			}
		})
	}
}

func TestCompareParallelMultiset(t *testing.T) {
	t.Parallel()
	ev := func(id, typ, name string) string {
		return `{"id":` + id + `,"previousEventId":0,"stateEnteredEventDetails":{"name":"` + name + `"},"timestamp":"timestamp","type":"` + typ + `"}`
	}
	rec := `[` + ev("1", "ParallelStateStarted", "P") + `,` + ev("[0]", "PassStateEntered", "A") + `,` + ev("[0]", "PassStateEntered", "B") + `,` + ev("4", "ParallelStateExited", "P") + `]`
	c := handCase("RUNNING", "", "", "", rec)
	c.Normalizers = append(c.Normalizers, Normalizer{Type: "other", Name: "SfnNoneRecursiveParallelTransformer"})
	ours := func(a, b string) []byte {
		return []byte(`[` + ev("1", "ParallelStateStarted", "P") + `,` + ev("2", "PassStateEntered", a) + `,` + ev("3", "PassStateEntered", b) + `,` + ev("4", "ParallelStateExited", "P") + `]`)
	}
	for _, tt := range []struct {
		a, b string
		l4   bool
	}{{"B", "A", true}, {"A", "B", true}, {"A", "C", false}} {
		lv := Compare(c, &Result{Status: "RUNNING", History: ours(tt.a, tt.b)}, Env{})
		if !lv.L3 || lv.L4 != tt.l4 {
			t.Errorf("branches %s,%s: L3 %v L4 %v, want true %v\n%s", tt.a, tt.b, lv.L3, lv.L4, tt.l4, lv.Diff)
		}
	}
}

func TestCompareBadInput(t *testing.T) {
	t.Parallel()
	c := handCase("SUCCEEDED", `{}`, "", "", `[`+recStarted+`]`)
	for _, h := range []string{`{`, `{"a":1}`, `[1, "x", null]`} {
		lv := Compare(c, &Result{Status: "SUCCEEDED", Output: []byte(`{`), History: []byte(h)}, Env{})
		if lv.L3 || lv.L4 || lv.Diff == "" {
			t.Errorf("history %s: %+v", h, lv)
		}
	}
}

func TestRunReportAndBaseline(t *testing.T) {
	t.Parallel()
	cases := []Case{
		*handCase("SUCCEEDED", `{"a":1}`, "", "", ""),
		*handCase("FAILED", "", "E", `"c"`, `[`+recStarted+`]`),
		*handCase("SUCCEEDED", `{}`, "", "", ""),
	}
	cases[0].ID, cases[1].ID, cases[2].ID = "one", "two", "three"
	answers := map[string]*Result{
		"one": {Status: "SUCCEEDED", Output: []byte(`{"a":1}`)},
		"two": {Status: "FAILED", Error: "E", Cause: "other", History: []byte(`[` + ourStarted + `]`)},
	}
	run := func(_ context.Context, c *Case) (*Result, error) {
		if r, ok := answers[c.ID]; ok {
			return r, nil
		}
		return nil, errors.New("engine exploded")
	}
	env := Env{Account: "123456789012", RoleArn: "arn:aws:iam::123456789012:role/R"}
	rep := Run(t.Context(), cases, run, env)
	if got, want := rep.Summary(), "L1 2/3 (66.7%) L2 1/3 (33.3%) L3 1/1 (100.0%) L4 1/1 (100.0%) errors 1"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	if f := rep.Failures("L2"); len(f) != 2 || f[0].ID != "two" || f[1].ID != "three" {
		t.Errorf("Failures(L2) = %+v", f)
	}
	sub := rep.Where(func(o *Outcome) bool { return o.ID != "three" })
	if got, want := sub.Summary(), "L1 2/2 (100.0%) L2 1/2 (50.0%) L3 1/1 (100.0%) L4 1/1 (100.0%) errors 0"; got != want {
		t.Errorf("Where(...).Summary() = %q, want %q", got, want)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "baseline.txt")
	if err := WriteBaseline(path, rep); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if want := "L1 one\nL1 two\nL2 one\nL3 two\nL4 two\n"; string(data) != want {
		t.Errorf("baseline:\n%s\nwant:\n%s", data, want)
	}
	if reg, err := CheckBaseline(path, rep); err != nil || len(reg) != 0 {
		t.Errorf("same report: regressions %v, err %v", reg, err)
	}
	// "one" now fails everything; "two" is not run at all.
	answers["one"] = &Result{Status: "FAILED"}
	rep2 := Run(t.Context(), cases[:1], run, env)
	reg, err := CheckBaseline(path, rep2)
	if err != nil || strings.Join(reg, ",") != "L1 one,L2 one" {
		t.Errorf("regressions %v, err %v; want L1 one, L2 one", reg, err)
	}
	if _, err := CheckBaseline(filepath.Join(dir, "missing"), rep); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing baseline: err %v", err)
	}
	os.WriteFile(path, []byte("L9 one\n"), 0o644)
	if _, err := CheckBaseline(path, rep); err == nil {
		t.Error("unknown level: want an error")
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	calls := 0
	run := func(_ context.Context, c *Case) (*Result, error) {
		calls++
		cancel()
		return &Result{Status: "SUCCEEDED"}, nil
	}
	rep := Run(ctx, []Case{{ID: "a"}, {ID: "b"}}, run, Env{})
	if calls != 1 || rep.Total != 1 {
		t.Errorf("calls %d, total %d; want 1, 1", calls, rep.Total)
	}
}

func TestFilterAndLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "cases.jsonl")
	lines := `{"id":"a","kind":"execution","services":[],"features":["ql:JSONPath"],"definition":{"B":1,"A":"é"},"input":"{}"}
{"id":"b","kind":"output_only","services":[],"features":["ql:JSONata"]}

{"id":"c","kind":"execution","services":["lambda"],"features":[]}
{"id":"d","kind":"test_state","services":[],"features":["variables:Assign"]}
`
	os.WriteFile(path, []byte(lines), 0o644)
	cases, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(cs []Case) string {
		var s []string
		for _, c := range cs {
			s = append(s, c.ID)
		}
		return strings.Join(s, ",")
	}
	if got := ids(cases); got != "a,b,c,d" {
		t.Fatalf("loaded %s", got)
	}
	if got := ids(Filter(cases, PureJSONPath)); got != "a" {
		t.Errorf("PureJSONPath: %s", got)
	}
	if got := ids(Filter(cases, PureJSONataOrAssign)); got != "b" {
		t.Errorf("PureJSONataOrAssign: %s", got)
	}
	if def, err := cases[0].DefinitionText(); err != nil || def != `{"B": 1, "A": "\u00e9"}` {
		t.Errorf("DefinitionText = %q, %v", def, err)
	}
	if cases[1].InputText() != "{}" || !cases[0].Pure() || cases[2].Pure() || !cases[3].HasFeature("variables:Assign") {
		t.Error("InputText/Pure/HasFeature")
	}
	os.WriteFile(path, []byte("{\"id\":1}\n"), 0o644)
	if _, err := Load(path); err == nil {
		t.Error("bad line: want an error")
	}
}

func TestDefaultPath(t *testing.T) {
	t.Parallel()
	p := DefaultPath()
	if p == "" {
		t.Skip("cases.jsonl not found from the repository root")
	}
	if filepath.Base(p) != "cases.jsonl" || filepath.Base(filepath.Dir(p)) != "conformance" {
		t.Errorf("DefaultPath() = %s", p)
	}
}

func TestPick(t *testing.T) {
	t.Parallel()
	v := value.MustParse(`{"a":{"b":[1,{"c":"x"}]},"d.e":2}`)
	tests := []struct{ where, want string }{
		{"$", `{"a":{"b":[1,{"c":"x"}]},"d.e":2}`},
		{"$.a.b[1].c", `"x"`},
		{"$.a.b[0]", `1`},
		{"$.a.b (length 3, want 2)", `[1,{"c":"x"}]`},
		{"$.a.z (missing)", `{"b":[1,{"c":"x"}]}`},
		{"$.a.b[7]", `[1,{"c":"x"}]`},
		{"$.a.b[x]", `[1,{"c":"x"}]`},
	}
	for _, tt := range tests {
		if got := value.String(pick(v, tt.where)); got != tt.want {
			t.Errorf("pick(%s) = %s, want %s", tt.where, got, tt.want)
		}
	}
}
