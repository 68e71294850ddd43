package conformance

import (
	"regexp"
	"testing"
)

var escaped = regexp.MustCompile(`\\(.)`)

// RecordedNames returns the state machine and execution names the case's
// normalizers map to <ArnPart_0idx> and <ExecArnPart_0idx>, so that a
// runner can give its run the names the recording had. The machine name
// defaults to "StateMachine"; the execution name may be "".
func (c *Case) RecordedNames() (machine, execution string) {
	for _, n := range c.Normalizers {
		if n.Type != "regex" {
			continue
		}
		lit := escaped.ReplaceAllString(n.Pattern, "$1")
		switch n.Replacement {
		case "<ArnPart_0idx>":
			if machine == "" {
				machine = lit
			}
		case "<ExecArnPart_0idx>":
			if execution == "" {
				execution = lit
			}
		}
	}
	if machine == "" {
		machine = "StateMachine"
	}
	return machine, execution
}

// Verify is the end of a conformance test: it lists the failures per level
// when the test is verbose, then rewrites the baseline at path (update) or
// reports each case that passed before and fails now as an error.
func Verify(t testing.TB, path string, rep *Report, update bool) {
	t.Helper()
	if testing.Verbose() {
		for _, lvl := range []string{"L1", "L2", "L3", "L4"} {
			for _, o := range rep.Failures(lvl) {
				t.Logf("%s fail %s: %s", lvl, o.ID, o.Levels.Diff)
			}
		}
	}
	if update {
		if err := WriteBaseline(path, rep); err != nil {
			t.Fatal(err)
		}
		return
	}
	regressions, err := CheckBaseline(path, rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range regressions {
		t.Errorf("regression: %s", r)
	}
}
