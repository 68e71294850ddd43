package conformance

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// Runner runs one case through the engine: create a state machine from
// c.DefinitionText() with c.StateMachineType, start it with c.InputText(),
// wait until it leaves RUNNING (or, for INCOMPLETE_HISTORY, until it has
// gone as far as the recording), and fetch the history with
// includeExecutionData and c.HistoryRequest's reverseOrder. A TestState
// case returns the TestState status, output, error and cause instead.
//
// Give state machines and executions long, unique names (as LocalStack's
// tests did): the resource_name and reference normalizers replace every
// occurrence of a name in the text, and a short name would also hit
// unrelated text. Return an error only when the engine could not produce
// an answer at all; a failed execution is a Result.
type Runner func(ctx context.Context, c *Case) (*Result, error)

// Outcome is one case's result in a report.
type Outcome struct {
	ID       string
	Kind     string
	Features []string // the case's feature tags, for Where
	Services []string // the services the case calls
	Levels   Levels
	Err      string // the runner's error, if it failed to produce a result
	Elapsed  time.Duration
}

// Report holds per-level counts and each case's outcome.
type Report struct {
	Cases []Outcome
	// Total counts every case run; L1 and L2 are out of Total.
	Total, L1, L2 int
	// WithHistory counts the cases with a recorded history; L3 and L4 are
	// out of WithHistory.
	WithHistory, L3, L4 int
	Errors              int // cases whose runner returned an error
}

// Run runs every case and compares each result. It stops early, with the
// cases run so far, when ctx is done.
func Run(ctx context.Context, cases []Case, run Runner, env Env) *Report {
	rep := &Report{}
	for i := range cases {
		if ctx.Err() != nil {
			break
		}
		c := &cases[i]
		start := time.Now()
		res, err := safeRun(ctx, run, c)
		o := Outcome{ID: c.ID, Kind: c.Kind, Features: c.Features, Services: c.Services}
		switch {
		case err != nil:
			o.Err = err.Error()
			o.Levels = Levels{HistoryCompared: c.HasHistory(), Diff: "run: " + err.Error()}
		case res == nil:
			o.Err = "runner returned no result"
			o.Levels = Levels{HistoryCompared: c.HasHistory(), Diff: o.Err}
		default:
			o.Levels = Compare(c, res, env)
		}
		o.Elapsed = time.Since(start)
		rep.add(o)
	}
	return rep
}

func safeRun(ctx context.Context, run Runner, c *Case) (res *Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("runner panicked: %v", p)
		}
	}()
	return run(ctx, c)
}

func (r *Report) add(o Outcome) {
	r.Cases = append(r.Cases, o)
	r.Total++
	if o.Err != "" {
		r.Errors++
	}
	if o.Levels.L1 {
		r.L1++
	}
	if o.Levels.L2 {
		r.L2++
	}
	if o.Levels.HistoryCompared {
		r.WithHistory++
		if o.Levels.L3 {
			r.L3++
		}
		if o.Levels.L4 {
			r.L4++
		}
	}
}

// Where returns a report of the outcomes keep selects, recounted, e.g. to
// measure one feature: r.Where(func(o *Outcome) bool { return
// slices.Contains(o.Features, "state:Map") }).Summary().
func (r *Report) Where(keep func(o *Outcome) bool) *Report {
	out := &Report{}
	for i := range r.Cases {
		if keep(&r.Cases[i]) {
			out.add(r.Cases[i])
		}
	}
	return out
}

// Summary gives the counts per level, e.g.
// "L1 520/668 (77.8%) L2 500/668 (74.9%) L3 200/300 (66.7%) L4 150/300 (50.0%) errors 3".
func (r *Report) Summary() string {
	pct := func(n, d int) string {
		if d == 0 {
			return fmt.Sprintf("%d/0", n)
		}
		return fmt.Sprintf("%d/%d (%.1f%%)", n, d, 100*float64(n)/float64(d))
	}
	return fmt.Sprintf("L1 %s L2 %s L3 %s L4 %s errors %d",
		pct(r.L1, r.Total), pct(r.L2, r.Total), pct(r.L3, r.WithHistory), pct(r.L4, r.WithHistory), r.Errors)
}

// Failures lists the cases that failed level ("L1".."L4"), with their diff.
func (r *Report) Failures(level string) []Outcome {
	var out []Outcome
	for _, o := range r.Cases {
		if passed, applies := o.Levels.passed(level); applies && !passed {
			out = append(out, o)
		}
	}
	return out
}

func (l Levels) passed(level string) (passed, applies bool) {
	switch level {
	case "L1":
		return l.L1, true
	case "L2":
		return l.L2, true
	case "L3":
		return l.L3, l.HistoryCompared
	case "L4":
		return l.L4, l.HistoryCompared
	}
	return false, false
}

var levelNames = []string{"L1", "L2", "L3", "L4"}

// baselineLines are the "<level> <case id>" lines for every level passed.
func (r *Report) baselineLines() []string {
	var lines []string
	for _, o := range r.Cases {
		for _, lvl := range levelNames {
			if ok, _ := o.Levels.passed(lvl); ok {
				lines = append(lines, lvl+" "+o.ID)
			}
		}
	}
	sort.Strings(lines)
	return lines
}

// WriteBaseline writes the levels each case passed, one "<level> <case id>"
// line each, sorted, for committing next to the test.
func WriteBaseline(path string, r *Report) error {
	text := strings.Join(r.baselineLines(), "\n")
	if text != "" {
		text += "\n"
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return fmt.Errorf("write baseline: %w", err)
	}
	return nil
}

// CheckBaseline compares r with a baseline file and returns, as
// "<level> <case id>", what passed before and fails now. Cases the report
// did not run are not regressions.
func CheckBaseline(path string, r *Report) (regressions []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("check baseline: %w", err)
	}
	defer f.Close()
	byID := make(map[string]Levels, len(r.Cases))
	for _, o := range r.Cases {
		byID[o.ID] = o.Levels
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		lvl, id, ok := strings.Cut(text, " ")
		if !ok {
			return nil, fmt.Errorf("check baseline: %s line %d: want \"<level> <case id>\"", path, line)
		}
		levels, ran := byID[id]
		if !ran {
			continue
		}
		passed, applies := levels.passed(lvl)
		if !applies && lvl != "L3" && lvl != "L4" {
			return nil, fmt.Errorf("check baseline: %s line %d: unknown level %q", path, line, lvl)
		}
		if !passed {
			regressions = append(regressions, text)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("check baseline: %w", err)
	}
	return regressions, nil
}
